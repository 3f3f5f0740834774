// The benchmark suite itself, independent of where it runs: `bench/run.mjs`
// runs it in Node, `bench/browser.mjs` in headless Chromium. Each case is
// checked to produce a valid result before it is timed.
import { measure, measureAsync, measureCold, normalLogits, realisticLogits, uniforms } from '../common/harness.mjs';
import * as plain from '../common/plain-js.mjs';
import { transformersStep } from './peers.mjs';

export const CHAIN = { topK: 50, topP: 0.9, minP: 0.05, temperature: 0.8 };
export const OPS = {
  greedy: 'greedy argmax',
  softmax: 'softmax, Float32Array in/out',
  softmaxWasm: 'softmax, in wasm memory',
  logsumexpWasm: 'logsumexp, in wasm memory (the maximum, then the exact exp pass: nothing stored)',
  logSoftmax: 'log-softmax, Float32Array in/out',
  chain: 'penalties(64) → top-k 50 → top-p .9 → min-p .05 → T .8 → sample',
  topP: 'top-p .95 alone → sample',
  top20: 'sample + logprob + top-20 logprobs',
  chainWasm: 'chain as above, logits in wasm memory',
  maskedChainWasm: 'grammar bitmask (every other token allowed: every word mixed) + chain, logits in wasm memory',
  sparseMaskedChainWasm: 'grammar bitmask (1 token in 97 allowed: most words empty) + chain, logits in wasm memory',
  topPWasm: 'top-p .95 alone → sample, logits in wasm memory',
  top20Wasm: 'sample + logprob + top-20 logprobs, logits in wasm memory',
  crossEntropy: 'cross-entropy, batch of 8 rows × V',
  scoreTokens: 'score 64 given tokens (scoreTokens), [64 × V] in wasm memory',
  logSoftmaxBlock: 'logSoftmax over the same [64 × V] block, in wasm memory',
  floor: 'floor: copy V floats into wasm',
  expFloor: 'floor: one wasm SIMD pass of float32 exp(x − max) summed in float32, nothing stored',
  tfResident: 'softmax, the input tensor already in the peer\'s memory, result left there (no read-back)',
  freshCopy: 'copy V floats out of wasm memory into a fresh ArrayBuffer (HEAPU8.slice, as TensorFlow.js dataSync does)',
  reusedCopy: 'copy V floats out of wasm memory into an existing Float32Array (set)',
};
// The logit shapes of the top-p rows (issue 17): the bench's row, a confident
// step (one token 25 above a 2.5·N(0,1) bulk) and an uncertain one (top three
// at +12, +11.5, +11 over the same bulk). Labels carry the nucleus size.
export function shapedLogits(n) {
  const u = uniforms(99);
  const bulk = () => normalLogits(u, n, 2.5);
  const confident = bulk();
  confident[Math.floor(n / 3)] = 25;
  const uncertain = bulk();
  uncertain[Math.floor(n / 5)] = 12;
  uncertain[Math.floor(n / 2)] = 11.5;
  uncertain[n - 7] = 11;
  return { "the bench's row": realisticLogits(n, 7), 'a confident step': confident, 'an uncertain step': uncertain };
}
// XGrammar's layout: bit i % 32 of word i / 32 set = token i allowed; here
// tokens 0, every, 2·every, … are.
function grammarBitmask(n, every) {
  const words = new Uint32Array(Math.ceil(n / 32));
  for (let t = 0; t < n; t += every) words[t >>> 5] |= 1 << (t & 31);
  return words;
}
const shapeOp = (shape, nucleus) => `top-p .95 alone → sample, ${shape} (nucleus ${nucleus}), logits in wasm memory`;

