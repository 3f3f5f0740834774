// Property-based tests (fast-check), continued: the public functions that
// properties.test.mjs and properties-sampler.test.mjs leave out — linear,
// nllLoss, similarity, retrieve, diagnose, guard, calibrationMetrics, the
// Platt, vector-scaling, histogram and isotonic calibrators (fit, apply,
// toJSON / calibratorFromJSON, and corrupted JSON), compareContinuations,
// lk.buffer() and LogitBuffer, sampleRows, speculativeVerify, load() options
// and simdSupported. Same rules, helpers, seed and run scaling
// (properties-common.mjs): every call either returns what a float64 model
// written here says, within the documented bound, or throws a TypeError /
// RangeError naming an argument the input got wrong, after which the
// instance still computes a small softmax right. The shrunk counterexamples
// of the failures found are regression tests below; the last block runs each
// property against a doctored instance and requires a counterexample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { load, simdSupported } from '../../dist/index.mjs';
import {
  SEED, SCALE, lk, other, TINY, F32_MAX, expectNear, logSoftmaxRef, entropyRef, softplusRef, value, moderate, prob,
  data, goodData, made, materialize, option, options, optionsOf, temperature, cols, outOption, outOf, lossOut, sane, counts,
  outcome, nanFault, shapeOf, doctored, bump, relBump, withOption, simd,
} from './properties-common.mjs';

const properties = [];
function property(name, runs, make, { async = false } = {}) {
  properties.push({ name, runs: Math.max(1, Math.round(20 * runs * SCALE)), make, async });
}

const order = (x) => x.map((v, i) => i).sort((a, b) => (x[b] > x[a] ? 1 : x[b] < x[a] ? -1 : a - b));
const probTol = (p) => (p < 2 ** -126 ? { abs: 2 * TINY } : { rel: 2 ** -23, ulps: 0.5 });
const sigmoidRef = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** Faults that the model expects when no option object could be read. */
const optionsOk = (optArg) => optArg === undefined || (optArg !== null && typeof optArg === 'object');

// ---------------------------------------------------------------------------
// linear: out[r, o] = Σ_i h[r, i]·W[o, i] + b[o]

property('linear: float64 h·Wᵀ + b within the float32 dot-product bound (NaN only where float64 has it), or a named TypeError/RangeError', 300, (k) => fc.property(
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.nat(5)).chain(([inF, outF, rows, skew]) => fc.record({
    inF: fc.constant(inF),
    w: data(value, outF * inF + (skew === 0 ? 1 : 0), outF * inF + (skew === 0 ? 1 : 0)),
    h: data(value, rows * inF + (skew === 1 ? 1 : 0), rows * inF + (skew === 1 ? 1 : 0)),
    bias: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 4, arbitrary: goodData(value, outF, outF).map((d) => ({ d })) },
      { weight: 1, arbitrary: fc.oneof(goodData(value, outF + 1, outF + 1).map((d) => ({ d })), fc.constantFrom('x', null, [1]).map((bad) => ({ bad }))) },
    ),
    opts: options({
      inFeatures: option(fc.constant(inF), [0, -1, 1.5, NaN, Infinity], ['2', null, true]),
      out: outOption,
    }),
  })),
  ({ inF, w, h, bias, opts }) => {
    const wd = materialize(w, 'weight'), hd = materialize(h, 'hidden');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (wd.fault) faults.push(wd.fault);
    if (hd.fault) faults.push(hd.fault);
    const inFeatures = o.inFeatures;
    const okIn = Number.isInteger(inFeatures) && inFeatures >= 1;
    if (optionsOk(optArg) && inFeatures === undefined) faults.push(['TypeError', 'options.inFeatures']);
    let outF = 0, rows = 0, shapeOk = okIn && wd.vals && hd.vals;
    if (okIn && wd.vals && wd.vals.length % inFeatures) { faults.push(['RangeError', 'weight']); shapeOk = false; }
    if (okIn && hd.vals && hd.vals.length % inFeatures) { faults.push(['RangeError', 'hidden']); shapeOk = false; }
    if (shapeOk) { outF = wd.vals.length / inFeatures; rows = hd.vals.length / inFeatures; }
    let b;
    if (bias !== undefined && optArg && typeof optArg === 'object') {
      if (bias.bad !== undefined) { optArg.bias = bias.bad; faults.push(['TypeError', 'options.bias']); } else {
        const bd = materialize(bias.d, 'options.bias');
        optArg.bias = bd.arg;
        b = bd.vals;
        if (shapeOk && b.length !== outF) faults.push(['RangeError', 'options.bias']);
      }
    }
    let out;
    if (o.out !== undefined && optArg && typeof optArg === 'object') {
      out = outOf(opts.keys.out[0], shapeOk ? rows * outF : 0, Float32Array, true, hd);
      optArg.out = out.arg;
      faults.push(...out.faults);
      if (out.inplace) faults.push(['RangeError', 'options.out']); // the hidden buffer itself
    }
    outcome(k, faults, () => k.linear(wd.arg, hd.arg, optArg), (r) => {
      if (out) assert.equal(r, out.arg);
      const got = r.view ?? r;
      assert.equal(got.length, rows * outF);
      for (let row = 0; row < rows; row++) {
        for (let j = 0; j < outF; j++) {
          let s = 0, mag = 0;
          for (let i = 0; i < inFeatures; i++) {
            const p = wd.vals[j * inFeatures + i] * hd.vals[row * inFeatures + i];
            s += p;
            mag += Math.abs(p);
          }
          const bj = b ? b[j] : 0;
          const ref = s + bj;
          const g = got[row * outF + j];
          const what = `linear row ${row} out ${j}: W [${wd.vals.slice(j * inFeatures, (j + 1) * inFeatures)}] h [${hd.vals.slice(row * inFeatures, (row + 1) * inFeatures)}] b ${bj}`;
          if (Number.isNaN(ref)) { assert.ok(Number.isNaN(g), `${what}: ${g}, float64 NaN`); continue; }
          // docs: |err| <= inFeatures·2^-24·Σ|w·h|, then + b rounded once; subnormal products lose 2^-149 each.
          expectNear(what, g, ref, { abs: inFeatures * 2 ** -24 * mag + inFeatures * TINY + 2 ** -24 * (Math.abs(s) + inFeatures * 2 ** -24 * mag), ulps: 0.5 });
        }
      }
    });
  }));

// ---------------------------------------------------------------------------
// nllLoss: torch.nn.functional.nll_loss on log-probabilities

const reduction = option(fc.constantFrom('mean', 'sum', 'none'), ['avg', 'batchmean', 'toString'], [1, null, true]);
property('nllLoss: PyTorch nll_loss in float64 (weights, ignoreIndex, reductions), or a named TypeError/RangeError', 300, (k) => fc.property(
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.nat(7)).chain(([c, n, skew]) => fc.record({
    x: data(fc.oneof({ weight: 6, arbitrary: fc.float({ min: -30, max: 0, noNaN: true }) }, { weight: 1, arbitrary: value }), n * c + (skew === 0 ? 1 : 0), n * c + (skew === 0 ? 1 : 0)),
    target: fc.oneof(
      { weight: 8, arbitrary: fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: c - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(-100, -1, c, 7) }), { minLength: n, maxLength: n }).map((v) => ({ v })) },
      { weight: 1, arbitrary: fc.constantFrom('array', 'f32', 'null').map((bad) => ({ bad, v: [0] })) },
    ),
    opts: options({
      classes: option(fc.constantFrom(c, c, c + 1), [0, -1, 2.5, NaN], ['2', null]),
      weight: option(goodData(fc.oneof({ weight: 6, arbitrary: fc.float({ min: 0, max: 4, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, NaN, Infinity) }), c, c), [], ['1', null, []]),
      ignoreIndex: option(fc.constantFrom(-100, -1, 0, 1), [1.5, NaN, 2 ** 31], ['1', null]),
      reduction,
      out: outOption,
    }),
  })),
  ({ x, target, opts }) => {
    const d = materialize(x, 'logProbs');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    let tArg;
    if (target.bad) {
      tArg = { array: [0], f32: new Float32Array(1), null: null }[target.bad];
      faults.push(['TypeError', 'target']);
    } else tArg = Int32Array.from(target.v);
    let w;
    if (o.weight !== undefined && optArg && typeof optArg === 'object' && typeof o.weight === 'object' && o.weight !== null && 'kind' in o.weight) {
      const wd = materialize(o.weight, 'options.weight');
      optArg.weight = wd.arg;
      w = wd.vals;
    } else if (o.weight !== undefined) faults.push(['TypeError', 'options.weight']);
    const red = typeof o.reduction === 'string' && ['mean', 'sum', 'none'].includes(o.reduction) ? o.reduction : 'mean';
    const ignore = Number.isInteger(o.ignoreIndex) && Math.abs(o.ignoreIndex) < 2 ** 31 ? o.ignoreIndex : -100;
    const n = target.v.length;
    let c = 0, ok = false;
    if (d.vals && !target.bad && (o.classes === undefined || (Number.isInteger(o.classes) && o.classes >= 1))) {
      c = n === 0 ? (o.classes ?? 1) : d.vals.length / n;
      ok = Number.isInteger(c) && c >= 1 && (o.classes === undefined || o.classes === c) && d.vals.length === n * c;
      if (!ok) faults.push(['RangeError', 'logProbs']);
    }
    if (ok) {
      if (w && w.length !== c) { faults.push(['RangeError', 'options.weight']); ok = false; }
    }
    if (ok) {
      faults.push(...nanFault(d.vals, 'logProbs'));
      const bad = target.v.findIndex((t) => t !== ignore && !(t >= 0 && t < c));
      if (bad >= 0) faults.push(['RangeError', `target[${bad}]`]);
      if (w) { const i = w.findIndex((v) => !(v >= 0 && v < Infinity)); if (i >= 0) faults.push(['RangeError', `options.weight[${i}]`]); }
    }
    const out = lossOut(o, optArg, opts, red, n, d, faults);
    outcome(k, faults, () => k.nllLoss(d.arg, tArg, optArg), (r) => {
      const per = [];
      let sum = 0, wsum = 0;
      for (let i = 0; i < n; i++) {
        const t = target.v[i];
        if (t === ignore) { per.push(0); continue; }
        const wt = w ? w[t] : 1;
        const l = wt === 0 ? 0 : -wt * d.vals[i * c + t];
        per.push(l);
        sum += l;
        wsum += wt;
      }
      if (out) assert.equal(r, out.arg);
      if (red === 'none') {
        assert.equal(r.length, n);
        for (let i = 0; i < n; i++) expectNear(`nllLoss[${i}]`, r[i], per[i], { ulps: 0.5 });
        return;
      }
      const ref = red === 'sum' ? sum : sum / wsum;
      assert.equal(typeof r, 'number');
      if (Number.isNaN(ref)) assert.ok(Number.isNaN(r), `nllLoss ${r}, the model's 0/0 is NaN`);
      else assert.ok(r === ref || Math.abs(r - ref) <= 2 ** -50 * (Math.abs(ref) + (red === 'sum' ? 1 : 1 / wsum) * per.reduce((a, v) => a + Math.abs(v), 0)), `nllLoss ${red}: ${r}, float64 ${ref}`);
    });
  }));

// ---------------------------------------------------------------------------
// similarity and retrieve

