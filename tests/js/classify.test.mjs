// Classification, multi-label, retrieval and diagnostics from JS, against
// float64 references computed here; bad input gives named errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lkPromise, ulpError, rng, refSoftmaxRow } from './helpers.mjs';

const lk = await lkPromise;
const f32 = (a) => new Float32Array(a);

// Indices stably sorted by descending value: the reference for every top-k.
function refTopK(row, k) {
  return Array.from(row, (v, i) => i).sort((a, b) => row[b] - row[a] || a - b).slice(0, k);
}

test('the seed example: cat/dog/bird, true float64 values', () => {
  // float64 from the float32 logits: softmax = [0.9726969, 0.0032546, 0.0240485],
  // cross-entropy for "cat" = -log p(cat) = 0.0276828 (the 0.9730 / 0.0030 / 0.0274 are off).
  const logits = f32([4.5, -1.2, 0.8]);
  const ref = refSoftmaxRow(logits);
  assert.equal(ref.p[0].toFixed(5), '0.97270');
  assert.equal(ref.p[1].toFixed(5), '0.00325');
  assert.equal(ref.p[2].toFixed(5), '0.02405');
  assert.equal((-ref.logp[0]).toFixed(5), '0.02768');
  const top = lk.topClasses(logits, { k: 3 });
  assert.deepEqual(Array.from(top.indices), [0, 2, 1]);
  for (let j = 0; j < 3; j++) assert.ok(ulpError(top.probs[j], ref.p[top.indices[j]]) <= 1);
  assert.ok(Math.abs(-Math.log(top.probs[0]) - 0.0276828) < 1e-6);
  const d = lk.decide(logits, { threshold: 0.95 });
  assert.deepEqual(Array.from(d.labels), [0]);
  assert.equal(lk.decide(logits, { threshold: 0.99 }).labels[0], -1);
  const diag = lk.diagnose(logits);
  assert.equal(diag.margin[0], Math.fround(4.5 - Math.fround(0.8)));
  assert.ok(Math.abs(diag.entropy[0] - 0.1352135) < 1e-6);
  assert.deepEqual(diag.warnings, []);
});

test('topClasses: same classes and order as a stable sort, probabilities <= 1 ULP, C up to 22K', () => {
  const g = rng(99);
  let worst = 0;
  for (const [rows, cols, k, t, quantise] of [[4, 1000, 5, 1, false], [2, 21843, 50, 0.7, false], [3, 777, 20, 1.5, true], [1, 10, 10, 1, true]]) {
    const x = Float32Array.from({ length: rows * cols }, () => (quantise ? Math.round(g.normal() * 2) : g.normal() * 3));
    const r = lk.topClasses(x, { cols, k, temperature: t });
    assert.equal(r.rows, rows);
    for (let i = 0; i < rows; i++) {
      const row = x.subarray(i * cols, (i + 1) * cols);
      const want = refTopK(row, k);
      assert.deepEqual(Array.from(r.indices.subarray(i * k, (i + 1) * k)), want);
      const ref = refSoftmaxRow(row, t).p;
      for (let j = 0; j < k; j++) {
        assert.equal(r.logits[i * k + j], row[want[j]]);
        worst = Math.max(worst, ulpError(r.probs[i * k + j], ref[want[j]]));
      }
    }
  }
  assert.ok(worst <= 1, `topClasses probabilities ${worst} ULP`);
});

test('decide: abstains below the threshold, per row', () => {
  const x = f32([5, 0, 0, 1, 1.1, 1.2]);
  const d = lk.decide(x, { cols: 3, threshold: 0.9 });
  assert.deepEqual(Array.from(d.labels), [0, -1]);
  assert.equal(d.abstained, 1);
  assert.ok(d.probs[1] > 0.3 && d.probs[1] < 0.4);
});

