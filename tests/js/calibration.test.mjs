// Calibration from JS: a real overconfident classifier's logits
// (data/calibration, made by scripts/make-calibration-data.py) against
// numpy/scipy/sklearn reference values, ECE/MCE transcribed from the formula,
// recovery of a known temperature, JSON round trips and named errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load } from '../../dist/index.mjs';
import { lkPromise, simd, rng } from './helpers.mjs';

const lk = await lkPromise;
const dir = new URL('../../data/calibration/', import.meta.url);
const ref = JSON.parse(readFileSync(new URL('reference.json', dir), 'utf8'));
const f32 = (name) => { const b = readFileSync(new URL(name, dir)); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
const i32 = (name) => { const b = readFileSync(new URL(name, dir)); return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
const val = { z: f32('val-logits.f32'), y: i32('val-labels.i32'), p: f32('val-probs.f32') };
const tst = { z: f32('test-logits.f32'), y: i32('test-labels.i32'), p: f32('test-probs.f32') };
const K = ref.classes;
const rel = (a, b) => Math.abs(a - b) / Math.abs(b);

function softmaxRows(z, k, t = 1) {
  const p = new Float64Array(z.length);
  for (let i = 0; i < z.length / k; i++) {
    let m = -Infinity, s = 0;
    for (let c = 0; c < k; c++) m = Math.max(m, z[i * k + c] / t);
    for (let c = 0; c < k; c++) s += (p[i * k + c] = Math.exp(z[i * k + c] / t - m));
    for (let c = 0; c < k; c++) p[i * k + c] /= s;
  }
  return p;
}

// Guo et al. 2017, literally: B_b = {i : b/M < conf_i <= (b+1)/M}.
function eceByFormula(p, y, k, bins) {
  const n = y.length, conf = [], hit = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    conf.push(p[i * k + best]);
    hit.push(best === y[i] ? 1 : 0);
  }
  let ece = 0, mce = 0;
  const diagram = [];
  for (let b = 0; b < bins; b++) {
    const idx = conf.map((c, i) => i).filter((i) => conf[i] > b / bins && conf[i] <= (b + 1) / bins);
    const cnt = idx.length;
    const cf = idx.reduce((s, i) => s + conf[i], 0) / cnt, ac = idx.reduce((s, i) => s + hit[i], 0) / cnt;
    diagram.push({ count: cnt, confidence: cnt ? cf : NaN, accuracy: cnt ? ac : NaN });
    if (!cnt) continue;
    ece += (cnt / n) * Math.abs(ac - cf);
    mce = Math.max(mce, Math.abs(ac - cf));
  }
  return { ece, mce, diagram };
}

test('real data: temperature on the validation split matches scipy to 1e-6 relative', () => {
  const fit = lk.fitTemperature(val.z, val.y);
  assert.equal(fit.classes, K);
  assert.ok(rel(fit.temperature, ref.temperature.T) <= 1e-6, `T ${fit.temperature} vs ${ref.temperature.T}`);
  assert.ok(rel(fit.nllBefore, ref.temperature.nllBefore) <= 1e-9);
  assert.ok(rel(fit.nllAfter, ref.temperature.nllAfter) <= 1e-9);
  assert.equal(fit.atBound, false);
  assert.ok(fit.temperature > 1.2, 'the overfit network is overconfident');
});

test('real data: test-split metrics before/after temperature scaling match numpy; ECE falls', () => {
  const fit = lk.fitTemperature(val.z, val.y);
  const before = lk.calibrationMetrics(tst.z, tst.y);
  const after = lk.calibrationMetrics(tst.z, tst.y, { temperature: fit.temperature });
  for (const [got, want] of [[before, ref.test.before], [after, ref.test.after]]) {
    for (const key of ['accuracy', 'nll', 'brier', 'ece', 'mce']) {
      assert.ok(Math.abs(got[key] - want[key]) <= 1e-9, `${key}: ${got[key]} vs ${want[key]}`);
    }
  }
  assert.ok(after.ece < before.ece / 2 && after.nll < before.nll);
  // Applying the calibrator and measuring its probabilities gives the same numbers.
  const probs = fit.apply(tst.z);
  const m = lk.calibrationMetrics(probs, tst.y, { input: 'probabilities' });
  assert.ok(Math.abs(m.ece - after.ece) <= 1e-6);
});

test('ECE, MCE and the reliability diagram equal the formula transcribed (random data, 1/10/15 bins)', () => {
  const g = rng(77);
  const n = 2000, k = 4;
  const z = Float32Array.from({ length: n * k }, () => g.normal() * 2);
  const y = Int32Array.from({ length: n }, () => Math.floor(g.uniform() * k));
  const p = softmaxRows(z, k);
  for (const bins of [1, 10, 15]) {
    const got = lk.calibrationMetrics(z, y, { bins });
    const want = eceByFormula(p, y, k, bins);
    assert.ok(Math.abs(got.ece - want.ece) <= 1e-12);
    assert.ok(Math.abs(got.mce - want.mce) <= 1e-12);
    assert.equal(got.reliability.length, bins);
    got.reliability.forEach((b, i) => {
      assert.equal(b.count, want.diagram[i].count);
      if (b.count) assert.ok(Math.abs(b.confidence - want.diagram[i].confidence) <= 1e-12 && Math.abs(b.accuracy - want.diagram[i].accuracy) <= 1e-12);
      else assert.ok(Number.isNaN(b.confidence));
    });
  }
});

test('recovery: logits T0·z with labels drawn from softmax(z) give T within 4 standard errors of T0', () => {
  // se(T) ≈ T² / sqrt(N·NLL''(1/T)); NLL'' = mean Var_p(z) at the fit, ≈ 0.9 here: se ≈ 0.065 for T0 = 2.
  const g = rng(4242);
  const n = 3000, k = 10, t0 = 2;
  const z = new Float32Array(n * k), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: k }, () => g.normal() * 1.5);
    const m = Math.max(...row), e = row.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b);
    let u = g.uniform() * s, c = 0;
    while (c < k - 1 && (u -= e[c]) >= 0) c++;
    y[i] = c;
    row.forEach((v, j) => { z[i * k + j] = v * t0; });
  }
  const fit = lk.fitTemperature(z, y);
  const p = softmaxRows(z, k, fit.temperature);
  let varSum = 0;
  for (let i = 0; i < n; i++) {
    let m1 = 0, m2 = 0;
    for (let c = 0; c < k; c++) { m1 += p[i * k + c] * z[i * k + c]; m2 += p[i * k + c] * z[i * k + c] ** 2; }
    varSum += m2 - m1 * m1;
  }
  const se = fit.temperature ** 2 / Math.sqrt(varSum);
  assert.ok(Math.abs(fit.temperature - t0) <= 4 * se, `T ${fit.temperature}, T0 ${t0}, se ${se}`);
});