// Accuracy beside the time: max relative error of a probability row, max
// absolute error of a log-probability row, against float64 on the same input.
function softmax64(x) {
  let m = -Infinity;
  for (const v of x) m = Math.max(m, v);
  let s = 0;
  for (const v of x) s += Math.exp(v - m);
  return { m, logS: Math.log(s), p: (v) => Math.exp(v - m) / s };
}
function softmaxError(x, y) {
  const r = softmax64(x);
  let worst = 0;
  for (let i = 0; i < x.length; i++) { const p = r.p(x[i]); if (p > 0) worst = Math.max(worst, Math.abs(y[i] - p) / p); }
  return `${worst.toExponential(1)} rel.`;
}
function logSoftmaxError(x, y) {
  const r = softmax64(x);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i] - (x[i] - r.m - r.logS)));
  return `${worst.toExponential(1)} abs.`;
}
// Ratios between two operations of the same implementation, printed under
// each table: [numerator, denominator, label].
export const OP_RATIOS = [
  [OPS.scoreTokens, OPS.logSoftmaxBlock, 'scoreTokens / logSoftmax over the same [64 × V] block'],
  [OPS.chainWasm, OPS.softmaxWasm, 'the chain / softmax, both in wasm memory'],
  [OPS.maskedChainWasm, OPS.chainWasm, 'a masked step, every other token allowed / the same chain unmasked, both in wasm memory'],
  [OPS.sparseMaskedChainWasm, OPS.chainWasm, 'a masked step, 1 token in 97 allowed / the same chain unmasked, both in wasm memory'],
  [OPS.top20Wasm, OPS.softmaxWasm, 'sample + logprob + top-20 logprobs / softmax, both in wasm memory'],
  [OPS.softmaxWasm, OPS.expFloor, 'softmax in wasm memory / the exp floor'],
  // What any step that needs every token's weight (top-p, the plain draw) pays at least.
  [OPS.logsumexpWasm, OPS.softmaxWasm, 'logsumexp / softmax, both in wasm memory'],
];
// Every top-p shape row is also given as a ratio to the same build's softmax.
export const isShapeOp = (op) => op.startsWith('top-p .95 alone → sample, ') && op.includes('(nucleus ');
export const FIT_OP = 'temperature fit, 10 000 × 10 logits';
const CE_ROWS = 8;
// The prompt or continuation scored in one forward pass (issue 20's bench row).
const SCORE_ROWS = 64;

// Validity, not exactness: a peer's float32 sums over 256K terms drift by ~1e-4
// relative (logitkit's exactness is what its tests assert).
const close = (a, b, rel = 1e-3) => Math.abs(a - b) <= rel * Math.abs(b);
// log Σ exp(x) in float64: the reference logsumexp is checked against.
function logsumexp64(x) {
  let m = -Infinity, s = 0;
  for (const v of x) m = Math.max(m, v);
  for (const v of x) s += Math.exp(v - m);
  return m + Math.log(s);
}
const check = (ok, what) => { if (!ok) throw new Error(`bench: ${what} produced an invalid result`); };