/** float64 similarity of query row qi to doc row j, and the documented bound. */
function simRef(q, dcs, dim, qi, j, metric, scale) {
  let dot = 0, mag = 0, qq = 0, dd = 0;
  for (let i = 0; i < dim; i++) {
    const a = q[qi * dim + i], b = dcs[j * dim + i];
    dot += a * b; mag += Math.abs(a * b); qq += a * a; dd += b * b;
  }
  if (metric === 'dot') return { ref: scale * dot, tol: { abs: Math.abs(scale) * (dim * 2 ** -24 * mag + dim * TINY), ulps: 1 } };
  const den = Math.max(Math.sqrt(qq) * Math.sqrt(dd), 1e-8);
  // the dot's bound plus the norms' (each dim·2^-24 relative, halved by the square root)
  return { ref: (scale * dot) / den, tol: { abs: (Math.abs(scale) * (dim * 2 ** -24 * (mag + Math.abs(dot)) + dim * TINY)) / den, ulps: 1 } };
}
/** The first non-finite embedding in the order similarity checks them: query row 0, every doc, query row 1, … */
function embeddingFault(q, dcs, dim) {
  const first = (v, base, name) => {
    const row = v.slice(base, base + dim);
    let i = row.findIndex(Number.isNaN);
    if (i < 0) i = row.findIndex((x) => !Number.isFinite(x));
    return i < 0 ? null : ['RangeError', `${name}[${base + i}]`];
  };
  for (let qi = 0; qi < q.length / dim; qi++) {
    const f = first(q, qi * dim, 'query');
    if (f) return f;
    for (let j = 0; j < dcs.length / dim; j++) { const g = first(dcs, j * dim, 'docs'); if (g) return g; }
  }
  return null;
}
const embedding = fc.oneof(
  { weight: 10, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1e20, -1e20, 1e-20, F32_MAX, -F32_MAX, TINY, 1e-30) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);
const similarityArgs = (extra) => fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4 }), fc.nat(7)).chain(([dim, nq, n, skew]) => fc.record({
  q: data(embedding, nq * dim + (skew === 0 ? 1 : 0), nq * dim + (skew === 0 ? 1 : 0)),
  d: data(embedding, n * dim + (skew === 1 ? 1 : 0), n * dim + (skew === 1 ? 1 : 0)),
  opts: options({
    dim: option(fc.constant(dim), [0, -1, 1.5, NaN], ['2', null]),
    metric: option(fc.constantFrom('cosine', 'dot'), ['Cosine', 'toString', '__proto__', 'l2'], [1, null, {}]),
    scale: option(fc.constantFrom(1, 100, -2, 0, 1e-3, 1e30), [NaN, Infinity, -Infinity], ['1', null]),
    ...extra,
  }),
}));

/** Faults of the similarity part (options, shapes, NaN/inf embeddings); the shape, or null. */
function similarityModel(qd, dd, o, optArg, faults) {
  if (qd.fault) faults.push(qd.fault);
  if (dd.fault) faults.push(dd.fault);
  if (optionsOk(optArg) && o.dim === undefined) faults.push(['TypeError', 'options.dim']);
  const metric = o.metric === undefined ? 'cosine' : o.metric;
  const scale = typeof o.scale === 'number' ? o.scale : 1;
  const dim = o.dim;
  if (!(Number.isInteger(dim) && dim >= 1) || !qd.vals || !dd.vals) return null;
  let bad = false;
  if (qd.vals.length % dim) { faults.push(['RangeError', 'query']); bad = true; }
  if (dd.vals.length % dim) { faults.push(['RangeError', 'docs']); bad = true; }
  if (bad) return null;
  const nq = qd.vals.length / dim, n = dd.vals.length / dim;
  if (nq === 0) { faults.push(['RangeError', 'query']); return null; }
  const f = embeddingFault(qd.vals, dd.vals, dim);
  if (f) faults.push(f);
  return { dim, nq, n, metric, scale, bad: !!f };
}

property('similarity: float64 scale·q·d (dot) or scale·cos (torch eps rule) within the documented bound, or a named TypeError/RangeError', 300, (k) => fc.property(
  similarityArgs({ out: outOption }),
  ({ q, d, opts }) => {
    const qd = materialize(q, 'query'), dd = materialize(d, 'docs');
    const { arg: optArg, faults, o } = optionsOf(opts);
    const m = similarityModel(qd, dd, o, optArg, faults);
    let out;
    if (o.out !== undefined && optArg && typeof optArg === 'object') {
      out = outOf(opts.keys.out[0], m ? m.nq * m.n : 0, Float32Array, true, dd);
      optArg.out = out.arg;
      if (m) faults.push(...out.faults);
      else if (out.faults.some(([t]) => t === 'TypeError')) faults.push(['TypeError', 'options.out']);
      if (out.inplace) faults.push(['RangeError', 'options.out']); // the docs buffer itself
    }
    outcome(k, faults, () => k.similarity(qd.arg, dd.arg, optArg), (r) => {
      if (out) assert.equal(r, out.arg);
      const got = r.view ?? r;
      assert.equal(got.length, m.nq * m.n);
      for (let qi = 0; qi < m.nq; qi++) {
        for (let j = 0; j < m.n; j++) {
          const { ref, tol } = simRef(qd.vals, dd.vals, m.dim, qi, j, m.metric, m.scale);
          expectNear(`similarity ${m.metric} q [${qd.vals.slice(qi * m.dim, (qi + 1) * m.dim)}] d [${dd.vals.slice(j * m.dim, (j + 1) * m.dim)}] scale ${m.scale}`, got[qi * m.n + j], ref, tol);
        }
      }
    });
  }));

property('retrieve: the first k of a stable descending sort of similarity(), softmax(scores/T) over all documents, or a named TypeError/RangeError', 200, (k) => fc.property(
  similarityArgs({ temperature, k: option(fc.integer({ min: 1, max: 4 }), [0, -1, 1.5, NaN, 9]) }),
  ({ q, d, opts }) => {
    const qd = materialize(q, 'query'), dd = materialize(d, 'docs');
    const { arg: optArg, faults, o } = optionsOf(opts);
    const m = similarityModel(qd, dd, o, optArg, faults);
    let kk = 0;
    if (m && m.n === 0) faults.push(['RangeError', 'docs']);
    else if (m) {
      kk = o.k === undefined ? Math.min(5, m.n) : o.k;
      if (Number.isInteger(o.k) && o.k > m.n) faults.push(['RangeError', 'options.k']);
    }
    const t = typeof o.temperature === 'number' && o.temperature >= 0 && o.temperature <= 2 ** 64 ? o.temperature : 1;
    outcome(k, faults, () => k.retrieve(qd.arg, dd.arg, optArg), (r) => {
      assert.equal(r.rows, m.nq);
      assert.equal(r.k, kk);
      // The model: this instance's similarity row (checked by its own property), then topClasses' contract.
      const simOpts = { dim: m.dim, metric: m.metric, scale: m.scale };
      const sim = lk.similarity(Float32Array.from(qd.vals), Float32Array.from(dd.vals), simOpts);
      for (let qi = 0; qi < m.nq; qi++) {
        const row = Array.from(sim.subarray(qi * m.n, (qi + 1) * m.n));
        const want = order(row).slice(0, kk);
        const logp = logSoftmaxRef(row, t).logp;
        for (let j = 0; j < kk; j++) {
          assert.equal(r.indices[qi * kk + j], want[j], `retrieve order of [${row}]`);
          assert.ok(Object.is(r.scores[qi * kk + j], row[want[j]]), `retrieve score ${r.scores[qi * kk + j]} is similarity's ${row[want[j]]}`);
          const p = Math.exp(logp[want[j]]);
          expectNear(`retrieve prob of [${row}] T=${t}`, r.probs[qi * kk + j], p, probTol(p));
        }
      }
    });
  }));

// ---------------------------------------------------------------------------
// diagnose

/** The input kind of one row (docs/classify.md), or 'edge' within 1e-9 of a tolerance. */
function kindOf(row) {
  const c = row.length;
  if (c === 1) return 'single-column';
  const fin = row.every(Number.isFinite);
  const sum = row.reduce((a, v) => a + v, 0);
  if (fin && row.every((v) => v >= 0 && v <= 1)) {
    if (Math.abs(Math.abs(sum - 1) - 1e-3) < 1e-9) return 'edge';
    if (Math.abs(sum - 1) <= 1e-3) return 'probabilities';
  }
  const max = Math.max(...row);
  if (max <= 0 && max > -Infinity) {
    const lse = logSoftmaxRef(row, 1).lse;
    if (Math.abs(Math.abs(lse) - 1e-3) < 1e-9) return 'edge';
    if (Math.abs(lse) <= 1e-3) return 'log-probabilities';
  }
  return null;
}
const logitsOrProbs = fc.oneof(
  { weight: 4, arbitrary: value },
  { weight: 1, arbitrary: fc.constantFrom(0, 0.25, 0.5, 1, Math.log(0.5), -Infinity) },
);
property('diagnose: top, margin, entropy, torn, float64 summary and warnings per the docs, or a named TypeError/RangeError', 300, (k) => fc.property(
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), fc.nat(2)).chain(([c, r, any]) => fc.record({
    x: any === 0 ? data(logitsOrProbs) : data(logitsOrProbs, r * c, r * c),
    opts: options({
      cols: any === 0 ? cols : option(fc.constant(c), [0, -1, 1.5, NaN]),
      tornMargin: option(fc.constantFrom(0, 0.5, 1, 3, Infinity), [-1, NaN, -Infinity], ['0.5', null, true]),
    }),
  })),
  ({ x, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    let shape;
    if (d.vals) {
      shape = shapeOf(d.vals.length, o);
      faults.push(...shape.faults, ...nanFault(d.vals, 'logits'));
      if (!shape.faults.length && shape.rows > 0 && shape.cols === 0) faults.push(['RangeError', 'logits']);
    }
    const torn = typeof o.tornMargin === 'number' && o.tornMargin >= 0 ? o.tornMargin : 0.5;
    outcome(k, faults, () => k.diagnose(d.arg, optArg), (res) => {
      const { rows, cols: c } = shape;
      assert.equal(res.rows, rows);
      const finite = [];
      let nonFinite = 0, tornCount = 0, mSum = 0, mRows = 0, hSum = 0;
      const kinds = new Map();
      let edge = false;
      for (let r = 0; r < rows; r++) {
        const row = d.vals.slice(r * c, (r + 1) * c);
        const what = `diagnose row [${row}]`;
        let top = 0;
        for (let i = 1; i < c; i++) if (row[i] > row[top]) top = i;
        assert.equal(res.top[r], top, `${what}: top`);
        const sorted = row.slice().sort((a, b) => b - a);
        const m = sorted[0] === -Infinity ? 0 : c === 1 || sorted[1] === -Infinity ? Infinity : sorted[0] === sorted[1] ? 0 : Math.fround(sorted[0] - sorted[1]);
        assert.ok(Object.is(res.margin[r], m) || res.margin[r] === m, `${what}: margin ${res.margin[r]}, want ${m}`);
        const h = entropyRef(logSoftmaxRef(row, 1).logp);
        expectNear(`${what}: entropy`, res.entropy[r], h, { ulps: 2, abs: 4e-7 });
        assert.equal(res.torn[r], res.margin[r] < torn ? 1 : 0, `${what}: torn at ${torn}`);
        tornCount += res.torn[r];
        if (Number.isFinite(res.margin[r])) { mSum += res.margin[r]; mRows++; }
        hSum += res.entropy[r];
        for (const v of row) (Number.isFinite(v) ? finite.push(v) : nonFinite++);
        const kd = kindOf(row);
        if (kd === 'edge') edge = true;
        else if (kd) { const e = kinds.get(kd) ?? { rows: 0, firstRow: r }; e.rows++; kinds.set(kd, e); }
      }
      const s = res.summary;
      assert.equal(s.rows, rows);
      assert.equal(s.count, finite.length);
      assert.equal(s.nonFinite, nonFinite);
      assert.equal(s.tornCount, tornCount);
      const big = finite.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      if (finite.length === 0) {
        assert.ok(Number.isNaN(s.mean) && Number.isNaN(s.std), `no finite logit: mean ${s.mean} and std ${s.std} must be NaN`);
        assert.equal(s.min, Infinity);
        assert.equal(s.max, -Infinity);
      } else {
        const mean = finite.reduce((a, v) => a + v / finite.length, 0);
        const std = big && Math.sqrt(finite.reduce((a, v) => a + ((v - mean) / big) ** 2, 0) / finite.length) * big;
        assert.ok(Math.abs(s.mean - mean) <= 1e-12 * big, `summary mean ${s.mean}, float64 ${mean}`);
        assert.ok(Math.abs(s.std - std) <= 1e-6 * big, `summary std ${s.std}, float64 ${std}`);
        assert.ok(s.min === Math.min(...finite) && s.max === Math.max(...finite), `min ${s.min}, max ${s.max}`); // -0 == 0
      }
      assert.ok(Object.is(s.meanMargin, mRows ? mSum / mRows : NaN) || Math.abs(s.meanMargin - mSum / mRows) <= 1e-15 * Math.abs(mSum / mRows), `meanMargin ${s.meanMargin}`);
      assert.ok(rows ? Math.abs(s.meanEntropy - hSum / rows) <= 1e-15 * (1 + hSum) : Number.isNaN(s.meanEntropy), `meanEntropy ${s.meanEntropy}`);
      if (!edge) {
        const want = [...kinds].filter(([code, w]) => code === 'single-column' || w.rows * 2 > rows).map(([code, w]) => `${code}:${w.rows}:${w.firstRow}`).sort();
        assert.deepEqual(res.warnings.map((w) => `${w.code}:${w.rows}:${w.firstRow}`).sort(), want, 'diagnose warnings');
        for (const w of res.warnings) assert.ok(w.message.startsWith('logitkit: '), w.message);
      }
    });
  }));