test('multiLabel: σ per logit and per-class thresholds; log-sigmoid forms finite for large |z|', () => {
  const x = f32([4.5, -1.2, 0.8, 0, 2, -3]);
  const r = lk.multiLabel(x, { cols: 3, threshold: [0.5, 0.2, 0.7] });
  assert.deepEqual(Array.from(r.decisions), [1, 1, 0, 1, 1, 0]);
  for (let i = 0; i < 6; i++) assert.ok(ulpError(r.probs[i], 1 / (1 + Math.exp(-x[i]))) <= 3);
  assert.deepEqual(Array.from(lk.multiLabel(x, { cols: 3 }).decisions), [1, 0, 1, 1, 1, 0]);
  const z = f32([-200, -30, -1, 0, 1, 30, 200, 1e30, -1e30]);
  const ls = lk.logSigmoid(z), l1m = lk.log1mSigmoid(z), sp = lk.softplus(z);
  const softplus = (v) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
  for (let i = 0; i < z.length; i++) {
    assert.ok(Number.isFinite(ls[i]) && Number.isFinite(l1m[i]), `finite at ${z[i]}`);
    assert.ok(ulpError(ls[i], -softplus(-z[i])) <= 1, `logSigmoid(${z[i]})`);
    assert.ok(ulpError(l1m[i], -softplus(z[i])) <= 1, `log1mSigmoid(${z[i]})`);
    assert.ok(ulpError(sp[i], softplus(z[i])) <= 1, `softplus(${z[i]})`);
  }
  assert.equal(ls[0], -200);  // the naive Math.log(sigmoid(-200)) is -Infinity
});

test('similarity and retrieve: dot and cosine against float64, CLIP-style scale, top-k documents', () => {
  const g = rng(7);
  const dim = 384, n = 2000;
  const docs = Float32Array.from({ length: n * dim }, () => g.normal());
  const query = Float32Array.from({ length: dim }, () => g.normal());
  const dot = lk.similarity(query, docs, { dim, metric: 'dot' });
  const cos = lk.similarity(query, docs, { dim, scale: 100 });
  const ref = new Float64Array(n);
  let qq = 0;
  for (let i = 0; i < dim; i++) qq += query[i] * query[i];
  for (let j = 0; j < n; j++) {
    let s = 0, abs = 0, dd = 0;
    for (let i = 0; i < dim; i++) {
      const p = query[i] * docs[j * dim + i];
      s += p; abs += Math.abs(p); dd += docs[j * dim + i] ** 2;
    }
    assert.ok(Math.abs(dot[j] - s) <= dim * 2 ** -24 * abs, `dot ${j}`);
    ref[j] = (100 * s) / Math.sqrt(qq * dd);
    assert.ok(Math.abs(cos[j] - ref[j]) <= 100 * 3 * dim * 2 ** -24, `cosine ${j}`);
  }
  // Documents in wasm memory: no copy per call.
  const buf = lk.buffer(n * dim);
  buf.view.set(docs);
  const r = lk.retrieve(query, buf, { dim, scale: 100, k: 5 });
  assert.deepEqual(Array.from(r.indices), refTopK(cos, 5));
  assert.deepEqual(Array.from(r.scores), Array.from(r.indices, (j) => cos[j]));
  const p = refSoftmaxRow(cos).p;
  for (let j = 0; j < 5; j++) assert.ok(ulpError(r.probs[j], p[r.indices[j]]) <= 1);
  buf.dispose();
});

test('diagnose: margins, torn rows, summary, and warnings for probabilities / log-probabilities', () => {
  const g = rng(3);
  const rows = 8, cols = 1000;
  const x = Float32Array.from({ length: rows * cols }, () => g.normal() * 2);
  x[3 * cols + 10] = 40; x[3 * cols + 11] = 40.1;  // a torn row
  const d = lk.diagnose(x, { cols, tornMargin: 0.5 });
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let m2 = 0;
  for (const v of x) m2 += (v - mean) ** 2;
  assert.ok(Math.abs(d.summary.mean - mean) < 1e-12);
  assert.ok(Math.abs(d.summary.std - Math.sqrt(m2 / x.length)) < 1e-9);
  assert.equal(d.summary.max, Math.fround(40.1));
  assert.equal(d.top[3], 11);
  assert.equal(d.torn[3], 1);
  assert.ok(Math.abs(d.margin[3] - 0.1) < 1e-5);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * cols, (r + 1) * cols)).sort((a, b) => b - a);
    assert.equal(d.margin[r], Math.fround(row[0] - row[1]));
    assert.equal(d.torn[r], d.margin[r] < 0.5 ? 1 : 0);
  }
  assert.equal(d.summary.tornCount, d.torn.reduce((a, b) => a + b, 0));
  assert.deepEqual(d.warnings, []);
  const probs = lk.softmax(x, { cols });
  const wp = lk.diagnose(probs, { cols }).warnings;
  assert.equal(wp.length, 1);
  assert.equal(wp[0].code, 'probabilities');
  assert.equal(wp[0].rows, rows);
  assert.match(wp[0].message, /look like probabilities/);
  const wl = lk.diagnose(lk.logSoftmax(x, { cols }), { cols }).warnings;
  assert.equal(wl[0].code, 'log-probabilities');
  assert.equal(lk.diagnose(f32([2.3])).warnings[0].code, 'single-column');
});