export async function cases(n, { simd, base, peers, tfWasm, tfCpu, floor }) {
  const x = realisticLogits(n, 7);
  const out = new Float32Array(n);
  const scratch = new Float32Array(n);
  const history = Array.from({ length: 64 }, (_, i) => (i * 2003) % n);
  const batch = new Float32Array(CE_ROWS * n);
  for (let r = 0; r < CE_ROWS; r++) batch.set(realisticLogits(n, 100 + r), r * n);
  const labels = Int32Array.from({ length: CE_ROWS }, (_, r) => (r * 7919) % n);
  const ref = { argmax: plain.argmax(x), softmax: plain.softmax(x), crossEntropy: plain.crossEntropy(batch, labels, n) };
  const block = new Float32Array(SCORE_ROWS * n);
  for (let r = 0; r < SCORE_ROWS; r++) block.set(realisticLogits(n, 200 + r), r * n);
  const given = Int32Array.from({ length: SCORE_ROWS }, (_, r) => (r * 7919 + 13) % n);
  const givenRef = Array.from(given, (t, r) => plain.logSoftmax(block.subarray(r * n, (r + 1) * n))[t]);
  const rows = [];
  const add = (op, impl, fn, isAsync = false, accuracy = '') => rows.push({ op, impl, fn, isAsync, accuracy });
  const shapes = shapedLogits(n);
  // Buffers and samplers (a sampler's workspace is ~44 bytes per vocabulary
  // entry) are disposed after this size is timed: the wasm memory reported
  // per size is then what that size needs, not what earlier sizes left.
  rows.owned = [];
  const own = (o) => (rows.owned.push(o), o);
  for (const [impl, lk] of [['logitkit wasm SIMD', simd], ['logitkit wasm baseline', base]]) {
    const buf = own(lk.buffer(n));
    const outBuf = own(lk.buffer(n));
    buf.view.set(x);
    check(lk.argmax(buf)[0] === ref.argmax, `${impl} argmax`);
    add(OPS.greedy, impl, () => lk.argmax(buf));
    add(OPS.softmax, impl, () => lk.softmax(x, { out }), false, softmaxError(x, lk.softmax(x)));
    add(OPS.softmaxWasm, impl, () => lk.softmax(buf, { out: outBuf }));
    check(Math.abs(lk.logsumexp(buf)[0] - logsumexp64(x)) <= 1e-5 * Math.abs(logsumexp64(x)), `${impl} logsumexp`);
    add(OPS.logsumexpWasm, impl, () => lk.logsumexp(buf));
    add(OPS.logSoftmax, impl, () => lk.logSoftmax(x, { out }), false, logSoftmaxError(x, lk.logSoftmax(x)));
    const chain = own(lk.sampler({ ...CHAIN, repetitionPenalty: 1.1, prompt: history, seed: 1 }));
    const kept = new Set(own(lk.sampler({ ...CHAIN, repetitionPenalty: 1.1, prompt: history })).distribution(x).ids);
    check(kept.has(chain.sample(x).token), `${impl} chain`);
    add(OPS.chain, impl, () => chain.sample(x));
    const topP = own(lk.sampler({ topP: 0.95, seed: 1 }));
    add(OPS.topP, impl, () => topP.sample(x));
    const top20 = own(lk.sampler({ topLogprobs: 20, seed: 1 }));
    check(top20.sample(x).topLogprobs.length === 20, `${impl} top-20`);
    add(OPS.top20, impl, () => top20.sample(x));
    const ce = lk.crossEntropy(batch, labels);
    check(Math.abs(ce - ref.crossEntropy) < 1e-4 * ref.crossEntropy, `${impl} cross-entropy`);
    // DESIGN's targets assume logits already in wasm memory: the sampler reads
    // an lk.buffer in place (no copy-in). Penalties rewrite the same 64 entries
    // of it on every call, which costs the same each time.
    const inWasm = own(lk.buffer(n));
    inWasm.view.set(x);
    check(kept.has(chain.sample(inWasm).token), `${impl} chain, logits in wasm memory`);
    const keptP = new Set(own(lk.sampler({ topP: 0.95 })).distribution(x).ids);
    check(keptP.has(topP.sample(buf).token), `${impl} top-p, logits in wasm memory`);
    check(top20.sample(buf).topLogprobs.length === 20, `${impl} top-20, logits in wasm memory`);
    add(OPS.chainWasm, impl, () => chain.sample(inWasm));
    // Structured-output steps (issue 19): XGrammar's per-step bitmask applied
    // before the same chain. The sampler masks its logits in place, so each
    // masked row has its own copy of them (the unmasked rows never see -inf).
    for (const [op, every] of [[OPS.maskedChainWasm, 2], [OPS.sparseMaskedChainWasm, 97]]) {
      const bitmask = grammarBitmask(n, every);
      const row = own(lk.buffer(n));
      row.view.set(x);
      const maskedKept = new Set(own(lk.sampler({ ...CHAIN, repetitionPenalty: 1.1, prompt: history })).distribution(x, { bitmask }).ids);
      const token = chain.sample(row, { bitmask }).token;
      check(maskedKept.has(token) && (bitmask[token >>> 5] >>> (token & 31)) & 1, `${impl} masked chain, 1 in ${every} allowed`);
      add(op, impl, () => chain.sample(row, { bitmask }));
    }
    add(OPS.topPWasm, impl, () => topP.sample(buf));
    add(OPS.top20Wasm, impl, () => top20.sample(buf));
    add(OPS.crossEntropy, impl, () => lk.crossEntropy(batch, labels));
    // Both read the block from wasm memory; scoreTokens writes 64 float64s,
    // logSoftmax the whole block (into a second buffer, so its input stays put).
    const blockIn = own(lk.buffer(SCORE_ROWS * n));
    blockIn.view.set(block);
    const blockOut = own(lk.buffer(SCORE_ROWS * n));
    const scored = new Float64Array(SCORE_ROWS);
    const scores = lk.scoreTokens(blockIn, given, { cols: n, out: scored });
    const logprobs = lk.logSoftmax(blockIn, { cols: n, out: blockOut }).view;
    check(Array.from(given).every((t, r) => Math.fround(scores.logprobs[r]) === logprobs[r * n + t] && close(logprobs[r * n + t], givenRef[r], 1e-5)),
      `${impl} scoreTokens / logSoftmax over [${SCORE_ROWS} × V]`);
    add(OPS.scoreTokens, impl, () => lk.scoreTokens(blockIn, given, { cols: n, out: scored }));
    add(OPS.logSoftmaxBlock, impl, () => lk.logSoftmax(blockIn, { cols: n, out: blockOut }));
    add(OPS.floor, impl, () => buf.view.set(x));
    for (const [shape, logits] of Object.entries(shapes)) {
      const row = own(lk.buffer(n));
      row.view.set(logits);
      const nucleus = own(lk.sampler({ topP: 0.95 })).distribution(logits).ids;
      check(new Set(nucleus).has(topP.sample(row).token), `${impl} top-p on ${shape}`);
      add(shapeOp(shape, nucleus.length), impl, () => topP.sample(row));
    }
  }
  for (const [shape, logits] of Object.entries(shapes)) {
    const keep = new Set(own(simd.sampler({ topP: 0.95 })).distribution(logits).ids);
    const scratch64 = new Float64Array(n);
    check([0.01, 0.5, 0.99].every((u) => keep.has(plain.sampleTopP(logits, 0.95, u, scratch64))), `plain JS top-p on ${shape}`);
    add(shapeOp(shape, keep.size), 'plain JS, careful (histogram cut, no sort)', () => plain.sampleTopP(logits, 0.95, 0.5, scratch64));
  }
  if (floor && n <= 1 << 18) {
    // Timed as the logitkit SIMD row so that softmax / floor reads off the table.
    const { instance: { exports: f } } = await WebAssembly.instantiate(floor, {});
    new Float32Array(f.memory.buffer, f.row(), n).set(x);
    check(close(f.exp_sum(n), 1 / ref.softmax[ref.argmax]), 'the exp floor');
    add(OPS.expFloor, 'logitkit wasm SIMD', () => f.exp_sum(n));
  }
  add(OPS.greedy, 'plain JS', () => plain.argmax(x));
  add(OPS.softmax, 'plain JS', () => plain.softmax(x, out), false, softmaxError(x, plain.softmax(x)));
  add(OPS.logSoftmax, 'plain JS', () => plain.logSoftmax(x, out), false, logSoftmaxError(x, plain.logSoftmax(x)));
  add(OPS.chain, 'plain JS, careful (heap top-k)', () => plain.sampleChain(plain.penalize(x, history, 1.1, scratch), CHAIN, 0.5));
  add(OPS.chain, 'plain JS, naive (full sort)', () => plain.sampleNaive(plain.penalize(x, history, 1.1, scratch), CHAIN, 0.5));
  add(OPS.topP, 'plain JS, naive (full sort)', () => plain.sampleNaive(x, { topP: 0.95 }, 0.5));
  add(OPS.top20, 'plain JS', () => plain.top20Logprobs(x));
  add(OPS.crossEntropy, 'plain JS', () => plain.crossEntropy(batch, labels, n));
  if (peers.transformers) {
    const { T } = peers.transformers;
    const p = T.softmax(x);
    check(close(p[ref.argmax], ref.softmax[ref.argmax]), 'transformers.js softmax');
    add(OPS.softmax, 'transformers.js', () => T.softmax(x), false, softmaxError(x, p));
    add(OPS.logSoftmax, 'transformers.js', () => T.log_softmax(x), false, logSoftmaxError(x, T.log_softmax(x)));
    const step = transformersStep(T, { ...CHAIN, repetitionPenalty: 1.1, history });
    add(OPS.chain, 'transformers.js step (penalty, T, top-k; no top-p/min-p)', () => step(x), true);
  }
  {
    // What TensorFlow.js's read-back pays (see tfFootnote): a fresh buffer per
    // result, against a copy into one that is reused.
    const heap = own(simd.buffer(n));
    heap.view.set(x);
    add(OPS.freshCopy, 'plain JS', () => heap.view.slice());
    add(OPS.reusedCopy, 'plain JS', () => out.set(heap.view));
  }
  for (const [base, b] of [['TensorFlow.js wasm', tfWasm], ['TensorFlow.js cpu', tfCpu]]) {
    if (!b) continue;
    const impl = `${base}${b.label}`;
    // The backend named in the row is the one that runs: set, then checked.
    const use = async () => {
      await peers.tf.tf.setBackend(b.name);
      if (peers.tf.tf.getBackend() !== b.name) throw new Error(`bench: ${impl} runs on ${peers.tf.tf.getBackend()}`);
    };
    await use();
    check(b.argmax(x) === ref.argmax, `${impl} argmax`);
    check(close(b.softmax(x)[ref.argmax], ref.softmax[ref.argmax]), `${impl} softmax`);
    rows.push({ op: OPS.greedy, impl, fn: () => b.argmax(x), before: use });
    rows.push({ op: OPS.softmax, impl, fn: () => b.softmax(x), before: use, accuracy: softmaxError(x, b.softmax(x)) });
    if (b.name === 'wasm') {
      // The kernel alone: what the Float32Array in/out row costs less the
      // upload (tensor1d) and the read-back (dataSync).
      const resident = b.resident(x);
      check(close(b.residentSoftmax(resident)[ref.argmax], ref.softmax[ref.argmax]), `${impl} softmax, tensor resident`);
      rows.push({ op: OPS.tfResident, impl, fn: () => b.residentSoftmax(resident, false), before: use });
      rows.owned.push({ dispose: () => resident.dispose() });
    }
    rows.push({ op: OPS.logSoftmax, impl, fn: () => b.logSoftmax(x), before: use, accuracy: logSoftmaxError(x, b.logSoftmax(x)) });
    rows.push({ op: OPS.chain, impl: `${impl} (top-k, T, multinomial)`, fn: () => b.chain(x, CHAIN), before: use });
    check(close(b.crossEntropy(batch, labels, n), ref.crossEntropy), `${impl} cross-entropy`);
    rows.push({ op: OPS.crossEntropy, impl, fn: () => b.crossEntropy(batch, labels, n), before: use });
  }
  return rows;
}

