// The playground's beam mode in headless Chromium. Its final hypotheses (text,
// score, log-probability) are the ones Node finds with lk.beamSearch over the
// same model, where Node runs the model one beam at a time (batch 1) and keeps
// each beam's text itself, while the page runs it at batch = numBeams and
// gathers the prefixes by `parents` (web/playground-core.mjs BeamGeneration):
// so the page's batching and reordering are checked, not only shared code.
// The page's code runs the model once per step at batch = numBeams. numBeams
// 1 is the greedy text (argmax of the model's logits, in Node). The
// table updates at every step (running and finished rows), Stop keeps what is
// shown, a changed control clears it. The mode and its options round-trip
// through the page's address. Screenshots of beam mode at a desktop and a
// phone viewport in test-output/ (the desktop one also in docs/ for the
// README), no horizontal overflow on the phone, and no
// serious or critical axe-core violation in beam mode.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import { BEAM_ENDS, BeamGeneration, CharModel } from '../../web/playground-core.mjs';
import { startPage } from './browser.mjs';
import { charlmFiles } from '../ecosystem/charlm-files.mjs';

const ctx = await startPage();
after(() => ctx.close());
const { page, url, errors } = ctx;
const outDir = new URL('../../test-output/', import.meta.url).pathname;
const docsDir = new URL('../../docs/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DESKTOP = { width: 1440, height: 900 }, PHONE = { width: 390, height: 844 };

ort.env.wasm.numThreads = 1;
const lk = await load();
const model = await CharModel.create(ort, lk, charlmFiles());
after(() => model.release());

const PROMPT = 'The meaning of life is';

// lk.beamSearch in Node, the model run once per beam (batch 1); each beam's
// text gathered from its parent's. Returns the final hypotheses, best first.
async function nodeBeams(prompt, { numBeams, lengthPenalty, earlyStopping, maxNewTokens, ends, repetitionPenalty }) {
  const ids = Array.from(model.encode(prompt));
  const eos = BEAM_ENDS[ends].map((c) => model.vocab.indexOf(c));
  const bs = lk.beamSearch({
    vocabSize: model.vocab.length, numBeams, lengthPenalty, earlyStopping, maxNewTokens, repetitionPenalty,
    numReturnSequences: numBeams, prompts: [ids], ...(eos.length ? { eosTokenId: eos } : {}),
  });
  let beams = Array.from({ length: numBeams }, () => []);
  const V = model.vocab.length;
  for (;;) {
    const logits = new Float32Array(numBeams * V);
    for (let b = 0; b < numBeams; b++) logits.set((await model.step(Int32Array.from([...ids, ...beams[b]]))).logits, b * V);
    const { parents, tokens, done } = bs.step(logits);
    beams = Array.from(parents, (p, i) => [...beams[p], tokens[i]]);
    if (done) break;
  }
  const hyps = bs.finalize().hypotheses[0].map((h) => ({ text: model.decode(h.tokens), score: h.score, logprob: h.logprob }));
  bs.dispose();
  return hyps;
}

// Page loads, to name a reload (Vite's, when another server re-optimises the
// shared dependency cache) if a wait below times out.
let loads = 0;
page.on('load', () => { loads++; });

async function status(...texts) {
  const before = loads;
  try {
    await page.waitForFunction((ts) => ts.includes(document.getElementById('pg-status').textContent) || document.getElementById('pg-error').textContent !== '', texts);
  } catch (e) {
    const now = await page.evaluate(() => document.getElementById('pg-status').textContent).catch(() => '?');
    throw new Error(`waiting for status ${texts.join(' or ')}: ${now ? `"${now}"` : 'none'}, ${loads - before} page load(s) meanwhile (${e.message})`);
  }
  assert.equal(await page.textContent('#pg-error'), '');
}
const setControl = (id, value) => page.$eval(`#${id}`, (el, v) => { el.value = v; el.dispatchEvent(new Event('input')); el.dispatchEvent(new Event('change')); }, String(value));
const beamRows = () => page.$$eval('#pg-beams tbody tr', (trs) => trs.map((tr) => ({
  state: tr.dataset.state, text: tr.dataset.text, score: Number(tr.dataset.score), logprob: Number(tr.dataset.logprob), label: tr.cells[1].textContent,
})));

async function setBeamOptions(o) {
  await setControl('pg-prompt', PROMPT);
  await setControl('pg-mode', 'beam');
  await setControl('pg-numBeams', o.numBeams);
  await setControl('pg-lengthPenalty', o.lengthPenalty);
  await setControl('pg-earlyStopping', String(o.earlyStopping));
  await setControl('pg-maxNewTokens', o.maxNewTokens);
  await setControl('pg-ends', o.ends);
  await setControl('pg-repetition', o.repetitionPenalty);
}

async function pageBeams(o) {
  await setBeamOptions(o);
  await page.click('#pg-run');
  await status('done');
  assert.equal(await page.getAttribute('#pg-beams', 'data-done'), '1');
  return beamRows();
}

await page.setViewportSize(DESKTOP);
await page.goto(`${url}#playground`);
await status('model loaded');

// Each case: the page's final hypotheses against Node's. Tokens (the text)
// exactly; scores within 2^-18 (the page and Node run the same float32 logits
// through the same wasm, so they are expected equal, but the tolerance is the
// library's contract, not the ONNX run's batching).
const CASES = [
  { numBeams: 4, lengthPenalty: 1, earlyStopping: false, maxNewTokens: 40, ends: 'newline', repetitionPenalty: 1.1 },
  { numBeams: 3, lengthPenalty: 2, earlyStopping: true, maxNewTokens: 30, ends: 'sentence', repetitionPenalty: 1 },
  { numBeams: 8, lengthPenalty: 0, earlyStopping: 'never', maxNewTokens: 24, ends: 'none', repetitionPenalty: 1.3 },
  { numBeams: 2, lengthPenalty: -0.5, earlyStopping: false, maxNewTokens: 20, ends: 'sentence', repetitionPenalty: 1.1 },
];

for (const o of CASES) {
  test(`beam mode's final hypotheses are Node's lk.beamSearch over the model at batch 1: ${JSON.stringify(o)}`, async () => {
    const shown = await pageBeams(o);
    const expected = await nodeBeams(PROMPT, o);
    assert.ok(expected.length >= 1 && shown.length === expected.length, `${shown.length} rows shown, ${expected.length} hypotheses in Node`);
    assert.ok(shown.every((r) => r.state === 'finished'));
    assert.deepEqual(shown.map((r) => r.text), expected.map((h) => h.text));
    for (const [i, h] of expected.entries()) {
      assert.ok(Math.abs(shown[i].score - h.score) <= 2 ** -18, `hypothesis ${i}: score ${shown[i].score} vs ${h.score}`);
      assert.ok(Math.abs(shown[i].logprob - h.logprob) <= 2 ** -18, `hypothesis ${i}: log p ${shown[i].logprob} vs ${h.logprob}`);
      assert.ok(Math.abs(h.score - h.logprob / h.text.length ** o.lengthPenalty) <= 1e-12, 'score = log p / length ** lengthPenalty');
    }
    // Best first, and the text box shows the best one.
    for (let i = 1; i < shown.length; i++) assert.ok(shown[i - 1].score >= shown[i].score);
    assert.equal(await page.getAttribute('#pg-summary', 'data-generated'), expected[0].text);
    // Which ones finished at an end character and which at maxNewTokens.
    const ends = BEAM_ENDS[o.ends];
    for (const r of shown) {
      const atEnd = ends.includes(r.text.at(-1));
      assert.ok(atEnd || r.text.length === o.maxNewTokens, `${JSON.stringify(r.text)} ended at neither`);
      assert.equal(r.label, atEnd ? `finished: ${r.text.at(-1) === '\n' ? '⏎' : r.text.at(-1)}` : 'finished: length');
    }
  });
}

test('the page\'s code (BeamGeneration) runs the model once per step, at batch = numBeams', async () => {
  const batches = [];
  const run = model.run;
  model.run = function (ids, batch) { batches.push(batch); return run.call(this, ids, batch); };
  try {
    const g = new BeamGeneration(model, PROMPT, { numBeams: 5, maxNewTokens: 6, ends: 'none' });
    while (!g.done) await g.step();
    g.dispose();
  } finally {
    delete model.run;
  }
  assert.deepEqual(batches, [5, 5, 5, 5, 5, 5]);
});

test('numBeams 1 is the greedy text (the argmax of the model\'s logits at each step, in Node)', async () => {
  const o = { numBeams: 1, lengthPenalty: 1, earlyStopping: false, maxNewTokens: 48, ends: 'none', repetitionPenalty: 1 };
  const shown = await pageBeams(o);
  const ids = Array.from(model.encode(PROMPT));
  for (let i = 0; i < o.maxNewTokens; i++) {
    const { logits } = await model.step(Int32Array.from(ids));
    let best = 0;
    for (let t = 1; t < logits.length; t++) if (logits[t] > logits[best]) best = t;
    ids.push(best);
  }
  const greedy = model.decode(ids.slice(PROMPT.length));
  assert.equal(shown.length, 1);
  assert.equal(shown[0].text, greedy);
  // The sampling mode at temperature 0 gives the same text.
  await setControl('pg-mode', 'sample');
  await setControl('pg-temperature', 0);
  await page.fill('#pg-count', String(o.maxNewTokens));
  await page.click('#pg-run');
  await status('done');
  assert.equal(await page.getAttribute('#pg-summary', 'data-generated'), greedy);
  await setControl('pg-temperature', 0.8);
});

test('the table updates at every step, Step goes one step, Stop keeps what is shown and a changed control clears it', async () => {
  await setBeamOptions({ numBeams: 4, lengthPenalty: 1, earlyStopping: false, maxNewTokens: 40, ends: 'newline', repetitionPenalty: 1.1 });
  const expected = await nodeBeams(PROMPT, { numBeams: 4, lengthPenalty: 1, earlyStopping: false, maxNewTokens: 40, ends: 'newline', repetitionPenalty: 1.1 });
  for (let i = 1; i <= 3; i++) {
    await page.click('#pg-step');
    await page.waitForFunction((n) => document.getElementById('pg-beams').dataset.steps === String(n) && !document.getElementById('pg-step').disabled, i);
    const rows = await beamRows();
    assert.equal(rows.filter((r) => r.state === 'running').length, 4, `step ${i}: four running beams`);
    for (const r of rows) if (r.state === 'running') assert.equal(r.text.length, i);
  }
  // A run from there ends with the final hypotheses Node found.
  await page.click('#pg-run');
  await status('done');
  assert.deepEqual((await beamRows()).map((r) => r.text), expected.map((h) => h.text));
  // Stop: a long run (200 steps, no end character) ends after its current step, its rows stay.
  await setControl('pg-ends', 'none');
  await setControl('pg-maxNewTokens', 200);
  await page.click('#pg-run');
  await page.waitForFunction(() => Number(document.getElementById('pg-beams').dataset.steps) >= 5);
  await page.click('#pg-stop');
  await status('stopped');
  const steps = Number(await page.getAttribute('#pg-beams', 'data-steps'));
  assert.ok(steps >= 5 && steps < 200, `stopped after ${steps} steps`);
  assert.equal(await page.getAttribute('#pg-beams', 'data-done'), '0');
  assert.equal((await beamRows()).filter((r) => r.state === 'running').length, 4);
  assert.equal(await page.isDisabled('#pg-run'), false);
  assert.equal(await page.isDisabled('#pg-stop'), true);
  // A control changed during a run: stopped, and the table cleared.
  await page.click('#pg-run');
  await page.waitForFunction((n) => Number(document.getElementById('pg-beams').dataset.steps) >= n + 2, steps);
  await setControl('pg-lengthPenalty', 2);
  await page.waitForFunction(() => !document.getElementById('pg-run').disabled);
  assert.deepEqual(await beamRows(), []);
  assert.equal(await page.getAttribute('#pg-summary', 'data-generated'), '');
  await setControl('pg-lengthPenalty', 1);
  await setControl('pg-ends', 'newline');
  await setControl('pg-maxNewTokens', 40);
});

test('Stop in the sampling mode: the run ends, the text and the step shown are its last step\'s', async () => {
  await setControl('pg-mode', 'sample');
  await setControl('pg-temperature', 0);
  await page.fill('#pg-count', '400');
  await page.click('#pg-run');
  await page.waitForFunction(() => (document.getElementById('pg-summary').dataset.generated ?? '').length >= 16);
  await page.click('#pg-stop');
  await status('stopped');
  const text = await page.getAttribute('#pg-summary', 'data-generated');
  assert.ok(text.length >= 16 && text.length < 400, `${text.length} characters`);
  // Greedy: the text is the start of Node's greedy continuation, and the step table's chosen row is its last character.
  const ids = Array.from(model.encode(PROMPT));
  const s = lk.sampler({ temperature: 0, topK: 40, topP: 0.95, minP: 0, repetitionPenalty: 1.1, seed: '2026', prompt: ids });
  for (let i = 0; i < text.length; i++) { const { logits } = await model.step(Int32Array.from(ids)); ids.push(s.next(logits).token); }
  s.dispose();
  assert.equal(text, model.decode(ids.slice(PROMPT.length)));
  assert.equal(Number(await page.getAttribute('#pg-step-table tbody tr', 'data-token')), ids.at(-1));
  assert.equal(await page.isDisabled('#pg-run'), false);
  await setControl('pg-temperature', 0.8);
  await setControl('pg-mode', 'beam');
});

test('bad beam options are named errors', async () => {
  await setControl('pg-maxNewTokens', 0);
  assert.match(await page.textContent('#pg-error'), /maxNewTokens/);
  await page.click('#pg-step');
  await page.waitForFunction(() => !document.getElementById('pg-step').disabled);
  assert.match(await page.textContent('#pg-error'), /maxNewTokens/);
  assert.deepEqual(await beamRows(), []);
  await setControl('pg-maxNewTokens', 40);
  assert.equal(await page.textContent('#pg-error'), '');
});

// Every beam control with a non-default value, and the mode.
const STATE = { mode: 'beam', numBeams: '6', lengthPenalty: '1.5', earlyStopping: 'never', ends: 'sentence', maxNewTokens: '33', repetition: '1.2', prompt: 'Once upon a time' };
const IDS = { mode: 'pg-mode', numBeams: 'pg-numBeams', lengthPenalty: 'pg-lengthPenalty', earlyStopping: 'pg-earlyStopping', ends: 'pg-ends', maxNewTokens: 'pg-maxNewTokens', repetition: 'pg-repetition', prompt: 'pg-prompt' };

test('the mode and the beam options round-trip through the address', async () => {
  await page.goto(`${url}#playground`);
  await status('model loaded');
  assert.equal(new URL(page.url()).search, '', 'the defaults leave the address bare');
  for (const [k, v] of Object.entries(STATE)) await setControl(IDS[k], v);
  const address = new URL(page.url());
  assert.deepEqual(Object.fromEntries(address.searchParams), STATE);
  assert.equal(address.hash, '#playground');
  // A fresh load of that address: the same controls, beam mode shown, and a run gives Node's hypotheses.
  await page.goto('about:blank');
  await page.goto(address.href);
  await status('model loaded');
  for (const [k, v] of Object.entries(STATE)) assert.equal(await page.inputValue(`#${IDS[k]}`), v, k);
  assert.equal(await page.isVisible('#pg-beam-controls'), true);
  assert.equal(await page.isVisible('#pg-temperature'), false);
  assert.equal(await page.isVisible('#pg-beams'), true);
  assert.equal(await page.isVisible('#pg-chart'), false);
  await page.click('#pg-run');
  await status('done');
  const o = { numBeams: 6, lengthPenalty: 1.5, earlyStopping: 'never', ends: 'sentence', maxNewTokens: 33, repetitionPenalty: 1.2 };
  assert.deepEqual((await beamRows()).map((r) => r.text), (await nodeBeams(STATE.prompt, o)).map((h) => h.text));
  // Back to a default: its key leaves the address; other parameters stay.
  await page.goto(`${url}?mode=beam&numBeams=2&other=x#playground`);
  await status('model loaded');
  await setControl('pg-numBeams', 4);
  assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), { mode: 'beam', other: 'x' });
  // A value a select does not offer is ignored.
  await page.goto(`${url}?mode=bogus#playground`);
  await status('model loaded');
  assert.equal(await page.inputValue('#pg-mode'), 'sample');
});