// ---------------------------------------------------------------------------
// guard: on a fresh instance, a sequence of guard(...) and softmax /
// logSoftmax calls; each warning code reported once per instance, at the
// first row of that kind while the guard is on, results unchanged.

const wasmBytes = readFileSync(new URL(`../../dist/logitkit-${simd ? 'simd' : 'baseline'}.wasm`, import.meta.url));
const guardRow = fc.oneof(
  fc.array(value, { minLength: 1, maxLength: 5 }),
  fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }).map((v) => { const s = v.reduce((a, b) => a + b, 0) || 1; return v.map((x) => x / s); }),
  fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 4 }).map((v) => { const l = logSoftmaxRef(Array.from(Float32Array.from(v)), 1).logp; return l; }),
  fc.constantFrom([NaN, 1], [], [0.5, 0.5, 7]),
);
const guardCmd = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(true, false, 'fn', undefined, 'bad:1', 'bad:null', 'bad:str').map((arg) => ({ guard: arg })) },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('softmax', 'logSoftmax'), rows: fc.array(guardRow, { minLength: 1, maxLength: 2 }), buf: fc.boolean() }) },
);
property('guard: each warning code once per instance, for the first row of softmax / logSoftmax while on; results unchanged; a bad argument is a named TypeError', 10, (getK) => fc.asyncProperty(
  fc.array(guardCmd, { minLength: 1, maxLength: 8 }),
  async (cmds) => {
    const g = await getK();
    const heard = [];
    const warnSpy = console.warn;
    console.warn = (m) => heard.push({ console: m });
    try {
      let on = null; // null, 'console' or 'fn'
      const seen = new Set();
      for (const c of cmds) {
        const before = heard.length;
        if ('guard' in c) {
          if (typeof c.guard === 'string' && c.guard.startsWith('bad:')) {
            const arg = { 'bad:1': 1, 'bad:null': null, 'bad:str': 'yes' }[c.guard];
            assert.throws(() => g.guard(arg), (e) => e instanceof TypeError && e.message.includes('guard(warn)'));
            continue;
          }
          const r = c.guard === 'fn' ? g.guard((w) => heard.push(w)) : c.guard === undefined ? g.guard() : g.guard(c.guard);
          assert.equal(r, g, 'guard returns the instance');
          on = c.guard === false ? null : c.guard === 'fn' ? 'fn' : 'console';
          continue;
        }
        const c0 = c.rows[0].length;
        const flat = c.rows.every((r) => r.length === c0) ? c.rows.flat() : c.rows[0];
        const rowsN = flat.length / c0;
        const x = Float32Array.from(flat);
        let arg = x;
        if (c.buf) { arg = g.buffer(x.length); arg.view.set(x); }
        let got, want, gotErr, wantErr;
        try { got = Array.from(g[c.op](arg, rowsN > 1 ? { cols: c0 } : undefined)); } catch (e) { gotErr = e; }
        try { want = Array.from(lk[c.op](x, rowsN > 1 ? { cols: c0 } : undefined)); } catch (e) { wantErr = e; }
        if (c.buf) arg.dispose();
        assert.equal(gotErr?.message, wantErr?.message, 'the same error as without the guard');
        if (!gotErr) assert.deepEqual(got, want, 'the same bits as without the guard');
        const first = Array.from(Float32Array.from(flat.slice(0, c0)));
        const kd = first.some(Number.isNaN) || first.length === 0 ? null : kindOf(first);
        const news = heard.slice(before);
        if (kd === 'edge') { for (const w of news) seen.add(w.code ?? 'console'); continue; }
        if (on && kd && !seen.has(kd)) {
          assert.equal(news.length, 1, `one warning for a first row of kind ${kd} [${first}]`);
          if (on === 'fn') assert.deepEqual([news[0].code, news[0].rows, news[0].firstRow], [kd, 1, 0]);
          else assert.ok(news[0].console.startsWith('logitkit: the logits'), news[0].console);
          seen.add(kd);
        } else assert.equal(news.length, 0, `no warning for [${first}] (kind ${kd}, guard ${on}, seen ${[...seen]})`);
      }
    } finally {
      console.warn = warnSpy;
    }
    counts.results++;
  }), { async: true });

// ---------------------------------------------------------------------------
// Calibration: float64 models of docs/calibration.md

/** Per sample, the float64 class probabilities (a one-column binary row as [1 - p, p]). */
function calProbs(vals, n, c, input, t = 1) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const row = vals.slice(i * c, (i + 1) * c);
    if (c === 1) { const p = input === 'probabilities' ? row[0] : sigmoidRef(row[0] / t); rows.push([1 - p, p]); } else rows.push(input === 'probabilities' ? row : logSoftmaxRef(row, t).logp.map(Math.exp));
  }
  return rows;
}
/** Bin b of M with b/M < v <= (b+1)/M (the first also holds 0); 'edge' within 1e-9 of an edge. */
function binOf(v, M) {
  for (let b = 0; b < M; b++) {
    const hi = (b + 1) / M;
    if (Math.abs(v - hi) < 1e-9 && b < M - 1) return 'edge';
    if (v <= hi) return b;
  }
  return M - 1;
}
function eceOf(conf, hit, M) {
  const N = conf.length, cnt = new Array(M).fill(0), cs = new Array(M).fill(0), as = new Array(M).fill(0);
  for (let i = 0; i < N; i++) { const b = binOf(conf[i], M); if (b === 'edge') return null; cnt[b]++; cs[b] += conf[i]; as[b] += hit[i]; }
  let ece = 0, mce = 0;
  for (let b = 0; b < M; b++) if (cnt[b]) { const gap = Math.abs(as[b] / cnt[b] - cs[b] / cnt[b]); ece += (cnt[b] / N) * gap; mce = Math.max(mce, gap); }
  return { ece, mce, cnt, cs, as };
}

/** Scores, labels and the data faults shared by calibrationMetrics and the fitters. */
const calData = (values, { binary = false, maxClasses = 4 } = {}) => fc.oneof(
  { weight: 1, arbitrary: fc.record({ x: data(values, 12, 1), labels: fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 0, maxLength: 4 }).map((v) => ({ kind: 'i32', v })), fc.constantFrom('array', 'f32').map((kind) => ({ kind, v: [0] }))) }) },
  { weight: 5, arbitrary: fc.tuple(fc.integer({ min: binary ? 1 : 1, max: binary ? 1 : maxClasses }), fc.integer({ min: 1, max: 6 })).chain(([c, n]) => fc.record({
    x: fc.record({ kind: fc.constantFrom('f32', 'f32', 'buf'), values: fc.array(values, { minLength: n * c, maxLength: n * c }) }),
    labels: fc.array(fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: c === 1 ? 1 : c - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, c === 1 ? 2 : c) }), { minLength: n, maxLength: n }).map((v) => ({ kind: 'i32', v })),
  })) },
);
function calFaults(d, labels, o, faults, { input = 'logits', classesDefault } = {}) {
  if (d.fault) faults.push(d.fault);
  const lab = labels.kind === 'i32' ? Int32Array.from(labels.v) : labels.kind === 'f32' ? Float32Array.from(labels.v) : labels.v.slice();
  if (labels.kind !== 'i32') { faults.push(['TypeError', 'labels']); return { lab }; }
  if (!d.vals) return { lab };
  const n = lab.length;
  if (n === 0 || d.vals.length === 0) { faults.push(['RangeError', 'scores']); return { lab }; }
  const oc = o.classes ?? classesDefault;
  if (oc !== undefined && !(Number.isInteger(oc) && oc >= 1)) return { lab };
  const c = oc ?? d.vals.length / n;
  if (!Number.isInteger(c) || d.vals.length !== n * c) { faults.push(['RangeError', 'scores']); return { lab }; }
  const bad = input === 'probabilities' ? d.vals.findIndex((v) => !(v >= 0 && v <= 1)) : d.vals.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) faults.push(['RangeError', `scores[${bad}]`]);
  const j = Array.from(lab).findIndex((y) => !(y >= 0 && y < (c === 1 ? 2 : c)));
  if (j >= 0) faults.push(['RangeError', `labels[${j}]`]);
  return { lab, n, c, ok: bad < 0 && j < 0 };
}
const inputOpt = option(fc.constantFrom('logits', 'probabilities'), ['Logits', 'toString', 'constructor', 'probs'], [1, null, true]);
const binsOpt = option(fc.constantFrom(1, 2, 3, 10, 15), [0, -1, 1.5, NaN, 1e7], ['15', null]);
const calValues = fc.oneof({ weight: 12, arbitrary: fc.oneof(moderate, prob) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0.5, 1.5) });

