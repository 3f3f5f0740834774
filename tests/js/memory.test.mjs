// Memory: after warm-up, many calls of every op leave the wasm heap and the
// allocator's in-use bytes unchanged; dispose() gives memory back; objects
// created and disposed in a loop leave nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lkPromise } from './helpers.mjs';

const lk = await lkPromise;
const m = lk._m;
const x = new Float32Array([4.5, -1.2, 0.8, 2, -3, 0.1, 7, 1]);
const labels = new Int32Array([0, 3]);
const probs = lk.softmax(x, { cols: 4 });
const sampler = lk.sampler({ topK: 3, topP: 0.9, seed: 1, topLogprobs: 2 });
const buf = lk.buffer(8);
buf.view.set(x);
const OPS = {
  softmax: () => lk.softmax(x, { cols: 4 }),
  'softmax in place': () => lk.softmax(buf, { out: buf }),
  logSoftmax: () => lk.logSoftmax(x),
  logsumexp: () => lk.logsumexp(x, { cols: 2 }),
  entropy: () => lk.entropy(x),
  argmax: () => lk.argmax(x, { cols: 4 }),
  sigmoid: () => lk.sigmoid(x),
  logit: () => lk.logit(probs),
  linear: () => lk.linear(x, x.subarray(0, 4), { inFeatures: 4 }),
  crossEntropy: () => lk.crossEntropy(x, labels, { labelSmoothing: 0.1 }),
  bceWithLogits: () => lk.bceWithLogits(x, probs),
  klDiv: () => lk.klDiv(lk.logSoftmax(x), probs, { reduction: 'batchmean', classes: 4 }),
  'sampler.sample': () => sampler.sample(x),
  topClasses: () => lk.topClasses(x, { cols: 4, k: 2 }),
  similarity: () => lk.similarity(x.subarray(0, 4), x, { dim: 4 }),
  calibrationMetrics: () => lk.calibrationMetrics(x, labels),
  'error path': () => { try { lk.softmax(new Float32Array([1, NaN])); } catch { /* expected */ } },
};
const CALLS = Number(process.env.LK_MEMORY_CALLS ?? 1000000);

test(`${CALLS} calls of each op leave the heap and the allocator unchanged`, () => {
  for (const fn of Object.values(OPS)) for (let i = 0; i < 100; i++) fn(); // warm-up: scratch grows once
  const heap = m.HEAPU8.length;
  const inUse = m.heapInUse();
  for (const [name, fn] of Object.entries(OPS)) {
    for (let i = 0; i < CALLS; i++) fn();
    assert.equal(m.heapInUse(), inUse, `${name} leaked`);
  }
  assert.equal(m.HEAPU8.length, heap);
});

test('dispose() gives memory back; create/dispose cycles leave nothing', () => {
  const cycle = () => {
    const b = lk.buffer(1000);
    b.dispose();
    const s = lk.sampler({ topK: 5, logitBias: { 1: 2 }, prompt: [1, 2, 3] });
    s.sample(x);
    s.dispose();
    const c = lk.fitTemperature(x, labels);
    c.apply(x);
  };
  cycle(); // first use sizes the scratch regions
  const before = m.heapInUse();
  for (let i = 0; i < 2000; i++) cycle();
  assert.equal(m.heapInUse(), before);
  const b = lk.buffer(1 << 20);
  assert.ok(m.heapInUse() >= before + 4 * (1 << 20));
  b.dispose();
  assert.equal(m.heapInUse(), before);
});