test('Platt and vector scaling match scipy (BFGS) on the real validation data', () => {
  const zb = f32('val-binary8-logits.f32');
  const yb = Int32Array.from(val.y, (v) => (v === ref.platt.class ? 1 : 0));
  const pl = lk.fitPlatt(zb, yb);
  assert.ok(rel(pl.a, ref.platt.a) <= 1e-6 && rel(pl.b, ref.platt.b) <= 1e-6, `a ${pl.a} b ${pl.b}`);
  assert.ok(pl.nllAfter < pl.nllBefore);
  const vs = lk.fitVectorScaling(val.z, val.y, { l2: ref.vectorScaling.l2 });
  for (let c = 0; c < K; c++) {
    assert.ok(Math.abs(vs.scale[c] - ref.vectorScaling.scale[c]) <= 1e-6, `scale[${c}]`);
    assert.ok(Math.abs(vs.bias[c] - ref.vectorScaling.bias[c]) <= 1e-6, `bias[${c}]`);
  }
});

test('isotonic regression matches sklearn (one-vs-rest, renormalised) on the real data', () => {
  const iso = lk.fitIsotonic(val.p, val.y, { input: 'probabilities' });
  const q = iso.apply(tst.p);
  ref.isotonicTestRows.forEach((row, j) => {
    for (let c = 0; c < K; c++) assert.ok(Math.abs(q[row * K + c] - ref.isotonicTest[j][c]) <= 1e-6, `row ${row} class ${c}`);
  });
});