property('calibrationMetrics: accuracy, NLL, Brier, ECE, MCE, adaptive and classwise ECE and the diagram from a float64 model, or a named TypeError/RangeError', 300, (k) => fc.property(
  fc.record({
    xl: calData(calValues),
    opts: options({
      classes: option(fc.integer({ min: 1, max: 4 }), [0, -1, 1.5, NaN]),
      input: inputOpt,
      bins: binsOpt,
      temperature: option(fc.constantFrom(1, 0.5, 2, 2 ** -20, 2 ** 64), [0, -1, NaN, Infinity, 1e39], ['1', null]),
    }),
  }),
  ({ xl: { x, labels }, opts }) => {
    const d = materialize(x, 'scores');
    const { arg: optArg, faults, o } = optionsOf(opts);
    const input = o.input === 'probabilities' ? 'probabilities' : 'logits';
    if (o.input === 'probabilities' && o.temperature !== undefined) faults.push(['RangeError', 'options.temperature']);
    const { lab, n, c, ok } = calFaults(d, labels, o, faults, { input });
    const M = Number.isInteger(o.bins) && o.bins >= 1 && o.bins <= 1e6 ? o.bins : 15;
    const t = typeof o.temperature === 'number' && o.temperature > 0 && o.temperature <= 2 ** 64 ? o.temperature : 1;
    outcome(k, faults, () => k.calibrationMetrics(d.arg, lab, optArg), (r) => {
      assert.ok(ok);
      const ps = calProbs(d.vals, n, c, input, t);
      const K = ps[0].length;
      const y = Array.from(lab);
      let acc = 0, nll = 0, brier = 0;
      const conf = [], hit = [];
      for (let i = 0; i < n; i++) {
        const p = ps[i];
        // ŷ: the first argmax of the logits themselves (of p for probabilities)
        const s = input === 'logits' ? (c === 1 ? [0, d.vals[i]] : d.vals.slice(i * c, (i + 1) * c)) : p;
        let top = 0;
        for (let j = 1; j < K; j++) if (s[j] > s[top]) top = j;
        conf.push(p[top]); hit.push(top === y[i] ? 1 : 0);
        acc += hit[i] / n;
        const lp = input === 'logits' && c > 1 ? logSoftmaxRef(d.vals.slice(i * c, (i + 1) * c), t).logp[y[i]] : input === 'logits' ? (y[i] ? -softplusRef(-d.vals[i] / t) : -softplusRef(d.vals[i] / t)) : Math.log(p[y[i]]);
        nll -= lp / n;
        brier += (c === 1 ? (p[1] - y[i]) ** 2 : p.reduce((a, v, j) => a + (v - (j === y[i] ? 1 : 0)) ** 2, 0)) / n;
      }
      const close = (what, got, ref, tol = 1e-9) => assert.ok(got === ref || Math.abs(got - ref) <= tol * (1 + Math.abs(ref)), `calibrationMetrics ${what}: ${got}, float64 ${ref}`);
      close('accuracy', r.accuracy, acc);
      close('nll', r.nll, nll);
      close('brier', r.brier, brier);
      const e = eceOf(conf, hit, M);
      if (e === null) return; // a confidence on a bin edge: float64 rounding decides its bin
      close('ece', r.ece, e.ece);
      close('mce', r.mce, e.mce);
      assert.equal(r.reliability.length, M);
      for (let b = 0; b < M; b++) {
        const bin = r.reliability[b];
        assert.equal(bin.count, e.cnt[b], `bin ${b} count`);
        close(`bin ${b} lower`, bin.lower, b / M);
        if (e.cnt[b]) { close(`bin ${b} confidence`, bin.confidence, e.cs[b] / e.cnt[b]); close(`bin ${b} accuracy`, bin.accuracy, e.as[b] / e.cnt[b]); } else assert.ok(Number.isNaN(bin.confidence) && Number.isNaN(bin.accuracy));
      }
      // equal-mass bins over samples sorted by (confidence, index)
      // (confidences within 1e-12 of each other are a tie: float64 rounding orders them)
      const idx = conf.map((v, i) => i).sort((a, b) => (Math.abs(conf[a] - conf[b]) <= 1e-12 ? a - b : conf[a] - conf[b]));
      let ada = 0;
      for (let b = 0; b < M; b++) {
        const lo = Math.floor((b * n) / M), hi = Math.floor(((b + 1) * n) / M);
        if (hi <= lo) continue;
        let cs = 0, as = 0;
        for (let q = lo; q < hi; q++) { cs += conf[idx[q]]; as += hit[idx[q]]; }
        ada += ((hi - lo) / n) * Math.abs(as / (hi - lo) - cs / (hi - lo));
      }
      close('adaptiveEce', r.adaptiveEce, ada);
      let cw = 0;
      const classes = c === 1 ? [1] : Array.from({ length: K }, (_, j) => j);
      for (const j of classes) {
        const ej = eceOf(ps.map((p) => p[j]), y.map((v) => (v === j ? 1 : 0)), M);
        if (ej === null) return;
        cw += ej.ece / classes.length;
      }
      close('classwiseEce', r.classwiseEce, cw);
    });
  }));

// The fitters: a fit on arbitrary data either fails with a named error or
// gives parameters the model checks (an optimum of the documented objective,
// or the documented table), an apply() that computes the documented map, and
// a toJSON() that calibratorFromJSON restores to the same bits.
function checkApplyAndJSON(k, cal, vals, ref, abs = 1e-12) {
  const x = Float32Array.from(vals);
  const p = cal.apply(x);
  assert.equal(p.length, x.length);
  for (let i = 0; ref && i < ref.length; i++) expectNear(`${cal.kind}.apply [${i}] of [${vals}]`, p[i], ref[i], { rel: 2 ** -22, ulps: 1, abs }); // the model's float64 probabilities differ from the core's in the last bits
  const again = k.calibratorFromJSON(JSON.stringify(cal));
  assert.equal(again.kind, cal.kind);
  assert.deepEqual(again.apply(x), p, 'calibratorFromJSON(JSON.stringify(cal)).apply gives the same bits');
  const out = new Float32Array(x.length);
  assert.equal(cal.apply(x, { out }), out);
  assert.deepEqual(out, p);
}
/** f at p is no larger than at small steps along each coordinate (a minimum of f). */
function assertMinimum(what, f, p, tol = 1e-9) {
  const at = f(p);
  for (let i = 0; i < p.length; i++) {
    for (const s of [-1e-3, 1e-3]) {
      const q = p.slice();
      q[i] += s * (1 + Math.abs(p[i]));
      const fq = f(q);
      assert.ok(at <= fq + tol * (1 + Math.abs(at)), `${what}: parameter ${i} = ${p[i]} is not a minimum (${at} > ${fq} at ${q[i]})`);
    }
  }
  return at;
}

