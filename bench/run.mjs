// `npm run bench`: logitkit (wasm SIMD, wasm baseline, native) beside the
// peers a user would otherwise pick — transformers.js, TensorFlow.js (wasm
// and cpu backends), plain JavaScript (careful single-pass and naive
// full-sort) — on identical seeded logits, in one process. Medians with
// p10/p90 in µs per call, and each one's ratio to logitkit wasm SIMD. Each
// peer's result is checked before it is timed (nobody is timed doing
// nothing). Writes bench/results.md for the README.
//
// Two cache modes (issue 27): warm, each call repeated; cold, a model-sized
// buffer walk (4 × the last-level cache, at least 64 MiB; 64 MiB in Chromium)
// before every call, outside the timed interval, as a generation loop leaves
// the caches (the model's forward pass runs between two sampling steps).
//
// Knobs (environment):
//   LK_BENCH_SIZES          vocabulary sizes of the warm Node tables (32000,50257,128256,256000);
//                           empty: no warm Node tables, calibration or classification rows
//   LK_BENCH_BROWSER=0      skip the Chromium run; LK_BENCH_BROWSER_SIZES its sizes (32000,128256)
//   LK_BENCH_COLD=0         skip the cold rows; LK_BENCH_COLD=only runs only them (no warm tables,
//                           no calibration or classification rows)
//   LK_BENCH_COLD_SIZES     sizes of the cold tables, Node and Chromium (128256)
//   LK_BENCH_COLD_CALLS     calls timed per cold row, each after an eviction (200)
//   LK_BENCH_EVICT_MIB      the eviction walk's size in Node, MiB (default from the LLC, see above)
//   LK_BENCH_OUT            where the markdown goes (bench/results.md); dev runs point it elsewhere
//   LK_BENCH_BEAM_SIZES     vocabulary sizes of the beam-search table (32000,128256); LK_BENCH_BEAMS
//                           its beam counts (4,8)
//   LK_BENCH_ONLY=beam      only the beam-search table: no peers loaded, no other table, no browser
//                           run; the markdown is written only when LK_BENCH_OUT is set (a quick
//                           check that leaves bench/results.md alone)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import { load } from '../dist/index.mjs';
import { formatRow, makeEvictor } from '../common/harness.mjs';
import { loadPeers, tfBackend } from './peers.mjs';
import { OPS, OP_RATIOS, FIT_OP, COLD, coldRatios, isShapeOp, timeCases, timeColdCases, timeFit, beamOp, beamSoftmaxOp, beamRatios, timeBeamCases } from './suite.mjs';
import { runBrowserBench } from './browser.mjs';
import { runClassifyBench } from './classify.mjs';

const list = (v) => v.split(',').filter(Boolean).map(Number);
const only = process.env.LK_BENCH_ONLY ?? '';
if (only !== '' && only !== 'beam') throw new Error(`LK_BENCH_ONLY must be 'beam' or unset, got '${only}'`);
const sizes = list(process.env.LK_BENCH_SIZES ?? '32000,50257,128256,256000');
const coldMode = process.env.LK_BENCH_COLD ?? '1';
const warm = coldMode !== 'only' && !only;
const coldSizes = coldMode === '0' || only ? [] : list(process.env.LK_BENCH_COLD_SIZES ?? '128256');
const beamSizes = list(process.env.LK_BENCH_BEAM_SIZES ?? '32000,128256');
const beamCounts = list(process.env.LK_BENCH_BEAMS ?? '4,8');
const coldCalls = Number(process.env.LK_BENCH_COLD_CALLS ?? 200);
const outFile = process.env.LK_BENCH_OUT ?? new URL('./results.md', import.meta.url).pathname;

