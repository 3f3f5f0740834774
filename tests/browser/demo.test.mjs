// The demo page in headless Chromium: it loads with no console errors; the
// probabilities it renders are the ones the library computes in Node on the
// same inputs; a seeded sampling run shows the same counts as Node; the
// calibration panel shows Node's fitted T; the speed panel completes.
// Screenshots of each panel go to test-output/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import { load } from '../../dist/index.mjs';
import { startPage } from './browser.mjs';

const ctx = await startPage();
after(() => ctx.close());
const outDir = new URL('../../test-output/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const lk = await load();
const { page, url, errors } = ctx;
await page.setViewportSize({ width: 1200, height: 900 });
await page.goto(url);
await page.waitForFunction(() => document.querySelectorAll('#explorer-table tbody tr').length > 0);

const france = new Float32Array([12.4, 8.1, 6.2, 2.1, 1.8, -5.2]);

async function setRange(id, value) {
  await page.$eval(`#${id}`, (el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }, String(value));
}
async function renderedFinal() {
  return page.$$eval('#explorer-table td[data-final]', (tds) => tds.map((td) => [Number(td.dataset.token), Number(td.dataset.final)]));
}

test('the explorer renders the library\'s probabilities as the controls change', async () => {
  for (const c of [
    { temperature: 1, topK: 0, topP: 1, minP: 0 },
    { temperature: 0.6, topK: 3, topP: 1, minP: 0 },
    { temperature: 1.5, topK: 0, topP: 0.9, minP: 0 },
    { temperature: 2, topK: 0, topP: 1, minP: 0.05 },
    { temperature: 0, topK: 0, topP: 1, minP: 0 },
  ]) {
    for (const [k, v] of Object.entries(c)) await setRange(k, v);
    const { ids, probs } = lk.sampler({ ...c, typicalP: 1, order: 'llama.cpp' }).distribution(france);
    const expected = new Map(Array.from(ids, (id, i) => [id, probs[i]]));
    for (const [token, p] of await renderedFinal()) assert.equal(p, expected.get(token) ?? 0, `${JSON.stringify(c)} token ${token}`);
    const pT = lk.softmax(france, { temperature: c.temperature });
    const shown = await page.$$eval('#explorer-table td[data-p]', (tds) => tds.map((td) => Number(td.dataset.p)));
    assert.deepEqual(shown, Array.from(pT)); // the table lists France's tokens in logit order, which is their order here
  }
});

test('a seeded sampling run shows the counts Node computes with the same seed', async () => {
  const c = { temperature: 1.2, topK: 4, topP: 1, minP: 0 };
  for (const [k, v] of Object.entries(c)) await setRange(k, v);
  await page.fill('#seed', '7');
  await page.fill('#draws', '3000');
  await page.click('#draw');
  const shown = await page.$$eval('#explorer-table td[data-draws-for]', (tds) => tds.map((td) => [Number(td.dataset.drawsFor), Number(td.textContent)]));
  const s = lk.sampler({ ...c, typicalP: 1, order: 'llama.cpp', seed: 7 });
  const counts = new Map();
  for (let i = 0; i < 3000; i++) { const t = s.sample(france).token; counts.set(t, (counts.get(t) ?? 0) + 1); }
  for (const [token, n] of shown) assert.equal(n, counts.get(token) ?? 0, `token ${token}`);
  await page.locator('#explorer').screenshot({ path: `${outDir}/demo-explorer.png` });
});

test('multi-label and retrieval presets render the library\'s values', async () => {
  await page.selectOption('#preset', 'multilabel');
  const tags = await page.$$eval('#explorer-table td[data-p]', (tds) => tds.map((td) => Number(td.dataset.p)));
  const { probs } = lk.multiLabel(new Float32Array([2.3, 0.4, -1.1, 1.7, -3.0, 0.05]), { threshold: 0.5 });
  assert.deepEqual(tags, Array.from(probs));
  await page.selectOption('#preset', 'retrieval');
  const ranked = await page.$$eval('#explorer-table tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
  assert.equal(ranked[0], 'Paris is the capital of France');
  await page.locator('#explorer').screenshot({ path: `${outDir}/demo-retrieval.png` });
  await page.selectOption('#preset', 'france');
});

test('the calibration panel shows the temperature fitted in Node on the same data', async () => {
  await page.waitForFunction(() => document.getElementById('fitted-t').dataset.t !== undefined);
  const shown = Number(await page.$eval('#fitted-t', (el) => el.dataset.t));
  const data = (name, Type) => { const b = readFileSync(new URL(`../../data/calibration/${name}`, import.meta.url)); return new Type(b.buffer, b.byteOffset, b.byteLength / Type.BYTES_PER_ELEMENT); };
  const fit = lk.fitTemperature(data('val-logits.f32', Float32Array), data('val-labels.i32', Int32Array));
  assert.equal(shown, fit.temperature);
  await page.locator('#calibration').screenshot({ path: `${outDir}/demo-calibration.png` });
});

test('the speed panel completes in a worker, one run at a time', async () => {
  await page.click('#run-speed');
  // One run at a time: the button is disabled until it is done, so a second click starts nothing.
  assert.equal(await page.isDisabled('#run-speed'), true);
  await page.$eval('#run-speed', (b) => b.click());
  await page.waitForFunction(() => document.getElementById('speed-status').dataset.done === 'true', null, { timeout: 120000 });
  const rows = await page.$$eval('#speed-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent)));
  assert.equal(rows.length, 4);
  for (const r of rows) assert.ok(Number(r[1]) > 0 && Number(r[2]) > 0);
  await page.locator('#speed').screenshot({ path: `${outDir}/demo-speed.png` });
  await page.screenshot({ path: `${outDir}/demo-page.png`, fullPage: true });
  copyFileSync(`${outDir}/demo-explorer.png`, new URL('../../docs/demo.png', import.meta.url).pathname);
  assert.deepEqual(errors, []);
});