// Times every case at size n; rows are { op, impl, median, p10, p90 }.
// minSampleMs: the browser coarsens performance.now() (100 µs in Chromium
// without cross-origin isolation), so it times longer batches than Node.
export async function timeCases(n, env, { minSampleMs = 1 } = {}) {
  const results = [];
  const rows = await cases(n, env);
  for (const r of rows) {
    if (r.before) await r.before();
    results.push({ op: r.op, impl: r.impl, accuracy: r.accuracy ?? '', ...(r.isAsync ? await measureAsync(r.fn, { minSampleMs: Math.max(5, minSampleMs) }) : measure(r.fn, { samples: 25, minSampleMs })) });
  }
  for (const o of rows.owned) o.dispose();
  return results;
}

// Temperature scaling on 10 000 validation rows of 10 classes (labels drawn from
// softmax(z / 1.7), so the optimum is near 1.7): logitkit's Newton fit beside a
// careful plain-JS golden-section search on the float64 NLL.
export function fitCases({ simd, base }) {
  const n = 10_000, c = 10;
  const z = realisticLogits(n * c, 11);
  const labels = new Int32Array(n);
  let s = 5;
  for (let r = 0; r < n; r++) {
    const p = plain.softmax(z.subarray(r * c, (r + 1) * c).map((v) => v / 1.7));
    s = (s * 1103515245 + 12345) >>> 0;
    let u = s / 4294967296, k = 0;
    for (; k < c - 1 && (u -= p[k]) > 0; k++);
    labels[r] = k;
  }
  const tRef = plain.fitTemperature(z, labels, c);
  const rows = [];
  for (const [impl, lk] of [['logitkit wasm SIMD', simd], ['logitkit wasm baseline', base]]) {
    check(Math.abs(lk.fitTemperature(z, labels).temperature - tRef) < 1e-4 * tRef, `${impl} temperature fit`);
    rows.push({ op: FIT_OP, impl, fn: () => lk.fitTemperature(z, labels) });
  }
  rows.push({ op: FIT_OP, impl: 'plain JS (golden-section on float64 NLL)', fn: () => plain.fitTemperature(z, labels, c) });
  return rows;
}

