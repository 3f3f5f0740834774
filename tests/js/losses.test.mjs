// Losses from JS against float64 transcriptions of the PyTorch formulas and
// PyTorch's documented values; every option; named errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lkPromise, rng } from './helpers.mjs';

const lk = await lkPromise;

function logSoftmax(row) {
  const m = Math.max(...row);
  const l = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return row.map((v) => v - m - l);
}
const close = (got, ref, tol = 2e-7) => assert.ok(Math.abs(got - ref) <= tol * Math.max(1, Math.abs(ref)), `${got} vs ${ref}`);

test('cross-entropy of the cat/dog/bird example', () => {
  const loss = lk.crossEntropy(new Float32Array([4.5, -1.2, 0.8]), new Int32Array([0]));
  close(loss, -logSoftmax([4.5, -1.2, 0.8].map(Math.fround))[0]);
  assert.equal(loss.toFixed(4), '0.0277');
});

test('cross-entropy, class targets: weight × ignoreIndex × labelSmoothing × reduction', () => {
  const g = rng(21);
  const n = 13, c = 7;
  const x = Float32Array.from({ length: n * c }, () => (g.uniform() - 0.5) * 10);
  const y = Int32Array.from({ length: n }, (_, i) => (i % 5 === 2 ? -1 : Math.floor(g.uniform() * c)));
  const w = Float32Array.from({ length: c }, () => g.uniform() * 2);
  for (const weight of [undefined, w]) {
    for (const eps of [0, 0.25]) {
      const per = [];
      let wsum = 0;
      for (let i = 0; i < n; i++) {
        if (y[i] === -1) { per.push(0); continue; }
        const lp = logSoftmax(Array.from(x.subarray(i * c, i * c + c)));
        const wy = weight ? weight[y[i]] : 1;
        const smooth = -lp.reduce((a, v, k) => a + (weight ? weight[k] : 1) * v, 0);
        per.push((1 - eps) * -wy * lp[y[i]] + (eps / c) * smooth);
        wsum += wy;
      }
      const opts = { weight, ignoreIndex: -1, labelSmoothing: eps };
      const none = lk.crossEntropy(x, y, { ...opts, reduction: 'none' });
      per.forEach((v, i) => close(none[i], v, 3e-7));
      close(lk.crossEntropy(x, y, { ...opts, reduction: 'sum' }), per.reduce((a, b) => a + b));
      close(lk.crossEntropy(x, y, opts), per.reduce((a, b) => a + b) / wsum);
    }
  }
  assert.ok(Number.isNaN(lk.crossEntropy(x.subarray(0, c), new Int32Array([-100]))), 'mean over no sample is NaN, as PyTorch');
});

test('cross-entropy with probability targets; nllLoss', () => {
  // PyTorch docs example shape: soft labels; mean over n.
  const x = new Float32Array([1, 2, 0.5, -1, 0, 3]);
  const t = new Float32Array([0.2, 0.7, 0.1, 0, 0.5, 0.5]);
  let ref = 0;
  for (let i = 0; i < 2; i++) {
    const lp = logSoftmax(Array.from(x.subarray(i * 3, i * 3 + 3)));
    lp.forEach((v, k) => { ref -= t[i * 3 + k] * v; });
  }
  close(lk.crossEntropy(x, t, { classes: 3 }), ref / 2);
  const lp = new Float32Array([-0.1, -2, -3, -1, -0.5, -2]);
  close(lk.nllLoss(lp, new Int32Array([0, 1]), { weight: new Float32Array([1, 2, 3]) }), (Math.fround(0.1) + 2 * 0.5) / 3, 1e-12);
});

