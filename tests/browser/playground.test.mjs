// The generation playground in headless Chromium: the model loads from the
// page's own server (no CDN), a seeded run generates exactly the text Node
// generates with the same code, prompt, seed and controls (ONNX Runtime Web in
// both), the prompt's perplexity and per-character surprise shown are Node's,
// stepping reproduces the run's prefix, the logit lens lists one row per
// layer, bad controls are named errors, and the playground fits a phone's
// width. JSON mode: 20 seeds under the default JSON Schema (XGrammar in the
// page), each valid and each the JSON Node generates, and the same seeds
// without the grammar give invalid JSON. Screenshots (desktop, phone, JSON
// mode) in test-output/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import Ajv from 'ajv';
import { CharModel, DEFAULT_SCHEMA, Generation, JsonSchemaGrammar } from '../../web/playground-core.mjs';
import { startPage } from './browser.mjs';
import { charlmFiles } from '../ecosystem/charlm-files.mjs';
import { loadXGrammar } from '../ecosystem/xgrammar-engine.mjs';

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

async function nodeRun(prompt, controls, n) {
  const g = new Generation(model, prompt, controls);
  for (let i = 0; i < n; i++) await g.step();
  const run = { text: g.generated, promptScores: g.promptScores };
  g.dispose();
  return run;
}

const showChar = (ch) => (ch === '\n' ? '⏎' : ch === ' ' ? '␣' : ch);

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
  const expected = await nodeRun('The meaning of life is', { temperature: 0.7, topK: 20, topP: 0.95, minP: 0, repetitionPenalty: 1.1, seed: '99' }, 64);
  assert.equal(shown.length, 64);
  assert.equal(shown, expected.text);
  const lens = await page.$$eval('#pg-lens tbody tr', (rows) => rows.map((r) => r.cells[0].textContent));
  assert.deepEqual(lens, ['embedding', ...Array.from({ length: meta.config.layers }, (_, l) => `layer ${l + 1}`)]);
  const kept = Number(await page.getAttribute('#pg-step', 'data-kept'));
  assert.match(await page.textContent('#pg-kept'), new RegExp(`^Kept set \\(${kept}\\)`));
  await page.locator('#playground').screenshot({ path: `${outDir}/demo-playground.png` });
  nodeScores = expected.promptScores;
});

let nodeScores;

test("the prompt's perplexity and each character's surprise are Node's", async () => {
  const scores = nodeScores;
  assert.equal(scores.count, 'The meaning of life is'.length - 1);
  const summary = await page.textContent('#pg-summary');
  const [, perplexity, count] = summary.match(/prompt perplexity (\d+\.\d{3}) \((\d+) characters scored\)/) ?? [];
  assert.equal(perplexity, scores.perplexity.toFixed(3));
  assert.equal(Number(count), scores.count);
  assert.match(await page.textContent('#pg-score-note'), /characters 2–22 of the prompt are scored \(the first has no prediction\)/);
  assert.equal(await page.isVisible('#pg-legend'), true);
  assert.match(await page.textContent('#pg-legend'), /^surprise −log p, nats:/);
  const spans = await page.$$eval('#pg-text .surprise', (els) => els.map((e) => ({ text: e.textContent, title: e.title, bg: getComputedStyle(e).backgroundColor })));
  assert.equal(spans.length, scores.count);
  assert.equal(spans.map((e) => e.text).join(''), 'he meaning of life is');
  assert.equal(await page.textContent('#pg-text .unscored'), 'T');
  // Surprise orders the colours: the most surprising character is never lighter than the least.
  const luminance = (css) => css.match(/\d+/g).slice(0, 3).map(Number).reduce((a, v) => a + v, 0);
  const bySurprise = scores.chars.map((c, i) => [c.surprise, i]).sort((a, b) => a[0] - b[0]);
  assert.ok(luminance(spans[bySurprise.at(-1)[1]].bg) < luminance(spans[bySurprise[0][1]].bg));
  // The tooltip of the most surprising character: its −log p, rank and Node's top 5 with probabilities.
  const worst = bySurprise.at(-1)[1], c = scores.chars[worst];
  const { title } = spans[worst];
  assert.ok(title.includes(`−log p = ${c.surprise.toFixed(3)} nats`), title);
  assert.ok(title.includes(`rank ${c.rank} of ${model.vocab.length}`), title);
  assert.ok(title.endsWith(`top 5: ${c.top.map((a) => `${showChar(a.char)} ${a.p.toFixed(3)}`).join(' · ')}`), title);
  // The same details by keyboard: one tab stop, arrow keys move along the characters.
  assert.equal(await page.$$eval('#pg-text .surprise[tabindex="0"]', (els) => els.length), 1);
  await page.focus('#pg-text .surprise[tabindex="0"]');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.index), '3');
  assert.equal(await page.textContent('#pg-char-info'), spans[3].title);
  assert.ok(spans[3].title.startsWith(`"${scores.chars[3].char}", prompt character 5: −log p = ${scores.chars[3].surprise.toFixed(3)}`));
});

