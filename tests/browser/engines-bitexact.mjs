// Same bits in every engine: Chromium (V8), Firefox ESR (SpiderMonkey) and
// WebKitGTK (JavaScriptCore) each compute every digest of tests/shared/digests.mjs
// — row ops at T = 0 … 3, elementwise ops, losses, the LM head, calibration,
// classification and seeded sampler chains at V = 128 256 (the main one 256
// steps) with logprobs as float64 bits — with the SIMD and the baseline build,
// and each must equal Node's: with the engine's default WebAssembly tiering
// and with each compiler tier forced on its own (tests/browser/engines.mjs,
// TIERS). A self-test flips one output bit in a browser and shows the
// comparison names that digest and no other. With default tiering, the
// playground's seeded generation gives Node's text and the speed panel runs.
//
// Run by scripts/test.sh as `node --test-reporter=spec tests/browser/engines-bitexact.mjs`
// (not a *.test.mjs, so the Chromium-only step does not run it a second time).
// LK_ENGINES=firefox,webkit picks engines; LK_ENGINE_TIERS=default skips the
// forced tiers, LK_ENGINE_TIERS=all adds the slow ones (JavaScriptCore's
// interpreter). Writes test-output/engines.json (versions, timings, the speed
// panel's rows).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import { digests, compareDigests } from '../shared/digests.mjs';
import { CharModel, Generation } from '../../web/playground-core.mjs';
import { charlmFiles } from '../ecosystem/charlm-files.mjs';
import { ENGINES, TIERS, startServer, openEngine, waitInPage } from './engines.mjs';

const started = Date.now();
const engines = process.env.LK_ENGINES ? process.env.LK_ENGINES.split(',') : ENGINES;
for (const e of engines) if (!ENGINES.includes(e)) throw new RangeError(`LK_ENGINES: unknown engine '${e}' (known: ${ENGINES.join(', ')})`);
const tierMode = process.env.LK_ENGINE_TIERS ?? 'forced';
if (!['forced', 'default', 'all'].includes(tierMode)) throw new RangeError(`LK_ENGINE_TIERS must be forced (the default), default or all, got '${tierMode}'`);
const tiersOf = (name) => ['default', ...(tierMode === 'default' ? [] : Object.keys(TIERS[name]).filter((t) => tierMode === 'all' || !TIERS[name][t].slow))];
// The engine whose digests are recomputed with one output bit flipped.
const SELF_TEST_ENGINE = engines.includes('firefox') ? 'firefox' : engines[0];
const FLIP = { key: 'softmax/V/T=1', word: 1 + 12345, bit: 0 }; // element 12345 of row 0 (word 0 is the length)

const server = await startServer();
after(() => server.close());
const fixture = new URL(`@fs${fileURLToPath(new URL('./fixtures/digests.html', import.meta.url))}`, server.url).href;

const BUILDS = { simd: true, baseline: false };
const node = {};
const report = { node: process.version, engines: {}, seconds: {} };
for (const [build, simd] of Object.entries(BUILDS)) {
  const t0 = performance.now();
  node[build] = digests(await load({ simd }));
  report.seconds[`node ${build}`] = Math.round(performance.now() - t0) / 1000;
}
const digestCount = Object.keys(node.simd).length;

// The playground's runs: the same prompt, seed and controls as in Node.
const RUNS = [
  { prompt: 'The meaning of life is', count: 64, controls: { temperature: 0.7, topK: 20, topP: 0.95, minP: 0, repetitionPenalty: 1.1, seed: '99' } },
  { prompt: 'Q: What is a computer?\nA:', count: 96, extra: { frequencyPenalty: 0.3 },
    controls: { temperature: 1.3, topK: 0, topP: 0.9, minP: 0.05, repetitionPenalty: 1.25, seed: '2026' } },
];
ort.env.wasm.numThreads = 1;
const model = await CharModel.create(ort, await load(), charlmFiles());
after(() => model.release());
for (const run of RUNS) {
  const g = new Generation(model, run.prompt, { ...run.controls, ...run.extra });
  for (let i = 0; i < run.count; i++) await g.step();
  run.expected = g.generated;
  g.dispose();
}

