// `npm run bench`: logitkit (wasm SIMD, wasm baseline, native) beside the
// peers a user would otherwise pick — transformers.js, TensorFlow.js (wasm
// and cpu backends), plain JavaScript (careful single-pass and naive
// full-sort) — on identical seeded logits, in one process. Medians with
// p10/p90 in µs per call, and each one's ratio to logitkit wasm SIMD. Each
// peer's result is checked before it is timed (nobody is timed doing
// nothing). Writes bench/results.md for the README.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import { load } from '../dist/index.mjs';
import { formatRow } from '../common/harness.mjs';
import { loadPeers, tfBackend } from './peers.mjs';
import { OPS, OP_RATIOS, FIT_OP, isShapeOp, timeCases, timeFit } from './suite.mjs';
import { runBrowserBench } from './browser.mjs';
import { runClassifyBench } from './classify.mjs';

const sizes = (process.env.LK_BENCH_SIZES ?? '32000,50257,128256,256000').split(',').map(Number);
const simd = await load({ simd: true });
const base = await load({ simd: false });
const peers = await loadPeers();
const tfWasm = peers.tf ? await tfBackend(peers.tf.tf, 'wasm') : null;
const tfCpu = peers.tf ? await tfBackend(peers.tf.tf, 'cpu') : null;
const nativeBin = new URL('../build/native/lk_bench', import.meta.url).pathname;
function nativeTimes(n) {
  if (!existsSync(nativeBin)) return {};
  return JSON.parse(execFileSync(nativeBin, [String(n)], { encoding: 'utf8' }));
}


const header = `logitkit bench — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load average ${os.loadavg()[0].toFixed(2)}`;
const versions = `peers: transformers.js ${peers.transformers?.version ?? '–'}, TensorFlow.js ${peers.tf?.version ?? '–'}`;
const sizesLine = (() => {
  const gz = (f) => gzipSync(readFileSync(new URL(`../dist/${f}`, import.meta.url))).length;
  const raw = (f) => readFileSync(new URL(`../dist/${f}`, import.meta.url)).length;
  return ['index.mjs', 'logitkit-simd.wasm', 'logitkit-baseline.wasm'].map((f) => `${f} ${(raw(f) / 1024).toFixed(0)} KB (${(gz(f) / 1024).toFixed(0)} KB gzip)`).join(', ');
})();
console.log(header);
console.log(versions);
console.log(`sizes: ${sizesLine}`);
console.log('µs per call: median [p10, p90]; ratio = time / logitkit wasm SIMD time (lower is faster)\n');
const widths = [64, 56, 10, 20, 8, 12];
const md = [`# Benchmark results`, '', header, '', versions, '', `Sizes: ${sizesLine}`, ''];

// Prints one table (console and markdown); ratios are to logitkit wasm SIMD in
// the same table. Operations come in the order given, then any others (the
// top-p shape rows, whose labels carry their nucleus size) as they appear.
function table(title, results, ops) {
  const order = [...new Set([...ops, ...results.map((r) => r.op)])];
  console.log(title);
  console.log(formatRow(['operation', 'implementation', 'median', '[p10, p90]', 'ratio', 'accuracy'], widths));
  md.push(`## ${title}`, '', '| operation | implementation | median µs | p10–p90 | ratio to logitkit SIMD | max error vs float64 |', '|---|---|---|---|---|---|');
  for (const op of order) {
    const ref = results.find((r) => r.op === op && r.impl === 'logitkit wasm SIMD')?.median;
    for (const r of results.filter((q) => q.op === op)) {
      const ratio = ref ? (r.median / ref).toFixed(2) : '–';
      const acc = r.accuracy || '';
      console.log(formatRow([op, r.impl, r.median.toFixed(1), `[${r.p10.toFixed(1)}, ${r.p90.toFixed(1)}]`, ratio, acc], widths));
      md.push(`| ${op} | ${r.impl} | ${r.median.toFixed(1)} | ${r.p10.toFixed(1)}–${r.p90.toFixed(1)} | ${ratio} | ${acc || '–'} |`);
    }
  }
  md.push('');
  const ratios = [...OP_RATIOS, ...order.filter(isShapeOp).map((op) => [op, OPS.softmaxWasm, `${op} / softmax in wasm memory`])];
  for (const [top, bottom, label] of ratios) {
    const parts = [];
    for (const r of results.filter((q) => q.op === top)) {
      const ref = results.find((q) => q.op === bottom && q.impl === r.impl);
      if (ref) parts.push(`${r.impl} ${(r.median / ref.median).toFixed(2)}`);
    }
    if (!parts.length) continue;
    console.log(`${label}: ${parts.join(', ')}`);
    md.push(`${label} (ratio of medians): ${parts.join(', ')}`, '');
  }
  console.log('');
}

// The softmax floor (bench/floor/floor.cpp), built beside the wasm modules.
const floorFile = new URL('../build/wasm/lk_floor.wasm', import.meta.url);
const floor = existsSync(floorFile) ? readFileSync(floorFile) : null;
const env = { simd, base, peers, tfWasm, tfCpu, floor };
for (const n of sizes) {
  const results = await timeCases(n, env);
  for (const [op, us] of Object.entries(nativeTimes(n))) results.push({ op, impl: 'logitkit native (SSE2)', ...us });
  table(`Node, V = ${n}`, results, Object.values(OPS));
  console.log(`peak wasm memory: SIMD ${(simd._m.HEAPU8.length / 2 ** 20).toFixed(0)} MiB, baseline ${(base._m.HEAPU8.length / 2 ** 20).toFixed(0)} MiB\n`);
}
table('Node, calibration', timeFit(env), [FIT_OP]);

// The same suite in headless Chromium (skipped with LK_BENCH_BROWSER=0 or when Chromium is missing).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.env.LK_BENCH_BROWSER !== '0' && existsSync(chromium)) {
  const browserSizes = (process.env.LK_BENCH_BROWSER_SIZES ?? '32000,128256').split(',').map(Number);
  const run = await runBrowserBench(browserSizes, { transformers: peers.transformers?.version });
  const line = `In the browser: ${run.browser} (headless, ${run.backend}), timer coarsened to 100 µs so samples are ≥ 10 ms batches`;
  console.log(line + '\n');
  md.push(line, '');
  for (const n of browserSizes) table(`Chromium, V = ${n}`, run.results[n], Object.values(OPS));
  table('Chromium, calibration', run.fit, [FIT_OP]);
} else {
  console.log('(browser run skipped: set CHROMIUM_PATH or install chromium)');
}
writeFileSync(new URL('./results.md', import.meta.url), md.join('\n') + '\n');
runClassifyBench({ 'logitkit wasm SIMD': simd, 'logitkit wasm baseline': base });