export function timeFit(env, { minSampleMs = 1 } = {}) {
  return fitCases(env).map((r) => ({ op: r.op, impl: r.impl, ...measure(r.fn, { samples: 15, minSampleMs, warmupMs: 200 }) }));
}

// ---- Cold caches (issue 27) ----
// Between two sampling steps a model's forward pass runs and evicts the
// logits from the caches; the rows above repeat each call with them warm.
// Here a model-sized buffer walk (evict, from makeEvictor) runs before every
// call, outside the timed interval, and each call is timed alone. The floors
// are what any step pays on a cold row: one read of it, and its copy into
// wasm memory.
export const COLD = {
  readFloor: 'floor: one read of the row (a wasm SIMD max pass, 4 × f32x4 lanes, row in wasm memory)',
  copyFloor: 'floor: copy-in, V floats from a Float32Array into wasm memory (LogitBuffer view.set)',
  greedy: 'greedy argmax, logits in wasm memory',
  chain: 'penalties(64) → top-k 50 → top-p .9 → min-p .05 → T .8 → sample, copy-in from a Float32Array',
  chainWasm: 'chain as above, logits in wasm memory',
  interleaved: 'chain, copy-in from a Float32Array; no eviction, each call interleaved with the other implementation\'s chain on its own row',
};
const coldShapeOp = (shape, nucleus) => `top-p .95 alone → sample, ${shape} (nucleus ${nucleus}), logits in wasm memory`;
export const coldRatios = (ops) => [
  [COLD.chain, COLD.copyFloor, 'the chain with copy-in / the cold copy-in floor (target ≤ 1.5×)'],
  [COLD.chainWasm, COLD.copyFloor, 'the chain, logits in wasm memory / the cold copy-in floor'],
  ...ops.filter((op) => op.includes('a confident step')).map((op) => [op, COLD.copyFloor, 'top-p .95 on the confident step / the cold copy-in floor (target ≤ 2×)']),
  ...ops.filter((op) => op.includes("the bench's row")).map((op) => [op, COLD.copyFloor, "top-p .95 on the bench's row / the cold copy-in floor"]),
  [COLD.greedy, COLD.readFloor, 'greedy / the cold read floor'],
  [COLD.copyFloor, COLD.readFloor, 'the cold copy-in floor / the cold read floor'],
];