property('fitPlatt + apply + JSON: the minimum of Platt\'s objective, σ(a·z + b), the same bits restored, or a named TypeError/RangeError', 150, (k) => fc.property(
  fc.record({
    xl: calData(fc.oneof({ weight: 12, arbitrary: fc.float({ min: -8, max: 8, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity) }), { binary: true }),
    opts: options({
      classes: option(fc.constantFrom(1, 1, 2), [0, 1.5, NaN], ['1', null]),
      smoothTargets: option(fc.boolean(), [], [1, 'true', null]),
    }),
  }),
  ({ xl: { x, labels }, opts }) => {
    const d = materialize(x, 'scores');
    const { arg: optArg, faults, o } = optionsOf(opts);
    const data_ = calFaults(d, labels, o, faults, { classesDefault: 1 });
    if (data_.c !== undefined && data_.c !== 1) faults.push(['RangeError', 'options.classes']);
    const smooth = o.smoothTargets !== false;
    outcome(k, faults, () => k.fitPlatt(d.arg, data_.lab, optArg), (cal) => {
      const z = d.vals, y = Array.from(data_.lab), n = y.length;
      const np = y.filter((v) => v === 1).length, nn = n - np;
      const tp = smooth ? (np + 1) / (np + 2) : 1, tn = smooth ? 1 / (nn + 2) : 0;
      const F = ([a, b]) => { let s = 0; for (let i = 0; i < n; i++) { const u = a * z[i] + b; s += softplusRef(u) - (y[i] ? tp : tn) * u; } return s / n; };
      const nll = ([a, b]) => { let s = 0; for (let i = 0; i < n; i++) s += softplusRef(y[i] ? -(a * z[i] + b) : a * z[i] + b); return s / n; };
      assert.equal(cal.kind, 'platt');
      // Hard targets may have no finite optimum (separable, or separable but for ties): the fit only has to go downhill.
      if (smooth) assertMinimum('Platt (a, b)', F, [cal.a, cal.b], 1e-7);
      else assert.ok(F([cal.a, cal.b]) <= F([1, 0]) + 1e-12, 'the fit goes downhill');
      assert.ok(Math.abs(cal.nllAfter - nll([cal.a, cal.b])) <= 1e-9 * (1 + nll([cal.a, cal.b])), `nllAfter ${cal.nllAfter}, float64 ${nll([cal.a, cal.b])}`);
      assert.ok(Math.abs(cal.nllBefore - nll([1, 0])) <= 1e-9 * (1 + nll([1, 0])), `nllBefore ${cal.nllBefore}, float64 ${nll([1, 0])}`);
      checkApplyAndJSON(k, cal, z, z.map((v) => sigmoidRef(cal.a * v + cal.b)));
    });
  }));

property('fitVectorScaling + apply + JSON: nllAfter <= nllBefore, a minimum of NLL + (l2/2)·penalty when l2 > 0, softmax(w ⊙ z + b), or a named TypeError/RangeError', 100, (k) => fc.property(
  fc.record({
    xl: calData(fc.oneof({ weight: 12, arbitrary: fc.float({ min: -6, max: 6, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, -Infinity) }), { maxClasses: 3 }),
    opts: options({
      classes: option(fc.integer({ min: 1, max: 3 }), [0, 1.5, NaN], ['2', null]),
      l2: option(fc.constantFrom(0, 1e-3, 0.1, 1, 10), [-1, NaN, Infinity], ['0.1', null]),
    }),
  }),
  ({ xl: { x, labels }, opts }) => {
    const d = materialize(x, 'scores');
    const { arg: optArg, faults, o } = optionsOf(opts);
    const data_ = calFaults(d, labels, o, faults);
    if (data_.c === 1) faults.push(['RangeError', 'classes']); // vector scaling needs >= 2 classes
    const l2 = typeof o.l2 === 'number' && o.l2 >= 0 && o.l2 < Infinity ? o.l2 : 0;
    outcome(k, faults, () => k.fitVectorScaling(d.arg, data_.lab, optArg), (cal) => {
      const { n, c } = data_, z = d.vals, y = Array.from(data_.lab);
      const rowOf = (i, w, b) => z.slice(i * c, (i + 1) * c).map((v, j) => w[j] * v + b[j]);
      const nll = (w, b) => { let s = 0; for (let i = 0; i < n; i++) s -= logSoftmaxRef(rowOf(i, w, b), 1).logp[y[i]]; return s / n; };
      const obj = (p) => nll(p.slice(0, c), p.slice(c)) + (l2 / 2) * p.reduce((a, v, i) => a + (i < c ? (v - 1) ** 2 : v ** 2), 0);
      assert.equal(cal.kind, 'vector');
      assert.equal(cal.l2, l2);
      const after = nll(cal.scale, cal.bias), before = nll(new Array(c).fill(1), new Array(c).fill(0));
      assert.ok(Math.abs(cal.nllAfter - after) <= 1e-9 * (1 + after), `nllAfter ${cal.nllAfter}, float64 ${after}`);
      assert.ok(Math.abs(cal.nllBefore - before) <= 1e-9 * (1 + before), `nllBefore ${cal.nllBefore}, float64 ${before}`);
      assert.ok(obj([...cal.scale, ...cal.bias]) <= obj([...new Array(c).fill(1), ...new Array(c).fill(0)]) + 1e-12, 'the fit goes downhill');
      if (l2 > 0) assertMinimum('vector scaling (scale, bias)', obj, [...cal.scale, ...cal.bias], 1e-7);
      const ref = [];
      for (let i = 0; i < n; i++) ref.push(...logSoftmaxRef(rowOf(i, cal.scale, cal.bias), 1).logp.map(Math.exp));
      checkApplyAndJSON(k, cal, z, ref);
    });
  }));

/** One-vs-rest class probabilities (binary one-column: just p), renormalised across classes (an all-zero row: uniform). */
function renorm(rows) {
  return rows.flatMap((r) => {
    if (r.length === 1) return r;
    const s = r.reduce((a, v) => a + v, 0);
    return s > 0 ? r.map((v) => v / s) : r.map(() => 1 / r.length);
  });
}
const classProbs = (vals, n, c, input) => calProbs(vals, n, c, input).map((p) => (c === 1 ? [p[1]] : p));

property('fitHistogramBinning + apply + JSON: per class and bin the label frequency (empty: the midpoint), or a named TypeError/RangeError', 150, (k) => fc.property(
  fc.record({
    xl: calData(calValues),
    opts: options({ classes: option(fc.integer({ min: 1, max: 4 }), [0, 1.5, NaN]), input: inputOpt, bins: binsOpt }),
  }),
  ({ xl: { x, labels }, opts }) => {
    const d = materialize(x, 'scores');
    const { arg: optArg, faults, o } = optionsOf(opts);
    const input = o.input === 'probabilities' ? 'probabilities' : 'logits';
    const data_ = calFaults(d, labels, o, faults, { input });
    const M = Number.isInteger(o.bins) && o.bins >= 1 && o.bins <= 1e6 ? o.bins : 15;
    outcome(k, faults, () => k.fitHistogramBinning(d.arg, data_.lab, optArg), (cal) => {
      const { n, c } = data_, y = Array.from(data_.lab);
      const ps = classProbs(d.vals, n, c, input);
      assert.deepEqual([cal.kind, cal.input, cal.bins, cal.classes], ['histogram', input, M, c]);
      const K = c;
      const target = (i, j) => (c === 1 ? y[i] : y[i] === j ? 1 : 0);
      let edge = false;
      for (let j = 0; j < K; j++) {
        const cnt = new Array(M).fill(0), pos = new Array(M).fill(0);
        for (let i = 0; i < n; i++) { const b = binOf(ps[i][j], M); if (b === 'edge') { edge = true; break; } cnt[b]++; pos[b] += target(i, j); }
        if (edge) break;
        for (let b = 0; b < M; b++) {
          const want = cnt[b] ? pos[b] / cnt[b] : (b + 0.5) / M;
          assert.ok(Math.abs(cal.values[j][b] - want) <= 1e-15, `class ${j} bin ${b}: ${cal.values[j][b]}, want ${want}`);
        }
      }
      if (edge) return;
      const ref = renorm(ps.map((p) => p.map((v, j) => cal.values[j][binOf(v, M)])));
      if (ref.some((v) => v === undefined || Number.isNaN(v))) return;
      checkApplyAndJSON(k, cal, d.vals, ref);
    });
  }));

/** sklearn's IsotonicRegression on (x, y): equal x merged, weighted PAV, breakpoints at each run's first and last x. */
function isotonicRef(xs, ys) {
  const idx = xs.map((v, i) => i).sort((a, b) => xs[a] - xs[b]);
  const pts = [];
  for (const i of idx) {
    const last = pts[pts.length - 1];
    if (last && last.x === xs[i]) { last.sy += ys[i]; last.w++; } else pts.push({ x: xs[i], sy: ys[i], w: 1 });
  }
  const blocks = [];
  for (const p of pts) {
    blocks.push({ lo: p.x, hi: p.x, sy: p.sy, w: p.w });
    while (blocks.length > 1 && blocks[blocks.length - 2].sy / blocks[blocks.length - 2].w >= blocks[blocks.length - 1].sy / blocks[blocks.length - 1].w) {
      const b = blocks.pop(), a = blocks[blocks.length - 1];
      a.hi = b.hi; a.sy += b.sy; a.w += b.w;
    }
  }
  const X = [], Y = [];
  for (const b of blocks) {
    X.push(b.lo); Y.push(b.sy / b.w);
    if (b.hi !== b.lo) { X.push(b.hi); Y.push(b.sy / b.w); }
  }
  return { X, Y };
}
function interp(X, Y, v) {
  if (v <= X[0]) return Y[0];
  if (v >= X[X.length - 1]) return Y[Y.length - 1];
  let i = 1;
  while (X[i] < v) i++;
  return Y[i - 1] + ((Y[i] - Y[i - 1]) * (v - X[i - 1])) / (X[i] - X[i - 1]);
}
property('fitIsotonic + apply + JSON: sklearn\'s isotonic fit per class in float64, interpolated and clipped, or a named TypeError/RangeError', 150, (k) => fc.property(
  fc.record({
    xl: calData(calValues),
    opts: options({ classes: option(fc.integer({ min: 1, max: 4 }), [0, 1.5, NaN]), input: inputOpt }),
  }),
  ({ xl: { x, labels }, opts }) => {
    const d = materialize(x, 'scores');
    const { arg: optArg, faults, o } = optionsOf(opts);
    const input = o.input === 'probabilities' ? 'probabilities' : 'logits';
    const data_ = calFaults(d, labels, o, faults, { input });
    outcome(k, faults, () => k.fitIsotonic(d.arg, data_.lab, optArg), (cal) => {
      const { n, c } = data_, y = Array.from(data_.lab);
      const ps = classProbs(d.vals, n, c, input);
      assert.deepEqual([cal.kind, cal.input, cal.classes], ['isotonic', input, c]);
      const maps = [];
      let skipApply = false, minGap = Infinity;
      for (let j = 0; j < c; j++) {
        // Distinct probabilities within 1e-12 of each other: float64 rounding decides whether they merge; check the shape only.
        const xs = ps.map((p) => p[j]).sort((a, b) => a - b);
        const gap = (a) => a.some((v, i) => i && v !== a[i - 1] && v - a[i - 1] <= 1e-12);
        // (and breakpoints closer than 1e-6: the interpolation there magnifies the models' last-bit differences)
        const nearTie = gap(xs) || gap(cal.x[j]);
        if (cal.x[j].some((v, i) => i && v - cal.x[j][i - 1] < 1e-6)) skipApply = true;
        for (let i = 1; i < cal.x[j].length; i++) minGap = Math.min(minGap, cal.x[j][i] - cal.x[j][i - 1]);
        if (nearTie) {
          skipApply = true;
          for (let i = 1; i < cal.x[j].length; i++) assert.ok(cal.x[j][i] > cal.x[j][i - 1] && cal.y[j][i] >= cal.y[j][i - 1], 'x increasing, y non-decreasing');
          maps.push({ X: cal.x[j], Y: cal.y[j] });
          continue;
        }
        const { X, Y } = isotonicRef(ps.map((p) => p[j]), y.map((v) => (c === 1 ? v : v === j ? 1 : 0)));
        assert.equal(cal.x[j].length, X.length, `class ${j}: breakpoints [${cal.x[j]}], float64 model [${X}]`);
        for (let i = 0; i < X.length; i++) {
          assert.ok(Math.abs(cal.x[j][i] - X[i]) <= 1e-12, `class ${j} x[${i}] ${cal.x[j][i]}, float64 ${X[i]}`);
          assert.ok(Math.abs(cal.y[j][i] - Y[i]) <= 1e-12, `class ${j} y[${i}] ${cal.y[j][i]}, float64 ${Y[i]}`);
          if (i) assert.ok(cal.x[j][i] > cal.x[j][i - 1] && cal.y[j][i] >= cal.y[j][i - 1], 'x increasing, y non-decreasing');
        }
        maps.push({ X: cal.x[j], Y: cal.y[j] });
      }
      // near ties: the model's probabilities may sit on the other side of a breakpoint; restore only
      // (the slope between breakpoints magnifies the float64 models' last-bit differences: 1e-15 / gap)
      checkApplyAndJSON(k, cal, d.vals, skipApply ? null : renorm(ps.map((p) => p.map((v, j) => interp(maps[j].X, maps[j].Y, v)))), 1e-12 + 4e-15 / minGap);
    });
  }));

// calibratorFromJSON on corrupted calibrators: one field replaced, removed or
// added; a named error (TypeError for a wrong type, RangeError for a bad value,
// naming json.<field>), or a calibrator equal to the one the fields describe.
const GOOD_JSON = [
  { kind: 'temperature', classes: 3, temperature: 1.5 },
  { kind: 'platt', classes: 1, a: 2, b: -1 },
  { kind: 'vector', classes: 2, scale: [1, 2], bias: [0, 0.5] },
  { kind: 'histogram', classes: 2, input: 'logits', bins: 2, values: [[0.25, 0.75], [0.5, 1]] },
  { kind: 'isotonic', classes: 1, input: 'probabilities', x: [[0.1, 0.9]], y: [[0, 1]] },
];
property('calibratorFromJSON: a corrupted field is a TypeError/RangeError naming json (or json.<field>); the intact fields restore the calibrator', 200, (k) => fc.property(
  fc.nat(GOOD_JSON.length - 1), fc.oneof(
    { weight: 2, arbitrary: fc.constant({ op: 'none' }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set'), field: fc.constantFrom('kind', 'classes', 'temperature', 'a', 'b', 'scale', 'bias', 'input', 'bins', 'values', 'x', 'y'), v: fc.constantFrom(null, 'x', 'toString', -1, 0, 2.5, NaN, Infinity, 2 ** 65, [], [[]], [1, NaN], [[0.5, 0.2]], {}, true) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete'), field: fc.constantFrom('kind', 'classes', 'temperature', 'a', 'scale', 'input', 'bins', 'values', 'x', 'y') }) },
    { weight: 1, arbitrary: fc.constantFrom('{', '[]', '"x"', 'null', '', '1').map((text) => ({ op: 'text', text })) },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, 1, [], true).map((v) => ({ op: 'junk', v })) },
  ), fc.boolean(),
  (which, mut, asString) => {
    const base = structuredClone(GOOD_JSON[which]);
    let arg;
    const faults = [];
    if (mut.op === 'text') { arg = mut.text; faults.push(['TypeError', 'json']); } else if (mut.op === 'junk') { arg = mut.v; faults.push(['TypeError', 'json']); } else {
      const j = structuredClone(base);
      if (mut.op === 'set') j[mut.field] = mut.v;
      if (mut.op === 'delete') delete j[mut.field];
      const used = { temperature: ['temperature'], platt: ['a', 'b'], vector: ['scale', 'bias'], histogram: ['input', 'bins', 'values'], isotonic: ['input', 'x', 'y'] }[base.kind];
      const touched = mut.op !== 'none' && (mut.field === 'kind' || mut.field === 'classes' || used.includes(mut.field));
      // a changed field that the kind uses: reject unless the value is still valid
      if (touched) {
        const v = j[mut.field];
        const stillValid = (mut.field === 'classes' && base.kind === 'temperature' && Number.isInteger(v) && v >= 1 && v <= 2 ** 28) ||
          (mut.field === 'temperature' && typeof v === 'number' && v > 0 && v <= 2 ** 64) ||
          (['a', 'b'].includes(mut.field) && typeof v === 'number' && Number.isFinite(v)) ||
          (mut.field === 'input' && ['logits', 'probabilities'].includes(v));
        if (!stillValid) faults.push(['TypeError', 'json'], ['RangeError', 'json']);
      }
      arg = asString ? JSON.stringify(j) : j;
      if (asString && mut.op === 'set' && typeof mut.v === 'number' && !Number.isFinite(mut.v) && touched) faults.push(['TypeError', 'json'], ['RangeError', 'json']);
    }
    outcome(k, faults, () => k.calibratorFromJSON(arg), (cal) => {
      const j = typeof arg === 'string' ? JSON.parse(arg) : arg;
      assert.equal(cal.kind, j.kind);
      const x = new Float32Array(j.classes * 2).map((v, i) => 0.25 * (i + 1) * (i % 2 ? -1 : 1) + (j.input === 'probabilities' ? 0.5 - 0.25 * (i + 1) * (i % 2 ? -1 : 1) + 0.1 : 0));
      const ref = k.calibratorFromJSON(GOOD_JSON[which] && Object.assign(structuredClone(base), j));
      assert.deepEqual(cal.apply(x), ref.apply(x));
    });
  }));

// ---------------------------------------------------------------------------
// compareContinuations

