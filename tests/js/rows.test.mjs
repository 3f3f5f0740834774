// softmax family, sigmoid, logit, argmax, linear from JS, against float64
// references computed here, and the non-finite / empty contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lkPromise, simd, ulpError, rng, refSoftmaxRow } from './helpers.mjs';

const lk = await lkPromise;

test(`loads the ${simd ? 'SIMD' : 'baseline'} build`, () => {
  assert.equal(lk.simd, simd);
  assert.equal(lk.backend, simd ? 'wasm-simd128' : 'scalar');
});

test('softmax, logSoftmax, logsumexp, entropy within the documented ULP bounds (V up to 128256, |z| up to 1e30)', () => {
  const g = rng(1234);
  let worstP = 0, worstLp = 0, worstLse = 0, worstH = 0;
  for (const [n, scale, shift, t] of [
    [3, 3, 0, 1], [1000, 3, 0, 0.7], [32000, 3, 5, 1], [128256, 3, -20, 1.3], [5000, 1e28, 0, 1],
    [777, 10, 1e30, 1], [4097, 0.01, 0, 0.05], [50257, 5, 0, 2.5],
  ]) {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = g.normal() * scale + shift;
    const ref = refSoftmaxRow(x, t);
    const p = lk.softmax(x, { temperature: t });
    const lp = lk.logSoftmax(x, { temperature: t });
    const [lse] = lk.logsumexp(x, { temperature: t });
    const [h] = lk.entropy(x, { temperature: t });
    let hRef = 0;
    for (let i = 0; i < n; i++) {
      if (ref.p[i] >= 2 ** -126) worstP = Math.max(worstP, ulpError(p[i], ref.p[i]));
      if (Number.isFinite(ref.logp[i])) worstLp = Math.max(worstLp, ulpError(lp[i], ref.logp[i]));
      if (ref.p[i] > 0) hRef -= ref.p[i] * ref.logp[i];
    }
    worstLse = Math.max(worstLse, ulpError(lse, ref.lse));
    worstH = Math.max(worstH, Math.abs(h - hRef) / (4e-7 + 2.4e-7 * hRef));
  }
  assert.ok(worstP <= 3, `softmax ${worstP} ULP`);
  assert.ok(worstLp <= 1, `logSoftmax ${worstLp} ULP`);
  assert.ok(worstLse <= 1, `logsumexp ${worstLse} ULP`);
  assert.ok(worstH <= 1, `entropy ${worstH} of its bound`);
});

test('the seed example: cat/dog/bird', () => {
  const p = lk.softmax(new Float32Array([4.5, -1.2, 0.8]));
  const ref = refSoftmaxRow([4.5, -1.2, 0.8]).p;
  for (let i = 0; i < 3; i++) assert.ok(ulpError(p[i], ref[i]) <= 3);
  assert.equal(p[0].toFixed(4), '0.9727');
});

test('rows: options.cols splits a matrix; each row matches the single-row result', () => {
  const x = new Float32Array([1, 2, 3, 4, 10, 10, -Infinity, 0]);
  const all = lk.softmax(x, { cols: 4 });
  assert.deepEqual(Array.from(all.subarray(0, 4)), Array.from(lk.softmax(x.subarray(0, 4))));
  assert.deepEqual(Array.from(all.subarray(4)), Array.from(lk.softmax(x.subarray(4))));
  assert.deepEqual(Array.from(lk.argmax(x, { cols: 4 })), [3, 0]);
  assert.equal(lk.logsumexp(x, { cols: 2 }).length, 4);
});

test('shift invariance and no overflow at 1e30', () => {
  const a = new Float32Array([1, 2, 3, -4]);
  const b = a.map((v) => v + 1024);
  assert.deepEqual(Array.from(lk.softmax(a)), Array.from(lk.softmax(b)));
  assert.deepEqual(Array.from(lk.softmax(new Float32Array([1e30, -1e30, 1e30, 0]))), [0.5, 0, 0.5, 0]);
});

test('contract: -inf masks, +inf shares, all-masked and empty rows', () => {
  const inf = Infinity;
  assert.deepEqual(Array.from(lk.softmax(new Float32Array([-inf, 0, -inf, 0]))), [0, 0.5, 0, 0.5]);
  assert.deepEqual(Array.from(lk.softmax(new Float32Array([inf, 3, inf, inf]))), [1 / 3, 0, 1 / 3, 1 / 3].map(Math.fround));
  assert.deepEqual(Array.from(lk.softmax(new Float32Array([-inf, -inf]))), [0, 0]);
  assert.deepEqual(Array.from(lk.logSoftmax(new Float32Array([-inf, -inf]))), [-inf, -inf]);
  assert.deepEqual(Array.from(lk.logsumexp(new Float32Array([-inf, -inf]))), [-inf]);
  assert.deepEqual(Array.from(lk.entropy(new Float32Array([-inf, -inf]))), [0]);
  assert.equal(lk.softmax(new Float32Array(0)).length, 0);
  assert.deepEqual(Array.from(lk.logsumexp(new Float32Array(0))), [-inf]);
  assert.throws(() => lk.argmax(new Float32Array(0)), /empty/);
});

