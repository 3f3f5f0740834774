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
import { measure, measureAsync, realisticLogits, formatRow } from './harness.mjs';
import * as plain from './plain-js.mjs';
import { loadPeers, transformersStep, tfBackend } from './peers.mjs';
import { runClassifyBench } from './classify.mjs';

const sizes = (process.env.LK_BENCH_SIZES ?? '32000,50257,128256,256000').split(',').map(Number);
const simd = await load({ simd: true });
const base = await load({ simd: false });
const peers = await loadPeers();
const tfWasm = peers.tf ? await tfBackend(peers.tf.tf, 'wasm') : null;
const tfCpu = peers.tf ? await tfBackend(peers.tf.tf, 'cpu') : null;
const nativeBin = new URL('../build/native/lk_bench', import.meta.url).pathname;
const CHAIN = { topK: 50, topP: 0.9, minP: 0.05, temperature: 0.8 };
const OPS = {
  greedy: 'greedy argmax',
  softmax: 'softmax, Float32Array in/out',
  softmaxWasm: 'softmax, in wasm memory',
  logSoftmax: 'log-softmax, Float32Array in/out',
  chain: 'penalties(64) → top-k 50 → top-p .9 → min-p .05 → T .8 → sample',
  topP: 'top-p .95 alone → sample',
  top20: 'sample + logprob + top-20 logprobs',
  floor: 'floor: copy V floats into wasm',
};

function nativeTimes(n) {
  if (!existsSync(nativeBin)) return {};
  return JSON.parse(execFileSync(nativeBin, [String(n)], { encoding: 'utf8' }));
}

const check = (ok, what) => { if (!ok) throw new Error(`bench: ${what} produced an invalid result`); };