const choiceArb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).chain(([V, T]) => fc.record({
  V: fc.constant(V),
  x: data(value, V * T, V * T),
  tokens: fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: T, maxLength: T }).map((v) => ({ kind: 'array', v })) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(-1, V, 1.5), { minLength: 1, maxLength: T }).map((v) => ({ kind: 'array', v })) },
    { weight: 1, arbitrary: fc.constantFrom('f32', 'string', 'empty').map((kind) => ({ kind, v: [] })) },
  ),
  extra: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('logit', 'weight') }),
}));
property('compareContinuations: float64 sums, means, normalized sums and greedy flags; best = the first largest, or a named TypeError/RangeError', 200, (k) => fc.property(
  fc.oneof({ weight: 12, arbitrary: fc.array(choiceArb, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.constantFrom('none', 'empty', 'nulls').map((bad) => ({ bad })) }),
  options({
    temperature,
    lengths: option(fc.array(fc.constantFrom(1, 2, 7.5, 100), { minLength: 1, maxLength: 3 }), [[0], [-1], [NaN], [Infinity]], ['3', null, {}]),
  }),
  (choices, opts) => {
    const { arg: optArg, faults, o } = optionsOf(opts);
    let arg, models = [];
    if (choices.bad) {
      arg = { none: 'x', empty: [], nulls: [null] }[choices.bad];
      faults.push(choices.bad === 'empty' ? ['RangeError', 'choices'] : choices.bad === 'none' ? ['TypeError', 'choices'] : ['TypeError', 'choices[0]']);
    } else {
      arg = [];
      choices.forEach((c, i) => {
        const d = materialize(c.x, 'logits');
        const tk = { array: () => c.tokens.v.slice(), f32: () => Float32Array.from([0]), string: () => '0', empty: () => [] }[c.tokens.kind]();
        const choice = { logits: d.arg, tokens: tk };
        if (c.extra) choice[c.extra] = 1;
        arg.push(choice);
        const f = [];
        if (c.extra) f.push('RangeError');
        if (d.fault) f.push(d.fault[0]);
        // a disposed, foreign or detached logits argument may meet the shape check first
        if (['stale', 'disposed', 'foreign'].includes(c.x.kind)) f.push('RangeError');
        // V = logits.length / tokens.length (no options.cols here)
        const V = d.vals ? d.vals.length / c.tokens.v.length : c.V;
        if (['f32', 'string'].includes(c.tokens.kind)) f.push('TypeError');
        else if (c.tokens.kind === 'empty' || c.tokens.v.some((t) => !Number.isInteger(t) || t < 0)) f.push('RangeError');
        else if (d.vals) {
          if (!Number.isInteger(V) || V === 0 || c.tokens.v.some((t) => t >= V)) f.push('RangeError');
          else if (d.vals.some(Number.isNaN)) f.push('RangeError');
        }
        for (const type of f) faults.push([type, `choices[${i}]`]);
        models.push(f.length ? null : { vals: d.vals, tokens: c.tokens.v, V });
      });
    }
    if (Array.isArray(o.lengths) && Array.isArray(arg) && arg.length && o.lengths.length !== arg.length) faults.push(['RangeError', 'options.lengths']);
    if (Array.isArray(o.lengths) && o.lengths.length && opts.keys.lengths[1]) faults.push(['RangeError', 'options.lengths[0]']);
    // temperature errors surface through scoreTokens, relabelled with the choice
    if (opts.keys?.temperature?.[1]) faults.push([opts.keys.temperature[1], 'choices[0]']);
    const t = typeof o.temperature === 'number' && o.temperature >= 0 && o.temperature <= 2 ** 64 ? o.temperature : 1;
    outcome(k, faults, () => k.compareContinuations(arg, optArg), (r) => {
      assert.equal(r.scores.length, models.length);
      models.forEach((m, i) => {
        const s = r.scores[i];
        let sum = 0, greedy = true;
        for (let row = 0; row < m.tokens.length; row++) {
          const xs = m.vals.slice(row * m.V, (row + 1) * m.V);
          sum += logSoftmaxRef(xs, t).logp[m.tokens[row]];
          const tok = m.tokens[row];
          if (xs.some((v, j) => v > xs[tok] || (v === xs[tok] && j < tok))) greedy = false;
        }
        const T = m.tokens.length;
        assert.ok(s.sum === sum || Math.abs(s.sum - sum) <= T * 2 ** -23 + 2 ** -52 * T * Math.abs(sum), `choice ${i} sum ${s.sum}, float64 ${sum}`);
        assert.equal(s.count, T);
        assert.ok(Object.is(s.mean, s.sum / T) || s.mean === s.sum / T);
        const len = Array.isArray(o.lengths) ? o.lengths[i] : T;
        assert.ok(Object.is(s.normalized, s.sum / len) || s.normalized === s.sum / len, `normalized ${s.normalized} = sum / ${len}`);
        assert.equal(s.greedy, greedy, `choice ${i} greedy`);
      });
      const firstMax = (key) => r.scores.reduce((b, s, i) => (s[key] > r.scores[b][key] ? i : b), 0);
      assert.equal(r.best, firstMax('sum'));
      assert.equal(r.bestNormalized, firstMax('normalized'));
    });
  }));

// ---------------------------------------------------------------------------
// lk.buffer() and LogitBuffer: sequences of allocations, writes, wasm memory
// growth, disposal and use; a shadow copy of each live buffer is the model.

const bufCmd = fc.oneof(
  { weight: 4, arbitrary: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 64 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, NaN, 2 ** 28 + 1, Infinity) }, { weight: 1, arbitrary: fc.constantFrom('4', null, undefined) }).map((n) => ({ op: 'alloc', n })) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('write'), i: fc.nat(), at: fc.nat(), v: value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hold'), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'grow' }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('dispose', 'disposeSym'), i: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('softmax', 'asOut', 'foreignUse'), i: fc.nat() }) },
);
property('lk.buffer / LogitBuffer: length, view and contents follow a shadow copy across memory growth; disposed and foreign buffers are named TypeErrors', 100, (k) => fc.property(
  fc.array(bufCmd, { minLength: 1, maxLength: 12 }),
  (cmds) => {
    const bufs = []; // { b, shadow, held }
    try {
      for (const c of cmds) {
        const pick = () => (bufs.length ? bufs[c.i % bufs.length] : null);
        if (c.op === 'alloc') {
          const valid = Number.isInteger(c.n) && c.n >= 0 && c.n <= 2 ** 28;
          let b, err;
          try { b = k.buffer(c.n); } catch (e) { err = e; }
          if (!valid) {
            const Want = typeof c.n === 'number' ? RangeError : TypeError;
            assert.ok(err instanceof Want && err.message.includes('buffer(length)'), `buffer(${c.n}): ${err}`);
            continue;
          }
          assert.ok(!err, `buffer(${c.n}) threw ${err}`);
          assert.equal(b.length, c.n);
          assert.equal(b.view.length, c.n);
          assert.equal(b.disposed, false);
          b.view.fill(0);
          bufs.push({ b, shadow: new Float32Array(c.n), held: null });
        } else if (c.op === 'write') {
          const e = pick();
          if (!e || e.b.disposed || e.shadow.length === 0) continue;
          const at = c.at % e.shadow.length;
          e.b.view[at] = c.v;
          e.shadow[at] = c.v;
        } else if (c.op === 'hold') {
          const e = pick();
          if (e && !e.b.disposed) e.held = { view: e.b.view, heap: k._m.HEAPU8.buffer };
        } else if (c.op === 'grow') {
          const heap = k._m.HEAPU8.buffer.byteLength;
          const big = k.buffer(Math.min(heap / 4 + 1024, 2 ** 26));
          big.dispose();
        } else if (c.op === 'dispose' || c.op === 'disposeSym') {
          const e = pick();
          if (!e) continue;
          if (c.op === 'dispose') e.b.dispose(); else e.b[Symbol.dispose ?? Symbol.for('Symbol.dispose')]();
          e.b.dispose(); // twice is fine
          assert.equal(e.b.disposed, true);
          assert.throws(() => e.b.view, (err) => err instanceof TypeError && /disposed/.test(err.message), 'the view of a disposed buffer');
        } else {
          const e = pick();
          if (!e) continue;
          const use = c.op === 'softmax' ? () => k.softmax(e.b) : c.op === 'asOut' ? () => k.exp(Float32Array.from(e.shadow), { out: e.b }) : () => other.softmax(e.b);
          const name = c.op === 'asOut' ? 'options.out' : 'logits';
          if (e.b.disposed || c.op === 'foreignUse') {
            assert.throws(use, (err) => err instanceof TypeError && err.message.includes(name), `${c.op} of a ${e.b.disposed ? 'disposed' : 'foreign'} buffer`);
          } else if (c.op === 'softmax') {
            if (e.shadow.some(Number.isNaN)) { assert.throws(use, (err) => err instanceof RangeError && err.message.startsWith('logits[')); continue; }
            assert.deepEqual(use(), lk.softmax(e.shadow), 'softmax of the buffer = softmax of its shadow');
          } else {
            assert.equal(use(), e.b);
            e.shadow = lk.exp(e.shadow);
          }
        }
        // After every command: the live buffers hold their shadows; a held view is either live or detached.
        for (const e of bufs) {
          if (e.b.disposed) continue;
          assert.equal(e.b.length, e.shadow.length);
          assert.deepEqual(e.b.view, e.shadow, 'the buffer holds what was written');
          if (e.held) {
            const grew = e.held.heap !== k._m.HEAPU8.buffer;
            assert.equal(e.held.view.length, grew ? 0 : e.shadow.length, grew ? 'a view held across memory growth is detached' : 'a held view');
          }
        }
      }
    } finally {
      for (const e of bufs) e.b.dispose();
    }
    counts.results++;
  }));

// ---------------------------------------------------------------------------
// sampleRows: row r sampled by samplers[r] is what a twin sampler gives for that row alone

property('sampleRows: each row\'s result equals its twin sampler on that row alone, or a named TypeError/RangeError', 150, (k) => fc.property(
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 })).chain(([V, R]) => fc.record({
    V: fc.constant(V), R: fc.constant(R),
    x: data(value, V * R, V * R),
    o: fc.array(fc.record({ seed: fc.nat(), temperature: fc.constantFrom(0, 0.7, 1, 2), topK: fc.constantFrom(0, 2) }), { minLength: R, maxLength: R }),
    bad: fc.oneof({ weight: 10, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('count', 'disposed', 'foreign', 'notArray', 'notSampler') }),
    opts: options({ cols: option(fc.constantFrom(V, V, V + 1), [0, 1.5, NaN]) }),
  })),
  ({ V, R, x, o, bad, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o: oo } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const samplers = o.map((so) => k.sampler(so)), twins = o.map((so) => lk.sampler(so));
    let sArg = samplers;
    if (bad === 'count') sArg = samplers.concat([k.sampler({})]); // a misfit unless the length divides again
    if (bad === 'disposed' && R) { samplers[0].dispose(); faults.push(['TypeError', 'samplers[0]']); }
    if (bad === 'foreign' && R) { sArg = [other.sampler({}), ...samplers.slice(1)]; faults.push(['TypeError', 'samplers[0]']); }
    if (bad === 'notArray') { sArg = samplers[0] ?? null; faults.push(['TypeError', 'samplers']); }
    if (bad === 'notSampler' && R) { sArg = [{}, ...samplers.slice(1)]; faults.push(['TypeError', 'samplers[0]']); }
    const cols = oo.cols === undefined ? (d.vals && Array.isArray(sArg) ? d.vals.length / sArg.length : V) : oo.cols;
    if (d.vals && oo.cols === undefined && !Number.isInteger(cols)) faults.push(['RangeError', 'logits']);
    if (d.vals && Array.isArray(sArg) && Number.isInteger(cols) && cols >= 1 && (d.vals.length % cols || d.vals.length / cols !== sArg.length)) faults.push(['RangeError', 'logits'], ['RangeError', 'samplers']);
    if (d.vals && R) {
      const n = d.vals.findIndex(Number.isNaN);
      if (n >= 0) faults.push(['RangeError', `logits[${n}]`]);
      for (let r = 0; r < R; r++) if (d.vals.slice(r * V, (r + 1) * V).every((v) => v === -Infinity)) faults.push(['RangeError', 'no token left']);
    }
    try {
      outcome(k, faults, () => k.sampleRows(sArg, d.arg, optArg), (res) => {
        assert.equal(res.length, sArg.length);
        for (let r = 0; r < R && bad !== 'count'; r++) {
          const want = twins[r].sample(Float32Array.from(d.vals.slice(r * V, (r + 1) * V)));
          assert.deepEqual(res[r], want, `row ${r}`);
        }
      });
    } finally {
      for (const s of [...samplers, ...twins]) s.dispose();
      if (bad === 'count') sArg[sArg.length - 1].dispose();
      if (bad === 'foreign' && R) sArg[0].dispose();
    }
  }));

// ---------------------------------------------------------------------------
// speculativeVerify: shapes and ranges; with target = draft every draft token is accepted.