test('temperature 0 is greedy; bad temperatures are named RangeErrors', () => {
  assert.deepEqual(Array.from(lk.softmax(new Float32Array([1, 5, 5, 2]), { temperature: 0 })), [0, 0.5, 0.5, 0]);
  for (const t of [-1, NaN, Infinity]) {
    assert.throws(() => lk.softmax(new Float32Array([1, 2]), { temperature: t }), (e) => e instanceof RangeError && /options\.temperature/.test(e.message));
  }
  assert.throws(() => lk.softmax(new Float32Array([1, 2]), { temperature: '1' }), TypeError);
  assert.throws(() => lk.logsumexp(new Float32Array([1, 2]), { temperature: 0 }), /temperature must be > 0/);
});

test('bad input names the argument', () => {
  assert.throws(() => lk.softmax([1, 2, 3]), (e) => e instanceof TypeError && /logits must be a Float32Array/.test(e.message) && /Array/.test(e.message));
  assert.throws(() => lk.softmax(new Float64Array(3)), /got Float64Array/);
  assert.throws(() => lk.softmax(null), /got null/);
  assert.throws(() => lk.softmax(new Float32Array(6), { cols: 4 }), (e) => e instanceof RangeError && /multiple of options.cols/.test(e.message));
  assert.throws(() => lk.softmax(new Float32Array(6), { cols: 0 }), /options.cols must be >= 1/);
  assert.throws(() => lk.softmax(new Float32Array(6), { out: new Float32Array(5) }), /options.out must hold 6/);
  assert.throws(() => lk.softmax(new Float32Array([0, 1, 2, NaN]), { cols: 2 }), (e) => e instanceof RangeError && /logits\[3\] \(row 1, column 1\) is NaN/.test(e.message));
  assert.throws(() => lk.softmax(new Float32Array(2), 5), /options must be an object/);
});

test('LogitBuffer: zero-copy in place, view survives memory growth, dispose', () => {
  const buf = lk.buffer(5);
  buf.view.set([1, 2, 3, 4, 5]);
  const expected = lk.softmax(new Float32Array([1, 2, 3, 4, 5]));
  assert.equal(lk.softmax(buf, { out: buf }), buf);
  assert.deepEqual(Array.from(buf.view), Array.from(expected));
  const big = lk.buffer(20_000_000); // grows wasm memory
  assert.deepEqual(Array.from(buf.view), Array.from(expected));
  big.dispose();
  buf.dispose();
  buf.dispose(); // idempotent
  assert.throws(() => lk.softmax(buf), /used after dispose/);
  assert.throws(() => buf.view, /used after dispose/);
});

test('sigmoid and logit against float64, logit eps, range errors', () => {
  const g = rng(9);
  const x = Float32Array.from({ length: 5000 }, () => (g.uniform() - 0.5) * 60);
  const s = lk.sigmoid(x);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, ulpError(s[i], 1 / (1 + Math.exp(-x[i]))));
  assert.ok(worst <= 3, `sigmoid ${worst} ULP`);
  const p = Float32Array.from({ length: 5000 }, () => g.uniform());
  p[0] = 0; p[1] = 1;
  const z = lk.logit(p);
  worst = 0;
  for (let i = 2; i < p.length; i++) worst = Math.max(worst, ulpError(z[i], Math.log(p[i] / (1 - p[i]))));
  assert.ok(worst <= 1, `logit ${worst} ULP`);
  assert.equal(z[0], -Infinity);
  assert.equal(z[1], Infinity);
  const eps = 1e-6;
  const ze = lk.logit(new Float32Array([0, 1]), { eps });
  const e32 = Math.fround(eps);
  assert.ok(ulpError(ze[0], Math.log(e32 / (1 - e32))) <= 1);
  assert.throws(() => lk.logit(new Float32Array([0.5, 1.5])), (e) => e instanceof RangeError && /p\[1\] is outside \[0, 1\]/.test(e.message));
  assert.throws(() => lk.logit(new Float32Array([0.5]), { eps: 0.7 }), /options.eps must be <= 0.5/);
  assert.throws(() => lk.sigmoid(new Float32Array([0, NaN])), /logits\[1\] is NaN/);
});

test('linear: hidden · Wᵀ + b against float64', () => {
  const g = rng(5);
  const inF = 64, outF = 300, rows = 2;
  const w = Float32Array.from({ length: inF * outF }, g.normal);
  const h = Float32Array.from({ length: inF * rows }, g.normal);
  const b = Float32Array.from({ length: outF }, g.normal);
  const y = lk.linear(w, h, { inFeatures: inF, bias: b });
  assert.equal(y.length, rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let ref = b[o], mag = Math.abs(b[o]);
      for (let i = 0; i < inF; i++) { ref += w[o * inF + i] * h[r * inF + i]; mag += Math.abs(w[o * inF + i] * h[r * inF + i]); }
      assert.ok(Math.abs(y[r * outF + o] - ref) <= (inF + 1) * 2 ** -24 * mag);
    }
  }
  assert.throws(() => lk.linear(w, h, { inFeatures: 7 }), /multiple of options.inFeatures/);
  assert.throws(() => lk.linear(w, h, { inFeatures: inF, bias: new Float32Array(3) }), /options.bias must hold 300/);
});

test('exp and log: the project kernels from JS', () => {
  const x = new Float32Array([0, 1, -1, 88, -103, Infinity, -Infinity]);
  const e = lk.exp(x);
  for (let i = 0; i < x.length; i++) assert.ok(ulpError(e[i], Math.exp(x[i])) <= 1);
  const l = lk.log(new Float32Array([1, 2, 1e-40, 0]));
  assert.ok(ulpError(l[1], Math.log(2)) <= 1);
  assert.ok(ulpError(l[2], Math.log(Math.fround(1e-40))) <= 1);
  assert.equal(l[3], -Infinity);
});