// axe-core's serious and critical violations, with the nodes they name.
async function axe() {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} (${n.failureSummary.split('\n').slice(1, 2).join('').trim()})`).join('; ')}`);
}

for (const [name, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
  for (const scheme of ['light', 'dark']) {
    test(`beam mode, ${name}, ${scheme}: a finished search fits the width, has no axe-core violation${scheme === 'light' ? ', screenshot' : ''}`, async () => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize(viewport);
      await page.goto('about:blank');
      await page.goto(`${url}?mode=beam&numBeams=5&ends=sentence&maxNewTokens=48#playground`);
      await status('model loaded');
      await page.click('#pg-run');
      await status('done');
      assert.equal((await beamRows()).length, 5);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const overflow = await page.evaluate(() => {
        const wide = ['pg-text', 'pg-summary', 'pg-beam-out', 'pg-beam-controls', 'playground']
          .filter((id) => document.getElementById(id).getBoundingClientRect().right > innerWidth + 0.5);
        return { page: document.documentElement.scrollWidth - innerWidth, wide };
      });
      assert.deepEqual(overflow, { page: 0, wide: [] });
      // One column on the phone: the beams below the controls; beside them on the desktop.
      const [controls, outputs] = await page.$$eval('#playground .cols > *', (els) => els.map((e) => e.getBoundingClientRect().toJSON()));
      if (name === 'phone') assert.ok(outputs.top >= controls.bottom); else assert.ok(outputs.left >= controls.right);
      assert.deepEqual(await axe(), []);
      if (scheme === 'light') {
        await page.locator('#playground .controls').screenshot({ path: `${outDir}/playground-beam-controls-${name}.png` });
        await page.locator('#pg-beam-out').scrollIntoViewIfNeeded();
        await page.locator('#playground').screenshot({ path: `${outDir}/playground-beam-${name}.png` });
        // The README's picture.
        if (name === 'desktop') await page.locator('#playground').screenshot({ path: `${docsDir}/playground-beam.png` });
      }
    });
  }
}

test('no console errors', () => assert.deepEqual(errors, []));