// The read floor: a hand-assembled wasm SIMD module (no toolchain needed)
// exporting its memory and max(n), which reads floats 0 .. n & ~15 of it once
// with four independent f32x4.pmax chains and returns their maximum.
export function maxFloorModule() {
  const leb = (v) => { const o = []; do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; o.push(b); } while (v); return o; };
  const section = (id, body) => [id, ...leb(body.length), ...body];
  const str = (s) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  const get = (l) => [0x20, l], set = (l) => [0x21, l];
  const pmax = [0xfd, 0xeb, 0x01];
  // acc_k = pmax(acc_k, v128.load(i + 16 k)), k = 0..3.
  const step = (k) => [...get(3 + k), ...get(1), 0xfd, 0x00, 4, 16 * k, ...pmax, ...set(3 + k)];
  const lane = (l) => [...get(3), 0xfd, 0x1f, l];
  const body = [
    2, 2, 0x7f, 4, 0x7b, // locals: i, end (i32); acc0..acc3 (v128)
    0x43, 0x00, 0x00, 0x80, 0xff, 0xfd, 0x13, 0x22, 3, 0x22, 4, 0x22, 5, ...set(6), // acc_k = splat(-inf)
    ...get(0), 0x41, 2, 0x74, 0x41, 0x40, 0x71, ...set(2), // end = (n << 2) & -64
    0x02, 0x40, 0x03, 0x40,
    ...get(1), ...get(2), 0x4f, 0x0d, 1, // if i >= end: break
    ...step(0), ...step(1), ...step(2), ...step(3),
    ...get(1), 0x41, 0xc0, 0x00, 0x6a, ...set(1), 0x0c, 0, // i += 64; continue
    0x0b, 0x0b,
    ...get(3), ...get(4), ...pmax, ...get(5), ...pmax, ...get(6), ...pmax, ...set(3),
    ...lane(0), ...lane(1), 0x97, ...lane(2), 0x97, ...lane(3), 0x97, 0x0b,
  ];
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]), ...section(3, [1, 0]), ...section(5, [1, 0, 16]), // 1 MiB: V ≤ 262 144
    ...section(7, [2, ...str('memory'), 2, 0, ...str('max'), 0, 0]),
    ...section(10, [1, ...leb(body.length), ...body])]);
}