// The last-level cache from sysfs (index*/size of cpu0, the highest level);
// the eviction walk is 4 × it, at least 64 MiB.
function evictionBytes() {
  if (process.env.LK_BENCH_EVICT_MIB) return { bytes: Number(process.env.LK_BENCH_EVICT_MIB) * 2 ** 20, from: 'LK_BENCH_EVICT_MIB' };
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  let llc = 0, level = 0;
  try {
    for (const d of readdirSync(dir).filter((e) => e.startsWith('index'))) {
      const lv = Number(readFileSync(`${dir}/${d}/level`, 'utf8'));
      const m = /^(\d+)([KMG]?)/.exec(readFileSync(`${dir}/${d}/size`, 'utf8').trim());
      const size = m ? Number(m[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2]] : 0;
      if (lv > level || (lv === level && size > llc)) { level = lv; llc = size; }
    }
  } catch { /* no sysfs cache description (some VMs) */ }
  const bytes = Math.max(64 * 2 ** 20, 4 * llc);
  return { bytes, from: llc ? `4 × the L${level} cache of ${(llc / 2 ** 20).toFixed(1)} MiB (sysfs), at least 64 MiB` : 'no cache size in sysfs: the 64 MiB minimum' };
}
const simd = await load({ simd: true });
const base = await load({ simd: false });
const peers = only ? {} : await loadPeers();
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
const mainMd = [`# Benchmark results`, '', header, '', versions, '', `Sizes: ${sizesLine}`, ''];

