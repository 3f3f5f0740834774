// The generation playground in headless Chromium: the model loads from the
// page's own server (no CDN), a seeded run generates exactly the text Node
// generates with the same code, prompt, seed and controls (ONNX Runtime Web in
// both), stepping reproduces the run's prefix, the logit lens lists one row per
// layer, bad controls are named errors. Screenshot in test-output/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import { CharModel, Generation } from '../../web/playground-core.mjs';
import { startPage } from './browser.mjs';
import { charlmFiles } from '../ecosystem/charlm-files.mjs';

const ctx = await startPage();
after(() => ctx.close());
const outDir = new URL('../../test-output/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const { page, url, errors } = ctx;
await page.setViewportSize({ width: 1200, height: 900 });
await page.goto(`${url}#playground`);
await page.waitForFunction(() => document.getElementById('pg-status').textContent === 'model loaded', null, { timeout: 120000 });

ort.env.wasm.numThreads = 1;
const files = charlmFiles();
const { meta } = files;
const model = await CharModel.create(ort, await load(), files);
after(() => model.release());

async function nodeText(prompt, controls, n) {
  const g = new Generation(model, prompt, controls);
  for (let i = 0; i < n; i++) await g.step();
  const text = g.generated;
  g.dispose();
  return text;
}

async function setControl(id, value) {
  await page.$eval(`#${id}`, (el, v) => { el.value = v; el.dispatchEvent(new Event('change')); }, String(value));
}

test('a seeded run in the page generates the text Node generates', async () => {
  await page.fill('#pg-prompt', 'The meaning of life is');
  await setControl('pg-prompt', 'The meaning of life is');
  await setControl('pg-temperature', 0.7);
  await setControl('pg-topK', 20);
  await setControl('pg-seed', 99);
  await page.fill('#pg-count', '64');
  await page.click('#pg-run');
  await page.waitForFunction(() => document.getElementById('pg-status').textContent === 'done', null, { timeout: 120000 });
  const shown = await page.getAttribute('#pg-summary', 'data-generated');
  const expected = await nodeText('The meaning of life is', { temperature: 0.7, topK: 20, topP: 0.95, minP: 0, repetitionPenalty: 1.1, seed: '99' }, 64);
  assert.equal(shown.length, 64);
  assert.equal(shown, expected);
  const lens = await page.$$eval('#pg-lens tbody tr', (rows) => rows.map((r) => r.cells[0].textContent));
  assert.deepEqual(lens, ['embedding', ...Array.from({ length: meta.config.layers }, (_, l) => `layer ${l + 1}`)]);
  const kept = Number(await page.getAttribute('#pg-step', 'data-kept'));
  assert.match(await page.textContent('#pg-kept'), new RegExp(`^Kept set \\(${kept}\\)`));
  await page.locator('#playground').screenshot({ path: `${outDir}/demo-playground.png` });
});

test('stepping after a reset reproduces the run, character by character', async () => {
  const run = await page.getAttribute('#pg-summary', 'data-generated');
  await page.click('#pg-reset');
  for (let i = 1; i <= 5; i++) {
    await page.click('#pg-step');
    await page.waitForFunction((n) => (document.getElementById('pg-summary').dataset.generated ?? '').length === n, i);
  }
  assert.equal(await page.getAttribute('#pg-summary', 'data-generated'), run.slice(0, 5));
});

test('bad controls and prompts are named errors in the page', async () => {
  await setControl('pg-extra', '{"topP": 2}');
  await page.click('#pg-step');
  await page.waitForFunction(() => document.getElementById('pg-error').textContent !== '');
  assert.match(await page.textContent('#pg-error'), /topP/);
  await setControl('pg-extra', '');
  await setControl('pg-prompt', 'naïve');
  await page.click('#pg-step');
  await page.waitForFunction(() => /prompt/.test(document.getElementById('pg-error').textContent));
  assert.match(await page.textContent('#pg-error'), /character "ï" at position 2/);
  await setControl('pg-prompt', 'The meaning of life is');
  assert.deepEqual(errors, []);
});