property('speculativeVerify: accepted in [0, k], the token a valid id, all accepted when target = draft, the same result for the same seed, or a named TypeError/RangeError', 150, (k) => fc.property(
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.nat(6)).chain(([V, K, skew]) => fc.record({
    V: fc.constant(V), K: fc.constant(K), same: fc.boolean(),
    target: fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: (K + 1) * V + (skew === 0 ? 1 : 0), maxLength: (K + 1) * V + (skew === 0 ? 1 : 0) }),
    draft: fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: K * V, maxLength: K * V }),
    tokens: fc.array(fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: V - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, V) }), { minLength: K, maxLength: K }),
    opts: options({ seed: option(fc.nat(), [-1, 1.5], [null, {}]), counter: option(fc.nat(100), [-1], [null]) }),
  })),
  ({ V, K, same, target, draft, tokens, opts }) => {
    const norm = (a, rows) => { for (let r = 0; r < rows; r++) { const s = a.slice(r * V, (r + 1) * V).reduce((x, y) => x + y, 0); for (let j = 0; j < V; j++) a[r * V + j] = s > 0 ? a[r * V + j] / s : 1 / V; } return a; };
    // rows normalised (all-zero rows uniform) at the vocabulary the call will see: target.length / (k + 1)
    const vocab = target.length / (K + 1);
    const shapeOk = Number.isInteger(vocab) && vocab > 0 && draft.length === K * vocab;
    if (shapeOk) V = vocab;
    const tgt = shapeOk ? norm(target.slice(), K + 1) : target.slice();
    const drf = same && shapeOk ? tgt.slice(0, K * V) : shapeOk ? norm(draft.slice(), K) : draft.slice();
    const { arg: optArg, faults } = optionsOf(opts);
    if (!shapeOk) faults.push(['RangeError', 'target'], ['RangeError', 'draft']);
    const bad = shapeOk ? tokens.findIndex((t) => t < 0 || t >= V) : -1;
    if (bad >= 0) faults.push(['RangeError', `draftTokens[${bad}]`]);
    const call = () => k.speculativeVerify(Float32Array.from(tgt), Float32Array.from(drf), Int32Array.from(tokens), optArg);
    outcome(k, faults, call, (r) => {
      assert.ok(Number.isInteger(r.accepted) && r.accepted >= 0 && r.accepted <= K, `accepted ${r.accepted}`);
      assert.ok(Number.isInteger(r.token) && r.token >= 0 && r.token < V, `token ${r.token}`);
      // p = q: every draft token passes the test u < min(1, p/q) = 1, then the token comes from target row k.
      // (a draft token of probability 0 has p = q = 0: u·0 < 0 fails, it is rejected)
      const T32 = Float32Array.from(tgt), D32 = Float32Array.from(drf);
      if (same && tokens.every((t, i) => D32[i * V + t] > 0)) assert.equal(r.accepted, K, 'target = draft accepts every draft token');
      // the emitted token has probability > 0 in the distribution it was drawn from:
      // max(0, p - q) at a rejection (p itself when that is all zero), p at row k
      const row = r.accepted;
      const p = (j) => T32[row * V + j], q = (j) => (row < K ? D32[row * V + j] : 0);
      const residualZero = row < K && Array.from({ length: V }, (_, j) => j).every((j) => !(p(j) > q(j)));
      assert.ok(row < K && !residualZero ? p(r.token) > q(r.token) : p(r.token) > 0, `token ${r.token} from row ${row}: p ${p(r.token)}, q ${q(r.token)}`);
      assert.deepEqual(call(), r, 'the same seed gives the same result');
    });
  }));

// ---------------------------------------------------------------------------
// load() options and simdSupported()

const baselineBytes = readFileSync(new URL('../../dist/logitkit-baseline.wasm', import.meta.url));
const simdBytes = readFileSync(new URL('../../dist/logitkit-simd.wasm', import.meta.url));
const distUrl = (file) => new URL(`../../dist/${file}`, import.meta.url);
property('load(options): simd true / false / auto with wasmUrl (function, string, URL) or wasmBinary gives that build, or a named TypeError/RangeError', 15, (loadFn) => fc.asyncProperty(
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, 'simd', 1, [], true).map((v) => ({ junk: v })) },
    { weight: 8, arbitrary: fc.record({
      simd: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(true, false, 'auto') }, { weight: 1, arbitrary: fc.constantFrom('yes', 1, null) }),
      wasmUrl: fc.constantFrom('fn', 'fnBad', 'string:simd', 'string:baseline', 'url:simd', 'url:baseline', 42),
      wasmBinary: fc.oneof(fc.constantFrom('simd', 'baseline', 'u8:simd', 'u8:baseline'), fc.constantFrom('junk', 'string', 'garbage')),
      unknown: fc.constantFrom('simdd', 'wasmURL', 'url'),
    }, { requiredKeys: [] }) },
  ),
  async (spec) => {
    const faults = [];
    let arg;
    if ('junk' in spec) {
      arg = spec.junk;
      if (arg !== undefined && arg !== null && (typeof arg !== 'object' || Array.isArray(arg))) faults.push(['TypeError', 'options']);
    } else {
      arg = {};
      if ('simd' in spec) arg.simd = spec.simd;
      const simdV = spec.simd ?? 'auto';
      const simdOk = simdV === true || simdV === false || simdV === 'auto';
      if ('simd' in spec && !simdOk) faults.push(['TypeError', 'options.simd']);
      let file;
      if ('wasmBinary' in spec) {
        const b = spec.wasmBinary;
        arg.wasmBinary = { simd: simdBytes.buffer.slice(simdBytes.byteOffset, simdBytes.byteOffset + simdBytes.length), baseline: baselineBytes.buffer.slice(baselineBytes.byteOffset, baselineBytes.byteOffset + baselineBytes.length), 'u8:simd': new Uint8Array(simdBytes), 'u8:baseline': new Uint8Array(baselineBytes), junk: {}, string: 'bytes', garbage: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 9]) }[b];
        if (b === 'junk' || b === 'string') faults.push(['TypeError', 'options.wasmBinary']);
        else if (b === 'garbage') faults.push(['RangeError', 'options.wasmBinary']);
        file = b.endsWith('simd') ? 'simd' : 'baseline';
      }
      if ('wasmUrl' in spec) {
        const u = spec.wasmUrl;
        arg.wasmUrl = u === 'fn' ? (f) => distUrl(f) : u === 'fnBad' ? () => 17 : typeof u === 'string' && u.startsWith('string:') ? distUrl(`logitkit-${u.slice(7)}.wasm`).pathname : typeof u === 'string' ? distUrl(`logitkit-${u.slice(4)}.wasm`) : u;
        if (!('wasmBinary' in spec)) {
          if (u === 'fnBad' || u === 42) faults.push(['TypeError', 'options.wasmUrl']);
          else if (u !== 'fn') file = u.split(':')[1];
        }
      }
      const exact = file !== undefined || ('wasmBinary' in spec) || (('wasmUrl' in spec) && spec.wasmUrl === 42);
      if (exact && simdV === 'auto' && simdOk) faults.push(['TypeError', 'options.simd']);
      if (simdOk && simdV !== 'auto' && file && (file === 'simd') !== simdV && !faults.length) faults.push(['RangeError', 'options.simd']);
      if (spec.unknown) { arg[spec.unknown] = 1; faults.push(['RangeError', `options.${spec.unknown}`]); }
    }
    const want = arg && typeof arg === 'object' && (arg.simd === true || arg.simd === false) ? arg.simd : simdSupported();
    let g, err;
    try { g = await loadFn(arg); } catch (e) { err = e; }
    if (faults.length) {
      assert.ok(err, `load(${fc.stringify(arg)}) resolved; expected ${faults.map(([t, n]) => `${t} naming ${n}`).join(' or ')}`);
      assert.ok(faults.some(([t, n]) => err.constructor.name === t && err.message.includes(n)), `load(${fc.stringify(arg)}) threw ${err.constructor.name}: ${err.message}; expected ${faults.map(([t, n]) => `${t} naming ${n}`).join(' or ')}`);
      counts.errors++;
      return;
    }
    assert.ok(!err, `load(${fc.stringify(arg)}) threw ${err?.constructor?.name}: ${err?.message}`);
    assert.equal(g.simd, want, 'lk.simd');
    assert.equal(g.backend, want ? 'wasm-simd128' : 'scalar', 'lk.backend names the build loaded');
    sane(g);
    counts.results++;
  }), { async: true });

// ---------------------------------------------------------------------------
// Runs. guard's property gets a function giving a fresh instance (each code
// is reported once per instance), load's gets the load function.

let totalRuns = 0;
const freshGuardInstance = () => load({ simd, wasmBinary: wasmBytes });
function makeOf(p, { k = lk, getK = freshGuardInstance, loadFn = load } = {}) {
  if (p.name.startsWith('guard')) return p.make(getK);
  if (p.name.startsWith('load(')) return p.make(loadFn);
  return p.make(k);
}
for (const p of properties) {
  test(`property: ${p.name}`, async () => {
    counts.results = counts.errors = 0;
    const details = await fc.check(makeOf(p), { numRuns: p.runs, seed: SEED });
    totalRuns += details.numRuns;
    console.log(`# ${p.name.split(':')[0]}: ${details.numRuns} runs (${counts.results} results, ${counts.errors} named errors)${details.failed ? ' FAILED' : ''}`);
    if (details.failed) assert.fail(`${fc.defaultReportMessage(details)}\n${details.errorInstance?.message}`);
  });
}

// ---------------------------------------------------------------------------
// Regression tests: the shrunk counterexamples of the failures these
// properties found in the library, each fixed.

function throwsNamed(fn, Type, name, rule) {
  assert.throws(fn, (e) => e.constructor === Type && e.message.includes(name) && (rule === undefined || e.message.includes(rule)),
    `${Type.name} naming ${name}`);
  sane(lk);
}
const M = F32_MAX;

test('regression: similarity of finite embeddings whose float32 sums overflow, or whose squared norms are subnormal, is their float64 value (was NaN, 0 or 2.7e-6 off)', () => {
  const f = (q, d, o) => Array.from(lk.similarity(new Float32Array(q), new Float32Array(d), { dim: q.length, ...o }));
  assert.deepEqual(f([M, -M], [M, M], { metric: 'dot' }), [0]); // inf - inf was NaN
  assert.deepEqual(f([1e20, 0], [1e20, 0]), [1]); // inf / inf was NaN
  assert.deepEqual(f([1, 0], [1e20, 0]), [1]); // dot / inf norm was 0
  assert.deepEqual(f([1e-20, 0], [1e15, 0]), [1]); // a subnormal squared norm was 1.0000027
  assert.deepEqual(f([M, M], [M, M], { metric: 'dot' }), [Infinity]); // beyond float32: +inf, as it should
  const r = lk.retrieve(new Float32Array([M, -M]), new Float32Array([M, M, 1, 0]), { dim: 2, metric: 'dot' });
  assert.deepEqual(Array.from(r.scores), [M, 0]); // was a RangeError naming similarities[0] (NaN)
});

test('regression: similarity into options.out that is the docs or query buffer is a RangeError (rows were written over documents still to be read)', () => {
  const q = lk.buffer(1), d = lk.buffer(1);
  q.view[0] = -9.586743577301208e-25;
  d.view[0] = -1.461704680821668e-21;
  throwsNamed(() => lk.similarity(q, d, { dim: 1, out: d }), RangeError, 'options.out');
  throwsNamed(() => lk.similarity(q, d, { dim: 1, out: q }), RangeError, 'options.out');
  const [v] = lk.similarity(q, d, { dim: 1 });
  assert.equal(v, Math.fround((q.view[0] * d.view[0]) / 1e-8)); // the torch eps rule: 1.4e-37
  q.dispose(); d.dispose();
});

test('regression: linear of finite inputs whose float32 sums overflow is the float64 value (was NaN); NaN stays where float64 has it', () => {
  assert.deepEqual(Array.from(lk.linear(new Float32Array([M, M]), new Float32Array([M, -M]), { inFeatures: 2 })), [0]);
  assert.deepEqual(Array.from(lk.linear(new Float32Array([M, M]), new Float32Array([M, M]), { inFeatures: 2 })), [Infinity]);
  assert.ok(Number.isNaN(lk.linear(new Float32Array([Infinity, 0]), new Float32Array([0, 1]), { inFeatures: 2 })[0]), 'inf·0 is NaN, as in torch');
});