async function cases(n) {
  const x = realisticLogits(n, 7);
  const out = new Float32Array(n);
  const scratch = new Float32Array(n);
  const history = Array.from({ length: 64 }, (_, i) => (i * 2003) % n);
  const ref = { argmax: plain.argmax(x), softmax: plain.softmax(x) };
  const rows = [];
  const add = (op, impl, fn, isAsync = false) => rows.push({ op, impl, fn, isAsync });
  for (const [impl, lk] of [['logitkit wasm SIMD', simd], ['logitkit wasm baseline', base]]) {
    const buf = lk.buffer(n);
    const outBuf = lk.buffer(n);
    buf.view.set(x);
    check(lk.argmax(buf)[0] === ref.argmax, `${impl} argmax`);
    add(OPS.greedy, impl, () => lk.argmax(buf));
    add(OPS.softmax, impl, () => lk.softmax(x, { out }));
    add(OPS.softmaxWasm, impl, () => lk.softmax(buf, { out: outBuf }));
    add(OPS.logSoftmax, impl, () => lk.logSoftmax(x, { out }));
    const chain = lk.sampler({ ...CHAIN, repetitionPenalty: 1.1, prompt: history, seed: 1 });
    const kept = new Set(lk.sampler({ ...CHAIN, repetitionPenalty: 1.1, prompt: history }).distribution(x).ids);
    check(kept.has(chain.sample(x).token), `${impl} chain`);
    add(OPS.chain, impl, () => chain.sample(x));
    const topP = lk.sampler({ topP: 0.95, seed: 1 });
    add(OPS.topP, impl, () => topP.sample(x));
    const top20 = lk.sampler({ topLogprobs: 20, seed: 1 });
    check(top20.sample(x).topLogprobs.length === 20, `${impl} top-20`);
    add(OPS.top20, impl, () => top20.sample(x));
    add(OPS.floor, impl, () => buf.view.set(x));
  }
  add(OPS.greedy, 'plain JS', () => plain.argmax(x));
  add(OPS.softmax, 'plain JS', () => plain.softmax(x, out));
  add(OPS.logSoftmax, 'plain JS', () => plain.logSoftmax(x, out));
  add(OPS.chain, 'plain JS, careful (heap top-k)', () => plain.sampleChain(plain.penalize(x, history, 1.1, scratch), CHAIN, 0.5));
  add(OPS.chain, 'plain JS, naive (full sort)', () => plain.sampleNaive(plain.penalize(x, history, 1.1, scratch), CHAIN, 0.5));
  add(OPS.topP, 'plain JS, naive (full sort)', () => plain.sampleNaive(x, { topP: 0.95 }, 0.5));
  add(OPS.top20, 'plain JS', () => plain.top20Logprobs(x));
  if (peers.transformers) {
    const { T } = peers.transformers;
    const p = T.softmax(x);
    check(Math.abs(p[ref.argmax] - ref.softmax[ref.argmax]) < 1e-5, 'transformers.js softmax');
    add(OPS.softmax, 'transformers.js', () => T.softmax(x));
    add(OPS.logSoftmax, 'transformers.js', () => T.log_softmax(x));
    const step = transformersStep(T, { ...CHAIN, repetitionPenalty: 1.1, history });
    add(OPS.chain, 'transformers.js step (penalty, T, top-k; no top-p/min-p)', () => step(x), true);
  }
  for (const [impl, b] of [['TensorFlow.js wasm', tfWasm], ['TensorFlow.js cpu', tfCpu]]) {
    if (!b) continue;
    const use = async () => { await peers.tf.tf.setBackend(impl.endsWith('wasm') ? 'wasm' : 'cpu'); };
    await use();
    check(b.argmax(x) === ref.argmax, `${impl} argmax`);
    check(Math.abs(b.softmax(x)[ref.argmax] - ref.softmax[ref.argmax]) < 1e-5, `${impl} softmax`);
    rows.push({ op: OPS.greedy, impl, fn: () => b.argmax(x), before: use });
    rows.push({ op: OPS.softmax, impl, fn: () => b.softmax(x), before: use });
    rows.push({ op: OPS.logSoftmax, impl, fn: () => b.logSoftmax(x), before: use });
    rows.push({ op: OPS.chain, impl: `${impl} (top-k, T, multinomial)`, fn: () => b.chain(x, CHAIN), before: use });
  }
  return rows;
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
const widths = [64, 52, 10, 20, 8];
const md = [`# Benchmark results`, '', header, '', versions, '', `Sizes: ${sizesLine}`, ''];
for (const n of sizes) {
  console.log(`V = ${n}`);
  console.log(formatRow(['operation', 'implementation', 'median', '[p10, p90]', 'ratio'], widths));
  md.push(`## V = ${n}`, '', '| operation | implementation | median µs | p10–p90 | ratio to logitkit SIMD |', '|---|---|---|---|---|');
  const results = [];
  for (const r of await cases(n)) {
    if (r.before) await r.before();
    results.push({ op: r.op, impl: r.impl, ...(r.isAsync ? await measureAsync(r.fn) : measure(r.fn, { samples: 25 })) });
  }
  for (const [op, us] of Object.entries(nativeTimes(n))) results.push({ op, impl: 'logitkit native (SSE2)', ...us });
  for (const op of Object.values(OPS)) {
    const ref = results.find((r) => r.op === op && r.impl === 'logitkit wasm SIMD')?.median;
    for (const r of results.filter((q) => q.op === op)) {
      const ratio = ref ? (r.median / ref).toFixed(2) : '–';
      console.log(formatRow([op, r.impl, r.median.toFixed(1), `[${r.p10.toFixed(1)}, ${r.p90.toFixed(1)}]`, ratio], widths));
      md.push(`| ${op} | ${r.impl} | ${r.median.toFixed(1)} | ${r.p10.toFixed(1)}–${r.p90.toFixed(1)} | ${ratio} |`);
    }
  }
  md.push('');
  console.log(`peak wasm memory: SIMD ${(simd._m.HEAPU8.length / 2 ** 20).toFixed(0)} MiB, baseline ${(base._m.HEAPU8.length / 2 ** 20).toFixed(0)} MiB\n`);
}
writeFileSync(new URL('./results.md', import.meta.url), md.join('\n') + '\n');
runClassifyBench({ 'logitkit wasm SIMD': simd, 'logitkit wasm baseline': base });