test('every calibrator survives toJSON → calibratorFromJSON and applies identically', () => {
  const zb = f32('val-binary8-logits.f32');
  const yb = Int32Array.from(val.y, (v) => (v === 8 ? 1 : 0));
  const cals = [
    lk.fitTemperature(val.z, val.y), lk.fitPlatt(zb, yb), lk.fitVectorScaling(val.z, val.y, { l2: 1e-3 }),
    lk.fitHistogramBinning(val.z, val.y, { bins: 10 }), lk.fitIsotonic(val.z, val.y),
  ];
  for (const cal of cals) {
    const x = cal.kind === 'platt' ? zb : tst.z;
    const back = lk.calibratorFromJSON(JSON.stringify(cal));
    assert.deepEqual(back.toJSON(), JSON.parse(JSON.stringify(cal)));
    assert.deepEqual(Array.from(back.apply(x)), Array.from(cal.apply(x)), cal.kind);
    const m = lk.calibrationMetrics(cal.apply(x), cal.kind === 'platt' ? yb : tst.y, { input: 'probabilities', classes: cal.classes });
    assert.ok(m.ece >= 0 && m.ece < 0.2, `${cal.kind} ece ${m.ece}`);
  }
  assert.throws(() => lk.calibratorFromJSON({ kind: 'magic', classes: 2 }), (e) => e instanceof RangeError && /json.kind/.test(e.message));
  assert.throws(() => lk.calibratorFromJSON({ kind: 'temperature', classes: 2, temperature: -1 }), (e) => e instanceof RangeError && /json.temperature/.test(e.message));
  assert.throws(() => lk.calibratorFromJSON({ kind: 'isotonic', classes: 1, input: 'logits', x: [[0.5, 0.2]], y: [[0, 1]] }), /strictly increasing/);
  assert.throws(() => lk.calibratorFromJSON(42), TypeError);
});

test(`the ${simd ? 'SIMD' : 'baseline'} build fits bit for bit what the other build fits`, async () => {
  const other = await load({ simd: !simd });
  const a = lk.fitTemperature(val.z, val.y), b = other.fitTemperature(val.z, val.y);
  assert.equal(a.temperature, b.temperature);
  assert.deepEqual(lk.calibrationMetrics(tst.z, tst.y), other.calibrationMetrics(tst.z, tst.y));
  assert.deepEqual(lk.fitVectorScaling(val.z, val.y).toJSON(), other.fitVectorScaling(val.z, val.y).toJSON());
});

test('bad input: named TypeErrors and RangeErrors', () => {
  const z = new Float32Array([1, 2, 3, 4, 5, 6]);
  const y = new Int32Array([0, 1]);
  assert.throws(() => lk.fitTemperature(z, [0, 1]), (e) => e instanceof TypeError && /labels must be an Int32Array/.test(e.message));
  assert.throws(() => lk.fitTemperature([1, 2], y), (e) => e instanceof TypeError && /scores must be a Float32Array/.test(e.message));
  assert.throws(() => lk.fitTemperature(z, new Int32Array([0, 3])), (e) => e instanceof RangeError && /labels\[1\] is 3; labels must be class indices in \[0, 3\)/.test(e.message));
  assert.throws(() => lk.calibrationMetrics(z, new Int32Array([-1, 0])), /labels\[0\] is -1/);
  assert.throws(() => lk.fitTemperature(z, new Int32Array(4)), (e) => e instanceof RangeError && /multiple of labels.length/.test(e.message));
  assert.throws(() => lk.fitTemperature(z, y, { classes: 2 }), (e) => e instanceof RangeError && /labels.length × options.classes/.test(e.message));
  assert.throws(() => lk.fitTemperature(new Float32Array(0), new Int32Array(0)), (e) => e instanceof RangeError && /must not be empty/.test(e.message));
  assert.throws(() => lk.fitTemperature(new Float32Array([1, NaN, 3, 4, 5, 6]), y), (e) => e instanceof RangeError && /scores\[1\] \(row 0, column 1\) is NaN/.test(e.message));
  assert.throws(() => lk.calibrationMetrics(new Float32Array([1, 2, 3, 4, -Infinity, 6]), y), (e) => e instanceof RangeError && /scores\[4\] \(row 1, column 1\) is not finite/.test(e.message));
  assert.throws(() => lk.calibrationMetrics(new Float32Array([0.5, 1.5]), y, { input: 'probabilities' }), /scores\[1\] is outside \[0, 1\]/);
  assert.throws(() => lk.calibrationMetrics(z, y, { bins: 0 }), /options.bins must be >= 1/);
  assert.throws(() => lk.calibrationMetrics(z, y, { input: 'probs' }), /options.input must be 'logits' or 'probabilities'/);
  assert.throws(() => lk.fitTemperature(z, y, { min: 2, max: 1 }), /options.max must be > 2/);
  assert.throws(() => lk.fitVectorScaling(new Float32Array([1, 2]), y), /at least 2 classes/);
  assert.throws(() => lk.fitPlatt(new Float32Array([1, 2]), new Int32Array([0, 2])), /labels\[1\] is 2; labels must be class indices in \[0, 2\)/);
  assert.throws(() => lk.fitTemperature(z, y).apply(new Float32Array(4)), /multiple of the calibrator's classes/);
});