test('guard: softmax of probabilities warns once per instance; off by default', async () => {
  const { load } = await import('../../dist/index.mjs');
  const fresh = await load({ simd: lk.simd });
  const seen = [];
  const probs = lk.softmax(f32([4.5, -1.2, 0.8]));
  fresh.softmax(probs);  // no guard: silent
  fresh.guard((w) => seen.push(w));
  fresh.softmax(f32([4.5, -1.2, 0.8]));
  assert.equal(seen.length, 0);
  fresh.softmax(probs);
  fresh.softmax(probs);
  const buf = fresh.buffer(3);
  buf.view.set(probs);
  fresh.logSoftmax(buf);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].code, 'probabilities');
  fresh.logSoftmax(fresh.logSoftmax(f32([1, 2, 3])));
  assert.deepEqual(seen.map((w) => w.code), ['probabilities', 'log-probabilities']);
  // The result itself is unchanged by the guard.
  assert.deepEqual(Array.from(fresh.softmax(probs)), Array.from(lk.softmax(probs)));
  assert.throws(() => fresh.guard('yes'), TypeError);
  fresh.guard(false);
  buf.dispose();
});

test('bad input: dimension mismatch, empty, NaN and out-of-range options are named errors', () => {
  const x = f32([1, 2, 3, 4, 5, 6]);
  assert.throws(() => lk.topClasses(x, { cols: 4 }), { name: 'RangeError', message: /multiple of options.cols/ });
  assert.throws(() => lk.topClasses(x, { cols: 3, k: 4 }), { name: 'RangeError', message: /options.k must be <= the number of columns \(3\)/ });
  assert.throws(() => lk.topClasses(x, { k: 0 }), { name: 'RangeError', message: /options.k must be >= 1/ });
  assert.throws(() => lk.topClasses(f32([1, NaN, 3]), { k: 1 }), { name: 'RangeError', message: /logits\[1\] (\(row 0, column 1\) )?is NaN/ });
  assert.throws(() => lk.topClasses(f32([1, 2, 3, NaN]), { cols: 2, k: 1 }), { message: /logits\[3\] \(row 1, column 1\) is NaN/ });
  assert.throws(() => lk.topClasses([1, 2]), TypeError);
  assert.throws(() => lk.decide(x, { threshold: 1.5 }), { name: 'RangeError', message: /options.threshold must be <= 1/ });
  assert.throws(() => lk.multiLabel(x, { cols: 3, threshold: [0.5, 0.5] }), { message: /one threshold per class \(3\), got 2/ });
  assert.throws(() => lk.multiLabel(x, { cols: 3, threshold: [0.5, -1, 0.5] }), { message: /options.threshold\[1\] must be a probability in \[0, 1\]/ });
  assert.throws(() => lk.logSigmoid(f32([0, NaN])), { message: /logits\[1\] (\(row 0, column 1\) )?is NaN/ });
  const q = f32([1, 2, 3]);
  assert.throws(() => lk.similarity(q, f32([1, 2, 3, 4]), { dim: 3 }), { name: 'RangeError', message: /docs.length \(4\) must be a multiple of options.dim \(3\)/ });
  assert.throws(() => lk.similarity(f32([1, 2]), f32([1, 2, 3]), { dim: 3 }), { message: /query.length \(2\) must be a multiple/ });
  assert.throws(() => lk.similarity(q, q, {}), { name: 'TypeError', message: /options.dim must be a number/ });
  assert.throws(() => lk.similarity(q, f32([1, 2, 3, 4, NaN, 6]), { dim: 3 }), { message: /docs\[4\] \(row 1, column 1\) is NaN/ });
  assert.throws(() => lk.similarity(q, f32([1, 2, Infinity]), { dim: 3, metric: 'dot' }), { message: /docs\[2\] \(row 0, column 2\) is infinite/ });
  assert.throws(() => lk.similarity(q, q, { dim: 3, metric: 'l2' }), { message: /options.metric must be 'dot' or 'cosine'/ });
  assert.throws(() => lk.similarity(q, q, { dim: 3, scale: Infinity }), { message: /options.scale must be finite/ });
  assert.throws(() => lk.similarity(f32([]), q, { dim: 3 }), { message: /query must not be empty/ });
  assert.throws(() => lk.retrieve(q, f32([]), { dim: 3 }), { message: /docs must not be empty/ });
  assert.throws(() => lk.diagnose(f32([1, NaN])), { message: /logits\[1\] (\(row 0, column 1\) )?is NaN/ });
  assert.throws(() => lk.diagnose(x, { tornMargin: -1 }), { message: /options.tornMargin must be >= 0/ });
});