export async function coldCases(n, { simd }) {
  const x = realisticLogits(n, 7);
  const history = Array.from({ length: 64 }, (_, i) => (i * 2003) % n);
  const shapes = shapedLogits(n);
  const rows = [];
  rows.owned = [];
  const own = (o) => (rows.owned.push(o), o);
  const add = (op, impl, fn, evict) => rows.push({ op, impl, fn, evict });
  const impl = 'logitkit wasm SIMD';
  const ref = plain.argmax(x);
  const { instance: { exports: f } } = await WebAssembly.instantiate(maxFloorModule(), {});
  new Float32Array(f.memory.buffer, 0, n).set(x);
  check(f.max(n) === x[ref] || n % 16 !== 0, 'the read floor');
  add(COLD.readFloor, impl, () => f.max(n));
  const buf = own(simd.buffer(n));
  buf.view.set(x);
  add(COLD.copyFloor, impl, () => buf.view.set(x));
  check(simd.argmax(buf)[0] === ref, `${impl} argmax`);
  add(COLD.greedy, impl, () => simd.argmax(buf));
  const options = { ...CHAIN, repetitionPenalty: 1.1, prompt: history };
  const chain = own(simd.sampler({ ...options, seed: 1 }));
  const kept = new Set(own(simd.sampler(options)).distribution(x).ids);
  check(kept.has(chain.sample(x).token), `${impl} chain`);
  add(COLD.chain, impl, () => chain.sample(x));
  const inWasm = own(simd.buffer(n));
  inWasm.view.set(x);
  check(kept.has(chain.sample(inWasm).token), `${impl} chain, logits in wasm memory`);
  add(COLD.chainWasm, impl, () => chain.sample(inWasm));
  const topP = own(simd.sampler({ topP: 0.95, seed: 1 }));
  for (const [shape, logits] of Object.entries(shapes)) {
    if (shape === 'an uncertain step') continue;
    const row = own(simd.buffer(n));
    row.view.set(logits);
    const nucleus = own(simd.sampler({ topP: 0.95 })).distribution(logits).ids;
    check(new Set(nucleus).has(topP.sample(row).token), `${impl} top-p on ${shape}`);
    add(coldShapeOp(shape, nucleus.length), impl, () => topP.sample(row));
    if (shape === 'a confident step') {
      const scratch64 = new Float64Array(n);
      add(coldShapeOp(shape, nucleus.length), 'plain JS, careful (histogram cut, no sort)', () => plain.sampleTopP(logits, 0.95, 0.5, scratch64));
    }
  }
  const scratch = new Float32Array(n);
  const plainChain = (row) => plain.sampleChain(plain.penalize(row, history, 1.1, scratch), CHAIN, 0.5);
  add(COLD.chain, 'plain JS, careful (heap top-k)', () => plainChain(x));
  // The outside check of issue 27: logitkit's chain on one row, a careful
  // plain-JS chain on another, called in turn; each side's calls are timed,
  // the other side's call stands in for the eviction.
  const other = realisticLogits(n, 8);
  add(COLD.interleaved, impl, () => chain.sample(x), () => plainChain(other));
  add(COLD.interleaved, 'plain JS, careful (heap top-k)', () => plainChain(other), () => chain.sample(x));
  return rows;
}