// Prints one table (console and markdown); ratios are to logitkit wasm SIMD in
// the same table. Operations come in the order given, then any others (the
// top-p shape rows, whose labels carry their nucleus size) as they appear.
function table(title, results, ops, ratioList = null, md = mainMd) {
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
  const ratios = ratioList ?? [...OP_RATIOS, ...order.filter(isShapeOp).map((op) => [op, OPS.softmaxWasm, `${op} / softmax in wasm memory`])];
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

// The cold tables go in a section of their own, after the warm ones.
const md = mainMd;
const coldMd = ['## cold caches', ''];
// Beside TensorFlow.js wasm's rows: what ran (backend, SIMD and threads
// flags, binary) and where its softmax time goes, from the same table's rows.
// Its dataSync returns every result in a fresh ArrayBuffer (HEAPU8.slice);
// in Chromium a fresh buffer of V floats costs far more than in Node: the
// freed pages go back to the system and fault in again on every call (at
// V = 128 256, 100–145 minor faults of the renderer per fresh 512 KB buffer
// against 0 in Node, whose malloc reuses them; a CPU profile of
// tensor1d → softmax → dataSync in Chromium puts 71 % of the time in
// readSync's slice and 5 % in the softmax kernel). Threads need a
// cross-origin-isolated page; there tfjs takes its threaded binary but runs
// 1 thread on 2 cores, and the read-back costs the same.
function tfFootnote(where, results, info, extra = '') {
  if (!info) return;
  const get = (op, impl) => results.find((r) => r.op === op && (impl ? r.impl.startsWith(impl) : true))?.median;
  const inOut = get(OPS.softmax, 'TensorFlow.js wasm'), kernel = get(OPS.tfResident, 'TensorFlow.js wasm');
  const lk = get(OPS.softmax, 'logitkit wasm SIMD');
  const fresh = get(OPS.freshCopy), reused = get(OPS.reusedCopy);
  const us = (v) => (v == null ? '–' : `${v.toFixed(1)} µs`);
  const line = `TensorFlow.js wasm, ${where}: tf.getBackend() = ${info.backend}, WASM_HAS_SIMD_SUPPORT ${info.simd}, WASM_HAS_MULTITHREAD_SUPPORT ${info.threads} (${info.threadCount} thread${info.threadCount === 1 ? '' : 's'}), binary ${info.binary}${extra}. `
    + `Its softmax with the tensor already in its memory and the result left there takes ${us(kernel)} (logitkit's Float32Array in/out: ${us(lk)}); `
    + `with tensor1d and dataSync, as its docs read a result, ${us(inOut)}. dataSync returns a fresh ArrayBuffer each call (HEAPU8.slice): `
    + `copying V floats out of wasm memory into a fresh buffer takes ${us(fresh)} here, into an existing Float32Array ${us(reused)}.`;
  console.log(line + '\n');
  md.push(`*${line}*`, '');
}

// The softmax floor (bench/floor/floor.cpp), built beside the wasm modules.
const floorFile = new URL('../build/wasm/lk_floor.wasm', import.meta.url);
const floor = existsSync(floorFile) ? readFileSync(floorFile) : null;
const env = { simd, base, peers, tfWasm, tfCpu, floor };
if (warm) {
  for (const n of sizes) {
    const results = await timeCases(n, env);
    for (const [op, us] of Object.entries(nativeTimes(n))) results.push({ op, impl: 'logitkit native (SSE2)', ...us });
    table(`Node, V = ${n}`, results, Object.values(OPS));
    tfFootnote(`Node, V = ${n}`, results, tfWasm?.info);
    console.log(`peak wasm memory: SIMD ${(simd._m.HEAPU8.length / 2 ** 20).toFixed(0)} MiB, baseline ${(base._m.HEAPU8.length / 2 ** 20).toFixed(0)} MiB\n`);
  }
  if (sizes.length) table('Node, calibration', timeFit(env), [FIT_OP]);
}
// Beam search (issue 28): one step at each beam count and size, its softmax, a plain-JS step.
if (warm || only === 'beam') {
  const pairs = beamCounts.flatMap((nb) => beamSizes.map((n) => [nb, n]));
  const results = pairs.flatMap(([nb, n]) => timeBeamCases(nb, n, env));
  table('Node, beam search step', results, pairs.flatMap(([nb, n]) => [beamOp(nb, n), beamSoftmaxOp(nb, n)]), beamRatios(pairs));
}
// Cold caches: one table per size, after the warm ones.
const coldTable = (title, results) => table(title, results, Object.values(COLD), coldRatios([...new Set(results.map((r) => r.op))]), coldMd);
if (coldSizes.length) {
  const { bytes, from } = evictionBytes();
  const evict = makeEvictor(bytes);
  const line = `Cold caches: before every timed call a walk reads and writes one word per 64-byte line of a ${(evict.bytes / 2 ** 20).toFixed(0)} MiB buffer (${from}), outside the timed interval; each call is timed alone, medians of ${coldCalls} calls. This is what a generation loop sees: the model's forward pass runs between two sampling steps. The interleaved rows evict nothing: each call alternates with the other implementation's chain on its own row.`;
  console.log(line + '\n');
  coldMd.push(line, '');
  for (const n of coldSizes) coldTable(`Node, V = ${n}, cold caches`, await timeColdCases(n, env, evict, { calls: coldCalls }));
}

// The same suite in headless Chromium (skipped with LK_BENCH_BROWSER=0 or when Chromium is missing).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (only) {
  console.log(`(LK_BENCH_ONLY=${only}: no other table, no browser run)`);
} else if (process.env.LK_BENCH_BROWSER !== '0' && existsSync(chromium)) {
  const browserSizes = list(process.env.LK_BENCH_BROWSER_SIZES ?? '32000,128256');
  const run = await runBrowserBench(warm ? browserSizes : [], { transformers: peers.transformers?.version }, { coldSizes, coldCalls });
  if (warm) {
    const line = `In the browser: ${run.browser} (headless, ${run.backend}), timer coarsened to 100 µs so samples are ≥ 10 ms batches`;
    console.log(line + '\n');
    md.push(line, '');
    for (const n of browserSizes) {
      table(`Chromium, V = ${n}`, run.results[n], Object.values(OPS));
      tfFootnote(`Chromium, V = ${n}`, run.results[n], run.tfInfo, `, fetched by the page: ${run.tfFetched.join(', ') || 'none'}`);
    }
    table('Chromium, calibration', run.fit, [FIT_OP]);
  }
  if (run.cold) {
    const line = `Chromium, cold caches: a second page, cross-origin isolated (COOP/COEP) for a ${run.cold.timerUs} µs timer (crossOriginIsolated ${run.cold.isolated}); the walk is a fixed ${run.cold.evictMiB} MiB, medians of ${coldCalls} calls.`;
    console.log(line + '\n');
    coldMd.push(line, '');
    for (const n of coldSizes) coldTable(`Chromium, V = ${n}, cold caches`, run.cold.results[n]);
  }
} else {
  console.log('(browser run skipped: set CHROMIUM_PATH or install chromium)');
}
if (!only || process.env.LK_BENCH_OUT) writeFileSync(outFile, [...mainMd, ...(coldSizes.length ? coldMd : [])].join('\n') + '\n');
if (warm && sizes.length) runClassifyBench({ 'logitkit wasm SIMD': simd, 'logitkit wasm baseline': base });
