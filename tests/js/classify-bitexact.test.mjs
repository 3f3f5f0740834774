// The classification ops through the JS API give the same bits in the SIMD
// and the baseline module, and those bits hash to the digests recorded in
// tests/cpp/classify/test_classify_bitexact.cpp, which the C++ suite checks natively
// (SSE2 and scalar): native, wasm SIMD and wasm baseline agree bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../dist/index.mjs';
import { xorshiftFloats } from './helpers.mjs';

const RECORDED = {
  top_k: '9838329e', softplus: 'abf1d69a', log_sigmoid: 'affc9376', log1m_sigmoid: '6175a11a',
  multi_label: '41b53e23', similarity_dot: '24afe42f', similarity_cosine: '829930cf', diagnose: 'b4308d16',
};

function fnv(typed, h = 2166136261) {
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}
const hex = (h) => h.toString(16).padStart(8, '0');

function digests(lk) {
  const rows = 3, cols = 4099, dim = 41;
  const x = xorshiftFloats(rows * cols);
  x[17] = -Infinity;
  const top = lk.topClasses(x, { cols, k: 7, temperature: 0.8 });
  const ml = lk.multiLabel(x, { cols, threshold: 0.3 });
  const q = x.subarray(100, 100 + 2 * dim), docs = x.subarray(200, 200 + 97 * dim);
  const d = lk.diagnose(x, { cols });
  const s = d.summary;
  const summary = Float64Array.of(s.count, s.nonFinite, s.mean, s.std, s.min, s.max);
  return {
    top_k: hex(fnv(top.probs, fnv(top.logits, fnv(top.indices)))),
    softplus: hex(fnv(lk.softplus(x))),
    log_sigmoid: hex(fnv(lk.logSigmoid(x))),
    log1m_sigmoid: hex(fnv(lk.log1mSigmoid(x))),
    multi_label: hex(fnv(ml.decisions, fnv(ml.probs))),
    similarity_dot: hex(fnv(lk.similarity(q, docs, { dim, metric: 'dot' }))),
    similarity_cosine: hex(fnv(lk.similarity(q, docs, { dim, metric: 'cosine', scale: 100 }))),
    diagnose: hex(fnv(summary, fnv(d.entropy, fnv(d.margin, fnv(d.top))))),
  };
}

test('classification ops: wasm SIMD, wasm baseline and native (recorded) agree bit for bit', async () => {
  const simd = digests(await load({ simd: true }));
  const baseline = digests(await load({ simd: false }));
  assert.deepEqual(simd, baseline);
  assert.deepEqual(simd, RECORDED);
});