// Times the cold rows at size n with evict() between calls (rows with their
// own stand-in keep it); rows are { op, impl, median, p10, p90 }.
export async function timeColdCases(n, env, evict, { calls = 200 } = {}) {
  const rows = await coldCases(n, env);
  const results = rows.map((r) => ({ op: r.op, impl: r.impl, ...measureCold(r.fn, r.evict ?? evict, { calls }) }));
  for (const o of rows.owned) o.dispose();
  return results;
}

// ---- Beam search (issue 28) ----
// One step of lk.beamSearch on [numBeams × V] logits in wasm memory (one
// prompt, no EOS, so every step has the same work: a log-normaliser per row,
// the best 2·numBeams candidates over numBeams × V), as a ratio to one softmax
// over the same rows, beside a careful plain-JS step (plain.beamStep). The
// searcher is reset every 64 steps, so its histories stay as long as a
// generation's. The plain step's parents and tokens are checked equal to
// logitkit's on two consecutive steps before anything is timed.
export const beamOp = (nb, n) => `beam search step, ${nb} beams × V = ${n} (2·numBeams best candidates of numBeams × V), logits in wasm memory`;
export const beamSoftmaxOp = (nb, n) => `softmax over the same ${nb} × ${n} rows, in wasm memory`;
export const beamRatios = (pairs) => pairs.map(([nb, n]) => [beamOp(nb, n), beamSoftmaxOp(nb, n), `beam step / softmax over the same rows, ${nb} beams, V = ${n}`]);
export const BEAM_PLAIN = 'plain JS, careful (log-softmax per row + heap top-2k)';

export function beamCases(nb, n, { simd, base }) {
  const block = (seed) => {
    const x = new Float32Array(nb * n);
    for (let r = 0; r < nb; r++) x.set(realisticLogits(n, seed + r), r * n);
    return x;
  };
  const x0 = block(300), x1 = block(400);
  const p0 = plain.beamStep(x0, nb, n, Float64Array.from({ length: nb }, (_, j) => (j === 0 ? 0 : -1e9)));
  const p1 = plain.beamStep(x1, nb, n, p0.scores);
  const same = (s, p) => s.parents.every((v, i) => v === p.parents[i]) && s.tokens.every((v, i) => v === p.tokens[i])
    && s.scores.every((v, i) => Math.abs(v - p.scores[i]) <= 1e-6 * (1 + Math.abs(v)));
  const rows = [];
  rows.owned = [];
  const own = (o) => (rows.owned.push(o), o);
  const options = { vocabSize: n, numBeams: nb, maxNewTokens: 1 << 20 };
  for (const [impl, lk] of [['logitkit wasm SIMD', simd], ['logitkit wasm baseline', base]]) {
    const fresh = own(lk.beamSearch(options));
    check(same(fresh.step(x0), p0) && same(fresh.step(x1), p1), `${impl} beam step against ${BEAM_PLAIN}`);
    const buf = own(lk.buffer(nb * n));
    buf.view.set(x1);
    const out = own(lk.buffer(nb * n));
    const bs = own(lk.beamSearch(options));
    let k = 0;
    rows.push({ op: beamOp(nb, n), impl, fn: () => { if (++k % 64 === 0) bs.reset(); return bs.step(buf); } });
    rows.push({ op: beamSoftmaxOp(nb, n), impl, fn: () => lk.softmax(buf, { cols: n, out }) });
  }
  rows.push({ op: beamOp(nb, n), impl: BEAM_PLAIN, fn: () => plain.beamStep(x1, nb, n, p0.scores) });
  return rows;
}

export function timeBeamCases(nb, n, env, { minSampleMs = 1 } = {}) {
  const rows = beamCases(nb, n, env);
  const results = rows.map((r) => ({ op: r.op, impl: r.impl, ...measure(r.fn, { samples: 25, minSampleMs }) }));
  for (const o of rows.owned) o.dispose();
  return results;
}