test('bceWithLogits: posWeight and weight per class or element, finite at 1e30', () => {
  const x = new Float32Array([1e30, -1e30, 0.3, -2, 5, 0]);
  const y = new Float32Array([0, 1, 1, 0, 0.25, 1]);
  const pw = new Float32Array([2, 0.5, 3]);
  const w = new Float32Array([1, 0, 2]);
  const per = Array.from(x, (xi, i) => {
    const p = pw[i % 3];
    return w[i % 3] * ((1 - y[i]) * xi + (1 + (p - 1) * y[i]) * (Math.log1p(Math.exp(-Math.abs(xi))) + Math.max(-xi, 0)));
  });
  const none = lk.bceWithLogits(x, y, { posWeight: pw, weight: w, reduction: 'none' });
  per.forEach((v, i) => close(none[i], v, 3e-7));
  close(lk.bceWithLogits(x, y, { posWeight: pw, weight: w }), per.reduce((a, b) => a + b) / 6);
  assert.ok(Number.isFinite(lk.bceWithLogits(x, y, { classes: 3 })));
});

test('klDiv: xlogy at 0, logTarget, batchmean', () => {
  const input = new Float32Array([-1, -0.5, -2, -0.1, -3, -1.5]);
  const t = new Float32Array([0.2, 0.8, 0, 0.5, 0.25, 0.25]);
  const ref = Array.from(t, (ti, i) => (ti === 0 ? 0 : ti * (Math.log(ti) - input[i]))).reduce((a, b) => a + b);
  close(lk.klDiv(input, t, { classes: 3, reduction: 'batchmean' }), ref / 2);
  close(lk.klDiv(input, t, { reduction: 'sum' }), ref);
  close(lk.klDiv(input, t), ref / 6);
  const lt = t.map((v) => (v === 0 ? -Infinity : Math.log(v)));
  close(lk.klDiv(input, lt, { logTarget: true, reduction: 'sum' }), ref, 1e-6);
});

test('losses: named errors', () => {
  const x = new Float32Array([0, 1, 2, 3]);
  assert.throws(() => lk.crossEntropy(x, new Int32Array([0, 5])), (e) => e instanceof RangeError && /target\[1\] = 5 is not a class index in \[0, 2\)/.test(e.message));
  assert.throws(() => lk.crossEntropy(x, [0, 1]), (e) => e instanceof TypeError && /target must be an Int32Array/.test(e.message));
  assert.throws(() => lk.crossEntropy(x, new Int32Array([0, 1]), { labelSmoothing: 2 }), /options.labelSmoothing must be <= 1/);
  assert.throws(() => lk.crossEntropy(x, new Int32Array([0, 1]), { weight: new Float32Array([1, -1]) }), /options.weight\[1\] must be finite and >= 0/);
  assert.throws(() => lk.crossEntropy(x, new Int32Array([0, 1]), { reduction: 'avg' }), /options.reduction must be 'none', 'mean' or 'sum'/);
  assert.throws(() => lk.crossEntropy(new Float32Array([0, NaN, 2, 3]), new Int32Array([0, 1])), /logits\[1\] \(row 0, column 1\) is NaN/);
  assert.throws(() => lk.crossEntropy(x, new Float32Array([0.5, 0.5, 1.5, 0]), { classes: 2 }), /target\[2\] must be a probability in \[0, 1\]/);
  assert.throws(() => lk.crossEntropy(x, new Int32Array(3)), /must be target.length \(3\) × the class count/);
  assert.throws(() => lk.bceWithLogits(x, new Float32Array([0, 1, 0, 2])), /target\[3\] must be a probability/);
  assert.throws(() => lk.bceWithLogits(x, new Float32Array(4), { posWeight: new Float32Array([1, -2]) }), /options.posWeight\[1\] must be finite and >= 0/);
  assert.throws(() => lk.bceWithLogits(x, new Float32Array(4), { weight: new Float32Array(3), classes: 2 }), /options.weight must hold 2 or 4 elements/);
  assert.throws(() => lk.klDiv(x, new Float32Array(4), { reduction: 'avg' }), /'batchmean'/);
  assert.throws(() => lk.nllLoss(x, new Int32Array([0, 1]), { ignoreIndex: 0.5 }), /options.ignoreIndex must be an integer/);
});