test("regression: an inherited name is not a metric, input kind or reduction ('toString', '__proto__', 'constructor' were accepted); metric null or a number is a TypeError", () => {
  const q = new Float32Array([1, 0]), d = new Float32Array([1, 0, 0, 1]);
  for (const m of ['toString', '__proto__', 'constructor']) {
    throwsNamed(() => lk.similarity(q, d, { dim: 2, metric: m }), RangeError, 'options.metric');
    throwsNamed(() => lk.retrieve(q, d, { dim: 2, metric: m }), RangeError, 'options.metric');
  }
  for (const m of [null, 1, {}]) throwsNamed(() => lk.similarity(q, d, { dim: 2, metric: m }), TypeError, 'options.metric');
  for (const i of ['toString', 'constructor']) {
    throwsNamed(() => lk.calibrationMetrics(d, new Int32Array([0, 1]), { input: i }), RangeError, 'options.input');
    throwsNamed(() => lk.fitHistogramBinning(d, new Int32Array([0, 1]), { input: i }), RangeError, 'options.input');
  }
  throwsNamed(() => lk.crossEntropy(new Float32Array([0, 1]), new Int32Array([0]), { reduction: 'toString' }), RangeError, 'options.reduction');
  throwsNamed(() => lk.nllLoss(new Float32Array([0, 1]), new Int32Array([0]), { reduction: 'hasOwnProperty' }), RangeError, 'options.reduction');
});

test('regression: calibratorFromJSON refuses unparsable text (was a SyntaxError), a missing input, a decreasing or out-of-range table, and classes above 2^28', () => {
  throwsNamed(() => lk.calibratorFromJSON('{'), TypeError, 'json');
  throwsNamed(() => lk.calibratorFromJSON({ kind: 'isotonic', classes: 1, x: [[0.1, 0.9]], y: [[0, 1]] }), TypeError, 'json.input');
  throwsNamed(() => lk.calibratorFromJSON({ kind: 'isotonic', classes: 1, input: 'probabilities', x: [[0.1, 0.9]], y: [[0.5, 0.2]] }), RangeError, 'json.y[0]');
  throwsNamed(() => lk.calibratorFromJSON({ kind: 'isotonic', classes: 1, input: 'probabilities', x: [[0.1, 0.9]], y: [[0, 2]] }), RangeError, 'json.y[0]');
  throwsNamed(() => lk.calibratorFromJSON({ kind: 'histogram', classes: 1, input: 'logits', bins: 2, values: [[0.5, -1]] }), RangeError, 'json.values[0]');
  throwsNamed(() => lk.calibratorFromJSON({ kind: 'temperature', classes: 2 ** 65, temperature: 1 }), RangeError, 'json.classes');
});

test("regression: calibrationMetrics' temperature with input 'probabilities' is a RangeError (it was ignored)", () => {
  const p = new Float32Array([0.2, 0.8, 0.6, 0.4]), y = new Int32Array([1, 1]);
  throwsNamed(() => lk.calibrationMetrics(p, y, { input: 'probabilities', temperature: 2 }), RangeError, 'options.temperature');
  assert.equal(lk.calibrationMetrics(p, y, { input: 'probabilities' }).accuracy, 0.5);
});

test('regression: calibrationMetrics takes ŷ from the logits, as argmax does (distinct logits whose float64 probabilities round equal gave the lower class)', () => {
  assert.equal(lk.calibrationMetrics(new Float32Array([-5.551115784870273e-17, 0, -0]), new Int32Array([0])).accuracy, 0);
  assert.equal(lk.argmax(new Float32Array([-5.551115784870273e-17, 0, -0]))[0], 1);
  assert.equal(lk.calibrationMetrics(new Float32Array([0, 1e-30]), new Int32Array([1])).accuracy, 1);
});

test('regression: fitPlatt does not depend on the logits\' scale (on |z| ~ 1e-8 it stopped after 100 steps far from the optimum); classes null is a TypeError', () => {
  const z = new Float32Array([0, 0, 0, -8.792929939716032e-9, 0]), y = new Int32Array([0, 0, 0, 1, 0]);
  const small = lk.fitPlatt(z, y), big = lk.fitPlatt(z.map((v) => v * 2 ** 40), y);
  assert.equal(small.b, big.b);
  assert.equal(small.a, big.a * 2 ** 40);
  const n = 5, t = [1 / 6, 1 / 6, 1 / 6, 2 / 3, 1 / 6];
  const F = (a, b) => Array.from(z).reduce((s, v, i) => s + softplusRef(a * v + b) - t[i] * (a * v + b), 0) / n;
  for (const s of [0.999, 1.001]) assert.ok(F(small.a, small.b) <= F(small.a * s, small.b) + 1e-12, 'a minimum in a');
  throwsNamed(() => lk.fitPlatt(new Float32Array([0]), new Int32Array([0]), { classes: null }), TypeError, 'options.classes');
});

test('regression: diagnose with no finite logit gives mean and std NaN (they were 0)', () => {
  const s = lk.diagnose(new Float32Array([Infinity, -Infinity])).summary;
  assert.ok(Number.isNaN(s.mean) && Number.isNaN(s.std));
  assert.deepEqual([s.count, s.nonFinite, s.min, s.max], [0, 2, Infinity, -Infinity]);
});

test('regression: sampleRows names the element of logits (a NaN in row 2 was named by its column), a disposed sampler before any row is drawn, and a detached view', () => {
  const s = [lk.sampler({}), lk.sampler({}), lk.sampler({})];
  const x = new Float32Array(15).fill(NaN);
  x.set([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0]);
  throwsNamed(() => lk.sampleRows(s, x), RangeError, 'logits[11] (row 2, column 1)');
  const gone = lk.sampler({});
  gone.dispose();
  throwsNamed(() => lk.sampleRows([s[0], gone], new Float32Array([0, 1, 2, 3])), TypeError, 'samplers[1]');
  throwsNamed(() => lk.sampleRows(s, staleView()), TypeError, 'logits', 'detached');
  for (const t of s) t.dispose();
});
function staleView() {
  const b = lk.buffer(1);
  const v = b.view;
  const big = lk.buffer(lk._m.HEAPU8.buffer.byteLength / 4 + 1024);
  big.dispose(); b.dispose();
  assert.equal(v.length, 0);
  return v;
}

test('regression: speculativeVerify with an all-zero target row names target', () => {
  throwsNamed(() => lk.speculativeVerify(new Float32Array([0, 0]), new Float32Array(0), new Int32Array(0)), RangeError, 'target', 'no token left');
});

test('regression: load() refuses unknown options, an array, bytes of the other build than options.simd says, and bytes that are not wasm (they were ignored, or an Error)', async () => {
  const rejects = (o, Type, name) => assert.rejects(load(o), (e) => e.constructor === Type && e.message.includes(name), `${Type.name} naming ${name}`);
  await rejects({ simdd: true }, RangeError, 'options.simdd');
  await rejects([], TypeError, 'options');
  await rejects({ simd: false, wasmBinary: new Uint8Array(simdBytes) }, RangeError, 'options.simd');
  if (simdSupported()) await rejects({ simd: true, wasmBinary: new Uint8Array(baselineBytes) }, RangeError, 'options.simd');
  await rejects({ simd: false, wasmBinary: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 9]) }, RangeError, 'options.wasmBinary');
});

test('regression: sampler.reset(prompt) names its argument prompt (it said options.prompt); the constructor keeps options.prompt', () => {
  const s = lk.sampler({});
  throwsNamed(() => s.reset(['a']), TypeError, 'prompt[0]');
  assert.throws(() => s.reset([-1]), (e) => e instanceof RangeError && e.message.startsWith('prompt[0]'));
  assert.throws(() => s.reset('x'), (e) => e instanceof TypeError && e.message.startsWith('prompt must'));
  assert.throws(() => lk.sampler({ prompt: [-1] }), (e) => e instanceof RangeError && e.message.startsWith('options.prompt[0]'));
  s.dispose();
});

// ---------------------------------------------------------------------------
// Self-test: each property fails on a doctored library (one method replaced
// by a wrapper; for guard, on the fresh instances; for load, the function).

const firstRange = (call, ...a) => { try { return call(...a); } catch (e) { throw e instanceof TypeError ? new Error(e.message) : e; } };
const DOCTORINGS = [
  ['linear', 'one output times 1 + 2^-20', (call, ...a) => bump(call(...a), relBump)],
  ['nllLoss', 'options.ignoreIndex ignored', (call, ...a) => call(...withOption(a, 2, 'ignoreIndex', undefined))],
  ['similarity', 'options.scale ignored', (call, ...a) => call(...withOption(a, 2, 'scale', undefined))],
  ['retrieve', 'options.temperature ignored', (call, ...a) => call(...withOption(a, 2, 'temperature', undefined))],
  ['diagnose', 'options.tornMargin ignored', (call, ...a) => call(...withOption(a, 1, 'tornMargin', undefined))],
  ['guard', 'guard(...) ignored: no warning ever', null],
  ['calibrationMetrics', 'ECE times 1.01', (call, ...a) => { const r = call(...a); r.ece *= 1.01; return r; }],
  ['fitPlatt', 'a times 1.001', (call, ...a) => { const c = call(...a); c.a *= 1.001; return c; }],
  ['fitVectorScaling', 'options.l2 ignored', (call, ...a) => call(...withOption(a, 2, 'l2', undefined))],
  ['fitHistogramBinning', 'options.bins ignored', (call, ...a) => call(...withOption(a, 2, 'bins', undefined))],
  ['fitIsotonic', 'options.input ignored', (call, ...a) => call(...withOption(a, 2, 'input', undefined))],
  ['calibratorFromJSON', 'a TypeError becomes an Error', firstRange],
  ['compareContinuations', 'options.lengths ignored', (call, ...a) => call(...withOption(a, 1, 'lengths', undefined))],
  ['buffer', 'buffer(n) holds n + 1 elements', (call, n) => call(typeof n === 'number' && n >= 0 ? n + 1 : n)],
  ['sampleRows', 'rows sampled by the samplers in reverse order', (call, s, ...a) => call(Array.isArray(s) ? s.slice().reverse() : s, ...a)],
  ['speculativeVerify', 'the last accepted draft token rejected', (call, ...a) => { const r = call(...a); if (r.accepted > 0) r.accepted -= 1; return r; }],
  ['load', 'unknown options dropped', null],
];
const propertyOf = (method) => properties.find((q) => q.name.startsWith(`${method}:`) || q.name.startsWith(`${method} `) || q.name.startsWith(`${method}(`) ||
  (method === 'buffer' && q.name.startsWith('lk.buffer')));
for (const [method, what, wrap] of DOCTORINGS) {
  test(`self-test: ${method}'s property fails on a doctored build (${what})`, async () => {
    const p = propertyOf(method);
    assert.ok(p, `a property for ${method}`);
    let prop;
    if (method === 'guard') {
      // guard() returns the (doctored) instance without turning anything on
      prop = makeOf(p, { getK: async () => { const g = await freshGuardInstance(); const px = new Proxy(g, { get: (t, key) => (key === 'guard' ? () => px : typeof t[key] === 'function' ? t[key].bind(t) : t[key]) }); return px; } });
    } else if (method === 'load') {
      prop = makeOf(p, { loadFn: (o) => load(o && typeof o === 'object' && !Array.isArray(o) ? Object.fromEntries(Object.entries(o).filter(([key]) => ['simd', 'wasmUrl', 'wasmBinary'].includes(key))) : o) });
    } else prop = makeOf(p, { k: doctored(method, wrap) });
    const details = await fc.check(prop, { numRuns: p.runs, seed: SEED });
    for (const b of made.splice(0)) b.dispose();
    assert.equal(details.failed, true, `no counterexample in ${details.numRuns} runs`);
    console.log(`# doctored ${method} (${what}): caught after ${details.numRuns} runs`);
  });
}

test('property totals', () => {
  console.log(`# ${properties.length} properties, ${totalRuns} runs (seed ${SEED}, ${simd ? 'SIMD' : 'baseline'} build)`);
});