test(`Node: the SIMD and baseline builds give the same ${digestCount} digests`, () => {
  assert.deepEqual(compareDigests(node.simd, node.baseline), []);
});

// In the page: set the playground's controls, run, and return the generated text.
async function generateInPage({ prompt, count, controls, extra }) {
  const $ = (id) => document.getElementById(id);
  const until = async (what, f, ms = 120000) => {
    const end = Date.now() + ms;
    while (!f()) {
      if ($('pg-error').textContent) throw new Error(`playground: ${$('pg-error').textContent}`);
      if (Date.now() > end) throw new Error(`playground: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await until('the model', () => !$('pg-run').disabled);
  const set = (id, v) => { $(id).value = String(v); $(id).dispatchEvent(new Event('change')); };
  set('pg-prompt', prompt);
  set('pg-temperature', controls.temperature);
  set('pg-topK', controls.topK);
  set('pg-topP', controls.topP);
  set('pg-minP', controls.minP);
  set('pg-repetition', controls.repetitionPenalty);
  set('pg-seed', controls.seed);
  set('pg-extra', extra ? JSON.stringify(extra) : '');
  $('pg-count').value = String(count);
  const t0 = performance.now();
  $('pg-run').click();
  await until('the run', () => $('pg-status').textContent === 'done');
  return { text: $('pg-summary').dataset.generated, ms: performance.now() - t0 };
}

// In the page: the speed panel's run, its rows as numbers.
async function speedPanelInPage() {
  const $ = (id) => document.getElementById(id);
  $('run-speed').click();
  const end = Date.now() + 120000;
  while ($('speed-status').dataset.done !== 'true') {
    if (/failed/.test($('speed-status').textContent)) throw new Error(`speed panel: ${$('speed-status').textContent}`);
    if (Date.now() > end) throw new Error('speed panel: timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    status: $('speed-status').textContent,
    rows: Array.from($('speed-table').tBodies[0].rows, (tr) => ({ name: tr.cells[0].textContent, logitkitUs: Number(tr.cells[1].textContent), plainJsUs: Number(tr.cells[2].textContent) })),
  };
}

// Opens the engine with a tier, loads the fixture, checks every digest of
// each build it can run against Node's; then body(engine, lap), if given.
async function withEngine(t, name, tier, body) {
  const t0 = Date.now();
  const engine = await openEngine(name, { tier });
  const info = { version: engine.version, seconds: {} };
  (report.engines[name] ??= {})[tier] = info;
  const lap = (what, since) => { info.seconds[what] = Math.round((Date.now() - since) / 100) / 10; };
  lap('launch', t0);
  try {
    let t1 = Date.now();
    await engine.goto(fixture);
    await waitInPage(engine, () => typeof window.lkDigests === 'function', null, 60000);
    Object.assign(info, await engine.run(() => window.lkInfo()));
    lap('fixture', t1);
    const hasSimd = tier === 'default' || TIERS[name][tier].simd !== false;
    assert.equal(info.simdSupported, hasSimd, `${name} (${tier}) ${hasSimd ? 'has' : 'has no'} WebAssembly SIMD`);
    for (const [build, simd] of Object.entries(BUILDS)) {
      if (simd && !hasSimd) continue;
      await t.test(`${build} build: ${digestCount} digests equal Node's`, async () => {
        t1 = Date.now();
        const r = await engine.run((a) => window.lkDigests(a), { simd });
        lap(`digests ${build}`, t1);
        assert.equal(r.simd, simd);
        const differ = compareDigests(node[build], r.digests);
        assert.deepEqual(differ, [], `${name} (${tier}), ${build} build: these digests differ from Node's: ${differ.join(', ')}`);
      });
    }
    await body?.(engine, info, lap);
  } finally {
    await engine.close();
    lap('total', t0);
  }
}