test('at a 390 × 844 phone viewport the playground fits the width', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    // Chart.js resizes its canvases on a ResizeObserver callback, a frame or more later.
    await page.waitForFunction(() => document.documentElement.scrollWidth <= innerWidth, null, { timeout: 5000 }).catch(() => {});
    const overflow = await page.evaluate(() => {
      const wide = ['pg-text', 'pg-score-key', 'pg-legend', 'pg-char-info', 'pg-summary', 'playground']
        .filter((id) => document.getElementById(id).getBoundingClientRect().right > innerWidth);
      return { page: document.documentElement.scrollWidth - innerWidth, wide };
    });
    assert.deepEqual(overflow, { page: 0, wide: [] });
    await page.locator('#playground').screenshot({ path: `${outDir}/demo-playground-phone.png` });
  } finally {
    await page.setViewportSize({ width: 1200, height: 900 });
  }
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

// ---- JSON mode ---------------------------------------------------------------

const jsonGrammar = await JsonSchemaGrammar.create(loadXGrammar(), model, DEFAULT_SCHEMA);
after(() => jsonGrammar.dispose());
const validate = new Ajv({ strict: true }).compile(JSON.parse(DEFAULT_SCHEMA));
const validJson = (text) => { try { return validate(JSON.parse(text)); } catch { return false; } };
const JSON_CONTROLS = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0, repetitionPenalty: 1.1 };
const JSON_SEEDS = Array.from({ length: 20 }, (_, i) => 100 + i);

async function nodeJson(seed) {
  const g = new Generation(model, 'The meaning of life is', { ...JSON_CONTROLS, seed: String(seed) }, { matcher: await jsonGrammar.matcher() });
  while (!g.done && g.ids.length - g.promptLength < 400) await g.step();
  const text = g.generated;
  g.dispose();
  return text;
}

async function pageRun(seed, count) {
  await setControl('pg-seed', seed);
  await page.fill('#pg-count', String(count));
  await page.click('#pg-run');
  await page.waitForFunction(() => document.getElementById('pg-status').textContent === 'done', null, { timeout: 120000 });
  return page.getAttribute('#pg-summary', 'data-generated');
}

const jsonOutputs = [];

test('JSON mode: 20 seeds in the page, each valid against the schema and the JSON Node generates', async () => {
  await setControl('pg-prompt', 'The meaning of life is');
  for (const [k, id] of [['temperature', 'pg-temperature'], ['topK', 'pg-topK'], ['topP', 'pg-topP'], ['minP', 'pg-minP'], ['repetitionPenalty', 'pg-repetition']]) {
    await setControl(id, JSON_CONTROLS[k]);
  }
  await page.$eval('#pg-json', (el) => { el.checked = true; el.dispatchEvent(new Event('change')); });
  assert.equal(await page.inputValue('#pg-schema'), DEFAULT_SCHEMA);
  // The first step: only '{' is allowed.
  await setControl('pg-seed', JSON_SEEDS[0]);
  await page.click('#pg-step');
  await page.waitForFunction(() => document.getElementById('pg-grammar').dataset.allowed !== undefined, null, { timeout: 60000 });
  assert.equal(await page.getAttribute('#pg-grammar', 'data-allowed'), '1');
  assert.equal(await page.getAttribute('#pg-summary', 'data-generated'), '{');
  for (const seed of JSON_SEEDS) {
    const shown = await pageRun(seed, 400);
    assert.equal(await page.getAttribute('#pg-grammar', 'data-done'), '1', `seed ${seed}: the grammar ended`);
    assert.equal(await page.getAttribute('#pg-grammar', 'data-valid'), '1', `seed ${seed}`);
    assert.ok(validJson(shown), `seed ${seed}: ${shown} ${JSON.stringify(validate.errors)}`);
    assert.equal(shown, await nodeJson(seed), `seed ${seed}: the page and Node generate the same JSON`);
    jsonOutputs.push(shown);
  }
  assert.ok(new Set(jsonOutputs).size >= 18);
  assert.match(await page.textContent('#pg-grammar'), /^JSON complete: valid JSON/);
  await page.locator('#playground').screenshot({ path: `${outDir}/demo-playground-json.png` });
  assert.deepEqual(errors, []);
});

test('JSON mode off: the same seeds give invalid JSON in the page', async () => {
  await page.$eval('#pg-json', (el) => { el.checked = false; el.dispatchEvent(new Event('change')); });
  let valid = 0;
  for (const [i, seed] of JSON_SEEDS.entries()) if (validJson(await pageRun(seed, jsonOutputs[i].length))) valid++;
  assert.ok(valid <= 2, `${valid} of 20 unconstrained outputs were valid JSON`);
  assert.equal(await page.isVisible('#pg-grammar'), false);
  assert.deepEqual(errors, []);
});