for (const name of engines) {
  test(`${name}: every digest equals Node's, both builds; the playground's seeded text equals Node's; the speed panel runs`, (t) => withEngine(t, name, 'default', async (engine, info, lap) => {
    let t1;
    if (name === SELF_TEST_ENGINE) {
      await t.test(`self-test: one output bit flipped (${FLIP.key}, element ${FLIP.word - 1}, bit ${FLIP.bit}) is caught, and only there`, async () => {
        t1 = Date.now();
        const r = await engine.run((a) => window.lkDigests(a), { simd: true, flip: FLIP });
        lap('self-test', t1);
        const caught = compareDigests(node.simd, r.digests);
        report.selfTest = { engine: name, flipped: FLIP, differ: caught };
        assert.deepEqual(caught, [FLIP.key]);
      });
    }
    await t.test('the playground generates Node\'s text for the same prompt, seed and controls', async () => {
      t1 = Date.now();
      await engine.goto(`${server.url}#playground`);
      for (const [i, run] of RUNS.entries()) {
        const { text } = await engine.run(generateInPage, { prompt: run.prompt, count: run.count, controls: run.controls, extra: run.extra });
        assert.equal(text, run.expected, `${name}, run ${i + 1} (seed ${run.controls.seed})`);
      }
      lap('playground', t1);
      info.playground = RUNS.map((r) => r.expected);
    });
    await t.test('the speed panel completes with a time for every row', async () => {
      t1 = Date.now();
      const speed = await engine.run(speedPanelInPage);
      lap('speed panel', t1);
      info.speed = speed;
      assert.equal(speed.rows.length, 4);
      // A per-call time below 1 µs is a broken measurement (a coarse timer read as 0), not speed.
      for (const r of speed.rows) assert.ok(r.logitkitUs >= 1 && r.plainJsUs >= 1, JSON.stringify(r));
    });
    assert.deepEqual(engine.errors, [], `${name}: console errors`);
  }));

  // The forced tiers run two at a time (each run is one thread of a 2-core
  // machine's work); nothing here is timed.
  const forced = tiersOf(name).filter((tier) => tier !== 'default');
  if (forced.length) {
    test(`${name}, each WebAssembly tier forced on its own (${forced.join(', ')}): every digest equals Node's`, { concurrency: 2 }, async (t) => {
      await Promise.all(forced.map((tier) => t.test(`${tier} tier`, (st) => withEngine(st, name, tier))));
    });
  }
}

after(() => {
  report.seconds.total = Math.round((Date.now() - started) / 100) / 10;
  const out = fileURLToPath(new URL('../../test-output/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}/engines.json`, `${JSON.stringify(report, null, 2)}\n`);
  const lines = [`node ${report.node}: ${digestCount} digests per build`];
  for (const [name, tiers] of Object.entries(report.engines)) {
    for (const [tier, e] of Object.entries(tiers)) {
      lines.push(`${name} (${tier}): ${e.version}; ${Object.entries(e.seconds).map(([k, v]) => `${k} ${v} s`).join(', ')}`);
      if (e.speed) lines.push(`  speed panel: ${e.speed.status}`);
      for (const r of e.speed?.rows ?? []) lines.push(`    ${r.name}: logitkit ${r.logitkitUs} µs, plain JS ${r.plainJsUs} µs (${(r.plainJsUs / r.logitkitUs).toFixed(1)}×)`);
    }
  }
  if (report.selfTest) lines.push(`self-test in ${report.selfTest.engine}: flipped ${JSON.stringify(report.selfTest.flipped)}, digests that differ: ${JSON.stringify(report.selfTest.differ)}`);
  lines.push(`total ${report.seconds.total} s`);
  console.log(lines.join('\n'));
});
