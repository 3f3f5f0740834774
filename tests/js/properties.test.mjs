// Property-based tests (fast-check) of the main entry's stateless functions:
// every call on arbitrary input either returns a result that meets its
// documented contract, checked against a float64 model written here, or
// throws a TypeError / RangeError whose message names an argument the input
// got wrong; never another error, a NaN the model does not have, or a result
// for input that should have been refused. After every thrown error the
// instance must still compute a small softmax right. The sampler has its own
// file (properties-sampler.test.mjs).
//
// Inputs: Float32Arrays, LogitBuffers (own; made before wasm memory grew;
// disposed; of another instance), a view taken before memory grew (detached:
// an empty Float32Array), plain arrays and other typed arrays; values mixing
// well-scaled floats, NaN, ±inf, −0, subnormals, ±FLT_MAX and ±1e30; empty
// and length-1 rows. Options: valid, boundary, out-of-range and wrong-type
// values, unknown keys, non-object options.
//
// Seeded (LK_FC_SEED, default below) and bounded (runs per property printed;
// LK_FC_RUNS scales them). The last block runs properties against doctored
// instances (a Proxy that perturbs one result, ignores an option, throws the
// wrong error type, or returns NaN) and asserts fast-check catches each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  SEED, SCALE, lk, TINY, expectNear, greedy, logSoftmaxRef, entropyRef, softplusRef, value, moderate, prob,
  kind, data, goodData, pairOf, grownPool, staleViews, made, materialize, option, options, optionsOf,
  temperature, cols, outOption, outOf, lossOut, sanityIn, sane, counts, outcome, nanFault, shapeOf, doctored, bump,
  relBump, withOption, simd,
} from './properties-common.mjs';

// ---------------------------------------------------------------------------
// Properties. Each is a function of the instance, so the self-test can run it
// against a doctored one. RUNS: runs per property (scaled by LK_FC_RUNS).

const properties = [];
function property(name, runs, make) {
  properties.push({ name, runs: Math.max(1, Math.round(20 * runs * SCALE)), make });
}

/**
 * A row-major input and options over spec: in two of three, rows × c values
 * with options.cols (when present) c; otherwise any length and any cols.
 */
const shaped = (spec, values = value) => fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 }), fc.nat(2)).chain(([c, r, any]) => fc.record({
  x: any === 0 ? data(values) : data(values, r * c, r * c),
  opts: options({ ...spec, ...(spec.cols ? { cols: any === 0 ? cols : option(fc.constant(c), [0, -1, 1.5, NaN, Infinity]) } : {}) }),
}));

// softmax / logSoftmax / logsumexp / entropy
const rowArgs = shaped({ cols, temperature, out: outOption });

function rowCall(k, op, { x, opts }) {
  const d = materialize(x, 'logits');
  const { arg: optArg, faults, o } = optionsOf(opts);
  if (d.fault) faults.push(d.fault);
  let shape = { rows: 1, cols: 0, faults: [] };
  if (d.vals) {
    shape = shapeOf(d.vals.length, o);
    faults.push(...shape.faults, ...nanFault(d.vals, 'logits'));
  }
  const t = typeof o.temperature === 'number' && !(o.temperature < 0) && Number.isFinite(o.temperature) ? o.temperature : 1;
  if (op === 'logsumexp' && greedy(t) && !faults.some(([, n]) => n === 'options.temperature')) faults.push(['RangeError', 'options.temperature']);
  const perRow = op === 'logsumexp' || op === 'entropy';
  let out;
  if (o.out !== undefined && optArg && typeof optArg === 'object') {
    const [desc] = opts.keys.out;
    const len = d.vals && !shape.faults.length ? (perRow ? shape.rows : d.vals.length) : 0;
    out = outOf(desc, len, Float32Array, !perRow, d);
    optArg.out = out.arg;
    faults.push(...out.faults);
  }
  const vals = d.vals;
  outcome(k, faults, () => k[op](d.arg, optArg), (r) => {
    const len = perRow ? shape.rows : vals.length;
    assert.ok(r instanceof (out?.arg?.constructor ?? Float32Array), `${op} returns ${r?.constructor?.name}`);
    if (out) assert.equal(r, out.arg, `${op} returns options.out`);
    const got = r.view ?? r;
    assert.equal(got.length, len, `${op} length`);
    for (let row = 0; row < shape.rows; row++) {
      const x = vals.slice(row * shape.cols, (row + 1) * shape.cols);
      const ref = logSoftmaxRef(x, t);
      const at = (i) => `${op} row ${row} [${x.join(', ')}] T=${t}: element ${i}`;
      if (op === 'softmax') {
        for (let i = 0; i < x.length; i++) {
          const p = Math.exp(ref.logp[i]);
          expectNear(at(i), got[row * shape.cols + i], p, p < 2 ** -126 ? { abs: 2 * TINY } : { rel: 2.5 * 2 ** -23, ulps: 0.5 });
        }
      } else if (op === 'logSoftmax') {
        for (let i = 0; i < x.length; i++) {
          const g = got[row * shape.cols + i];
          assert.ok(g <= 0, `${at(i)}: log-softmax ${g} > 0`);
          expectNear(at(i), g, ref.logp[i], { ulps: 0.5, abs: 2 ** -23 });
        }
      } else if (op === 'logsumexp') {
        expectNear(at('lse'), got[row], x.length === 0 ? -Infinity : ref.lse, { ulps: 0.5, abs: 2 ** -23 });
      } else {
        const h = entropyRef(ref.logp);
        expectNear(at('H'), got[row], h, { ulps: 2, abs: 4e-7 });
      }
    }
  });
}
for (const [op, runs] of [['softmax', 400], ['logSoftmax', 300], ['logsumexp', 300], ['entropy', 300]]) {
  property(`${op}: float64 model within its bound, or a named TypeError/RangeError`, runs, (k) => fc.property(rowArgs, (a) => rowCall(k, op, a)));
}

property('argmax: first index of the maximum, or a named TypeError/RangeError', 300, (k) => fc.property(
  shaped({ cols, out: outOption }),
  ({ x, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    let shape = { rows: 1, cols: 0, faults: [] };
    if (d.vals) {
      shape = shapeOf(d.vals.length, o);
      faults.push(...shape.faults, ...nanFault(d.vals, 'logits'));
      if (!shape.faults.length && shape.rows > 0 && shape.cols === 0) faults.push(['RangeError', 'logits']);
    }
    let out;
    if (o.out !== undefined && optArg && typeof optArg === 'object') {
      out = outOf(opts.keys.out[0], d.vals && !shape.faults.length ? shape.rows : 0, Int32Array, false, d);
      optArg.out = out.arg;
      faults.push(...out.faults);
    }
    outcome(k, faults, () => k.argmax(d.arg, optArg), (r) => {
      assert.ok(r instanceof Int32Array);
      if (out) assert.equal(r, out.arg);
      assert.equal(r.length, shape.rows);
      for (let row = 0; row < shape.rows; row++) {
        const xs = d.vals.slice(row * shape.cols, (row + 1) * shape.cols);
        let best = 0;
        for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
        assert.equal(r[row], best, `argmax of [${xs.join(', ')}]`);
      }
    });
  }));

// Element-wise: sigmoid, exp, log, softplus, logSigmoid, log1mSigmoid, logit.
const ELEMENTWISE = {
  sigmoid: { name: 'logits', ref: (x) => 1 / (1 + Math.exp(-x)), tol: { ulps: 3 }, nan: 'error' },
  exp: { name: 'x', ref: Math.exp, tol: { ulps: 1 }, nan: 'propagate' },
  log: { name: 'x', ref: Math.log, tol: { ulps: 1 }, nan: 'propagate' },
  softplus: { name: 'logits', ref: softplusRef, tol: { ulps: 1 }, nan: 'error' },
  logSigmoid: { name: 'logits', ref: (x) => -softplusRef(-x), tol: { ulps: 1 }, nan: 'error' },
  log1mSigmoid: { name: 'logits', ref: (x) => -softplusRef(x), tol: { ulps: 1 }, nan: 'error' },
};
for (const [op, spec] of Object.entries(ELEMENTWISE)) {
  property(`${op}: float64 model within ${spec.tol.ulps} ULP, or a named TypeError/RangeError`, 200, (k) => fc.property(
    fc.record({ x: data(), opts: options({ out: outOption }) }),
    ({ x, opts }) => {
      const d = materialize(x, spec.name);
      const { arg: optArg, faults, o } = optionsOf(opts);
      if (d.fault) faults.push(d.fault);
      if (d.vals && spec.nan === 'error') faults.push(...nanFault(d.vals, spec.name));
      let out;
      if (o.out !== undefined && optArg && typeof optArg === 'object') {
        out = outOf(opts.keys.out[0], d.vals ? d.vals.length : 0, Float32Array, true, d);
        optArg.out = out.arg;
        faults.push(...out.faults);
      }
      const vals = d.vals;
      outcome(k, faults, () => k[op](d.arg, optArg), (r) => {
        if (out) assert.equal(r, out.arg);
        const got = r.view ?? r;
        assert.equal(got.length, vals.length);
        // exp and log are the float32 kernels: NaN where float64 gives NaN (a NaN input, log of a negative).
        for (let i = 0; i < vals.length; i++) {
          const ref = spec.ref(vals[i]);
          if (Number.isNaN(ref) && spec.nan === 'propagate') assert.ok(Number.isNaN(got[i]), `${op}(${vals[i]}) = ${got[i]}, not NaN`);
          else expectNear(`${op}(${vals[i]})`, got[i], ref, spec.tol);
        }
      });
    }));
}

property('logit: torch.logit in float64 within 1 ULP, or a named TypeError/RangeError', 300, (k) => fc.property(
  fc.record({
    x: data(prob),
    opts: options({
      eps: option(fc.constantFrom(0, 0.5, 0.25, 2 ** -10, 1e-6, 0.1, undefined), [-0.1, 0.6, NaN, Infinity], ['0.1', true, {}]),
      out: outOption,
    }),
  }),
  ({ x, opts }) => {
    const d = materialize(x, 'p');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    if (d.vals) {
      const i = d.vals.findIndex((v) => !(v >= 0 && v <= 1));
      if (i >= 0) faults.push(['RangeError', `p[${i}]`]);
    }
    let out;
    if (o.out !== undefined && optArg && typeof optArg === 'object') {
      out = outOf(opts.keys.out[0], d.vals ? d.vals.length : 0, Float32Array, true, d);
      optArg.out = out.arg;
      faults.push(...out.faults);
    }
    const eps = typeof o.eps === 'number' ? o.eps : undefined;
    const vals = d.vals;
    outcome(k, faults, () => k.logit(d.arg, optArg), (r) => {
      const got = r.view ?? r;
      for (let i = 0; i < vals.length; i++) {
        let p = vals[i];
        // torch.logit clamps in the tensor's float32: to [float(eps), float(1 - eps)].
        if (eps !== undefined) p = Math.min(Math.max(p, Math.fround(eps)), Math.fround(1 - eps));
        expectNear(`logit(${vals[i]}, eps ${eps})`, got[i], Math.log(p / (1 - p)), { ulps: 1 });
      }
    });
  }));

// Losses. A float64 model of each PyTorch formula under the documented limits
// (0·inf terms are 0; -inf logits are masks, +inf share the mass).
const reduction = (batchmean) => option(fc.constantFrom('mean', 'sum', 'none', ...(batchmean ? ['batchmean'] : [])), ['avg', 'Mean', ...(batchmean ? [] : ['batchmean'])], [1, null, true]);
const weights = fc.oneof({ weight: 6, arbitrary: fc.float({ min: 0, max: 4, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, NaN, Infinity) });
const floatsOption = (vals, maxLength = 6) => option(goodData(vals, maxLength, 0), [], ['1', null, []]);

/** A Floats option (weight, posWeight): its argument, values and faults. */
function floatsOpt(o, optArg, key) {
  if (!optArg || typeof optArg !== 'object' || o[key] === undefined || typeof o[key] !== 'object' || o[key] === null || !('kind' in o[key])) return { vals: undefined, faults: [] };
  const d = materialize(o[key], `options.${key}`);
  optArg[key] = d.arg;
  return { vals: d.vals, faults: d.fault ? [d.fault] : [] };
}

/** Reduces per-sample float64 losses; tolerance per sample in tol. */
function checkLoss(what, r, per, tol, red, divisor) {
  if (red === 'none') {
    assert.ok(r instanceof Float32Array, `${what}: 'none' gives a Float32Array`);
    assert.equal(r.length, per.length);
    for (let i = 0; i < per.length; i++) expectNear(`${what}[${i}]`, r[i], per[i], { abs: tol[i], ulps: 0.5 });
    return;
  }
  assert.equal(typeof r, 'number');
  let sum = 0, t = 0;
  for (let i = 0; i < per.length; i++) { sum += per[i]; t += tol[i]; }
  const ref = red === 'sum' ? sum : sum / divisor;
  const bound = (red === 'sum' ? t : t / divisor) + 1e-15 * Math.abs(ref);
  if (Number.isNaN(ref)) assert.ok(Number.isNaN(r), `${what}: ${r}, the model's 0/0 is NaN`);
  else if (!(r === ref || Math.abs(r - ref) <= bound)) assert.fail(`${what}: got ${r}, float64 model ${ref} (bound ${bound})`);
}

const labelsArb = fc.array(fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(-100, -1, 5, 7) }), { maxLength: 6 });
property('crossEntropy: PyTorch in float64 within 2^-23 per log-probability, or a named TypeError/RangeError', 400, (k) => fc.property(
  fc.record({
    xt: fc.oneof(
      { weight: 3, arbitrary: fc.record({ x: data(value, 18), target: labelsArb.map((v) => ({ kind: 'labels', values: v })) }) },
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }).chain((c) => fc.record({ x: data(value, 4 * c, 0).map((d) => ({ ...d, values: d.values.slice(0, d.values.length - (d.values.length % c)) })), target: labelsArb.map((v) => ({ kind: 'labels', values: v.slice(0, 4) })) }).map((r) => ({ x: r.x, target: { kind: 'labels', values: r.target.values.slice(0, r.x.values.length / c) } }))) },
      { weight: 2, arbitrary: pairOf(value, prob, 18) },
    ),
    opts: options({
      classes: option(fc.integer({ min: 1, max: 6 }), [0, -1, 2.5, NaN]),
      weight: floatsOption(weights),
      ignoreIndex: option(fc.constantFrom(-100, -1, 0, 2), [1.5, NaN, 2 ** 31], ['1', null]),
      labelSmoothing: option(fc.constantFrom(0, 0.1, 0.5, 1), [-0.1, 1.5, NaN], ['0.1', null]),
      reduction: reduction(false),
      out: outOption,
    }),
  }),
  ({ xt: { x, target }, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const w = floatsOpt(o, optArg, 'weight');
    faults.push(...w.faults);
    // An Int32Array target is class indices, whatever values it was made from.
    const labels = target.kind === 'labels' || target.kind === 'i32';
    const ints = labels ? Int32Array.from(target.values.map((v) => (Number.isFinite(v) ? v : 0))) : null;
    const td = labels ? { arg: ints, vals: Array.from(ints) } : materialize(target, 'target');
    if (td.fault) faults.push(td.fault);
    const red = typeof o.reduction === 'string' && ['mean', 'sum', 'none'].includes(o.reduction) ? o.reduction : 'mean';
    const eps = typeof o.labelSmoothing === 'number' && o.labelSmoothing >= 0 && o.labelSmoothing <= 1 ? o.labelSmoothing : 0;
    const ignore = Number.isInteger(o.ignoreIndex) && Math.abs(o.ignoreIndex) < 2 ** 31 ? o.ignoreIndex : -100;
    const classesOk = o.classes === undefined || (Number.isInteger(o.classes) && o.classes >= 1);
    let n = 0, c = 0, shapeOk = false;
    if (d.vals && td.vals && classesOk) {
      if (labels) {
        n = td.vals.length;
        c = n === 0 ? (o.classes ?? 1) : d.vals.length / n;
        shapeOk = Number.isInteger(c) && c >= 1 && (o.classes === undefined || o.classes === c) && d.vals.length === n * c;
        if (!shapeOk) faults.push(['RangeError', 'logits']);
      } else {
        c = o.classes ?? d.vals.length;
        shapeOk = c >= 1 && d.vals.length % c === 0;
        n = shapeOk ? d.vals.length / c : 0;
        if (!shapeOk) faults.push(['RangeError', 'logits']);
        if (td.vals.length !== d.vals.length) { faults.push(['RangeError', 'target']); shapeOk = false; }
      }
    }
    if (!labels && o.ignoreIndex !== undefined) faults.push(['RangeError', 'options.ignoreIndex']);
    if (d.vals) faults.push(...nanFault(d.vals, 'logits'));
    if (shapeOk && w.vals) {
      if (w.vals.length !== c) faults.push(['RangeError', 'options.weight']);
      else { const i = w.vals.findIndex((v) => !(v >= 0 && v < Infinity)); if (i >= 0) faults.push(['RangeError', `options.weight[${i}]`]); }
    }
    if (shapeOk && td.vals) {
      if (labels) { const i = td.vals.findIndex((t) => t !== ignore && !(t >= 0 && t < c)); if (i >= 0) faults.push(['RangeError', `target[${i}]`]); }
      else { const i = td.vals.findIndex((t) => !(t >= 0 && t <= 1)); if (i >= 0) faults.push(['RangeError', `target[${i}]`]); }
    }
    const out = lossOut(o, optArg, opts, red, n, d, faults);
    outcome(k, faults, () => k.crossEntropy(d.arg, td.arg, optArg), (r) => {
      const wt = (j) => (w.vals ? w.vals[j] : 1);
      const per = [], tol = [];
      let divisor = labels ? 0 : n;
      for (let i = 0; i < n; i++) {
        const logp = logSoftmaxRef(d.vals.slice(i * c, (i + 1) * c), 1).logp;
        const term = (a, lp) => (a === 0 ? 0 : -a * lp);
        if (labels) {
          const y = td.vals[i];
          if (y === ignore) { per.push(0); tol.push(0); continue; }
          divisor += wt(y);
          let loss = (1 - eps) * term(wt(y), logp[y]), t = (1 - eps) * wt(y);
          if (eps > 0) for (let j = 0; j < c; j++) { loss += (eps / c) * term(wt(j), logp[j]); t += (eps / c) * wt(j); }
          per.push(loss); tol.push(t * 2 ** -23);
        } else {
          let loss = 0, t = 0;
          for (let j = 0; j < c; j++) {
            const a = wt(j) * (td.vals[i * c + j] * (1 - eps) + eps / c);
            loss += term(a, logp[j]); t += a;
          }
          per.push(loss); tol.push(t * 2 ** -23);
        }
      }
      if (out) assert.equal(r, out.arg);
      checkLoss('crossEntropy', r, per, tol, red, divisor);
    });
  }));

property('bceWithLogits: (1-y)·softplus(x) + pw·y·softplus(-x) in float64, or a named TypeError/RangeError', 300, (k) => fc.property(
  fc.record({
    xt: pairOf(value, prob, 12),
    opts: options({
      classes: option(fc.integer({ min: 1, max: 4 }), [0, -1, 2.5, NaN]),
      weight: floatsOption(weights, 12),
      posWeight: floatsOption(weights, 4),
      reduction: reduction(false),
      out: outOption,
    }),
  }),
  ({ xt: { x, target }, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const w = floatsOpt(o, optArg, 'weight');
    const pw = floatsOpt(o, optArg, 'posWeight');
    faults.push(...w.faults, ...pw.faults);
    const td = materialize(target, 'target');
    if (td.fault) faults.push(td.fault);
    const red = typeof o.reduction === 'string' && ['mean', 'sum', 'none'].includes(o.reduction) ? o.reduction : 'mean';
    const classesOk = o.classes === undefined || (Number.isInteger(o.classes) && o.classes >= 1);
    const len = d.vals?.length ?? 0;
    const c = o.classes ?? (pw.vals ? pw.vals.length : 1);
    let ok = false;
    if (d.vals && classesOk) {
      ok = c >= 1 && len % c === 0;
      if (!ok) faults.push(['RangeError', 'logits']);
    }
    if (ok && td.vals && td.vals.length !== len) { faults.push(['RangeError', 'target']); ok = false; }
    if (d.vals) faults.push(...nanFault(d.vals, 'logits'));
    const badW = (vals, name) => { const i = vals.findIndex((v) => !(v >= 0 && v < Infinity)); if (i >= 0) faults.push(['RangeError', `${name}[${i}]`]); };
    if (ok && w.vals) { if (w.vals.length !== c && w.vals.length !== len) faults.push(['RangeError', 'options.weight']); else badW(w.vals, 'options.weight'); }
    if (ok && pw.vals) { if (pw.vals.length !== c) faults.push(['RangeError', 'options.posWeight']); else badW(pw.vals, 'options.posWeight'); }
    if (ok && td.vals) { const i = td.vals.findIndex((t) => !(t >= 0 && t <= 1)); if (i >= 0) faults.push(['RangeError', `target[${i}]`]); }
    const out = lossOut(o, optArg, opts, red, len, d, faults);
    outcome(k, faults, () => k.bceWithLogits(d.arg, td.arg, optArg), (r) => {
      const per = [], tol = [];
      for (let i = 0; i < len; i++) {
        const xv = d.vals[i], y = td.vals[i];
        const wi = w.vals ? (w.vals.length === len ? w.vals[i] : w.vals[i % c]) : 1;
        const p = pw.vals ? pw.vals[i % c] : 1;
        const a = (1 - y) === 0 ? 0 : (1 - y) * softplusRef(xv);
        const b = p * y === 0 ? 0 : p * y * softplusRef(-xv);
        per.push(wi === 0 ? 0 : wi * (a + b));
        // docs/losses.md: within 2^-50 of the magnitudes of PyTorch's terms (1 - y)·x and (1 + (pw - 1)·y)·softplus(-x)
        const t1 = (1 - y) === 0 ? 0 : Math.abs((1 - y) * xv), t2 = (1 + Math.abs(p - 1) * y) * softplusRef(-xv);
        tol.push(2 ** -49 * wi * (t1 + t2 + Math.abs(a) + Math.abs(b)) + 1e-300);
      }
      if (out) assert.equal(r, out.arg);
      checkLoss('bceWithLogits', r, per, tol, red, len);
    });
  }));

property('klDiv: target·(log target - input) in float64, or a named TypeError/RangeError', 300, (k) => fc.property(
  fc.record({
    xt: fc.boolean().chain((lt) => pairOf(value, lt ? value : prob, 12)),
    opts: options({
      classes: option(fc.integer({ min: 1, max: 4 }), [0, -1, 2.5, NaN]),
      logTarget: option(fc.boolean(), [], [0, 'true', null]),
      reduction: reduction(true),
      out: outOption,
    }),
  }),
  ({ xt: { x, target }, opts }) => {
    const d = materialize(x, 'input');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const td = materialize(target, 'target');
    if (td.fault) faults.push(td.fault);
    const lt = o.logTarget === true;
    const red = typeof o.reduction === 'string' && ['mean', 'sum', 'none', 'batchmean'].includes(o.reduction) ? o.reduction : 'mean';
    const classesOk = o.classes === undefined || (Number.isInteger(o.classes) && o.classes >= 1);
    const len = d.vals?.length ?? 0;
    const c = o.classes ?? (len || 1);
    let ok = false;
    if (d.vals && classesOk) { ok = len % c === 0; if (!ok) faults.push(['RangeError', 'input']); }
    if (ok && td.vals && td.vals.length !== len) { faults.push(['RangeError', 'target']); ok = false; }
    if (d.vals) faults.push(...nanFault(d.vals, 'input'));
    if (ok && td.vals) {
      const i = td.vals.findIndex((t) => (lt ? Number.isNaN(t) || t === Infinity : !(t >= 0 && t <= 1)));
      if (i >= 0) faults.push(['RangeError', `target[${i}]`]);
    }
    const out = lossOut(o, optArg, opts, red, len, d, faults);
    outcome(k, faults, () => k.klDiv(d.arg, td.arg, optArg), (r) => {
      const per = [], tol = [];
      for (let i = 0; i < len; i++) {
        const xi = d.vals[i], t = td.vals[i];
        const p = lt ? Math.exp(t) : t;
        const lg = lt ? t : Math.log(t);
        const e = p === 0 ? 0 : p * (lg - xi);
        per.push(e);
        tol.push(2 ** -49 * (Math.abs(p * lg) + Math.abs(p * xi)) + 1e-300);
      }
      if (out) assert.equal(r, out.arg);
      checkLoss('klDiv', r, per, tol, red, red === 'batchmean' ? len / c : len);
    });
  }));

// Classification and scoring: the float64 softmax model again, plus the
// stable-sort order the docs define (descending logit, ties to the lower index).
function rowsOf(d, o, faults, { emptyRow = true } = {}) {
  if (!d.vals) return null;
  const shape = shapeOf(d.vals.length, o);
  faults.push(...shape.faults, ...nanFault(d.vals, 'logits'));
  if (shape.faults.length) return null;
  if (emptyRow && shape.rows > 0 && shape.cols === 0) faults.push(['RangeError', 'logits']);
  return shape;
}
const tempOf = (o) => (typeof o.temperature === 'number' && o.temperature >= 0 && Number.isFinite(o.temperature) ? o.temperature : 1);
const order = (x) => x.map((v, i) => i).sort((a, b) => (x[b] > x[a] ? 1 : x[b] < x[a] ? -1 : a - b));
const probTol = (p) => (p < 2 ** -126 ? { abs: 2 * TINY } : { rel: 2 ** -23, ulps: 0.5 });

property('topClasses: the first k of a stable descending sort, float64 probabilities, or a named TypeError/RangeError', 300, (k) => fc.property(
  shaped({ cols, temperature, k: option(fc.integer({ min: 1, max: 6 }), [0, -1, 1.5, NaN, 40]) }),
  ({ x, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const shape = rowsOf(d, o, faults);
    const t = tempOf(o);
    let kk = 0;
    if (shape) {
      kk = o.k === undefined ? Math.min(5, shape.cols) : o.k;
      if (typeof o.k === 'number' && Number.isInteger(o.k) && o.k >= 1 && o.k > shape.cols) faults.push(['RangeError', 'options.k']);
    }
    outcome(k, faults, () => k.topClasses(d.arg, optArg), (r) => {
      assert.equal(r.rows, shape.rows);
      assert.equal(r.k, kk);
      assert.equal(r.indices.length, shape.rows * kk);
      for (let row = 0; row < shape.rows; row++) {
        const xs = d.vals.slice(row * shape.cols, (row + 1) * shape.cols);
        const want = order(xs).slice(0, kk);
        const logp = logSoftmaxRef(xs, t).logp;
        for (let j = 0; j < kk; j++) {
          assert.equal(r.indices[row * kk + j], want[j], `topClasses order of [${xs.join(', ')}]`);
          assert.ok(Object.is(r.logits[row * kk + j], xs[want[j]]) || r.logits[row * kk + j] === xs[want[j]]);
          const p = Math.exp(logp[want[j]]);
          expectNear(`topClasses prob of [${xs.join(', ')}] T=${t}`, r.probs[row * kk + j], p, probTol(p));
        }
      }
    });
  }));

property('decide: the top class or -1 below the threshold, or a named TypeError/RangeError', 200, (k) => fc.property(
  shaped({ cols, temperature, threshold: option(fc.constantFrom(0, 0.5, 0.9, 1, 0.25), [-0.1, 1.1, NaN]) }),
  ({ x, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const shape = rowsOf(d, o, faults);
    const t = tempOf(o);
    const th = typeof o.threshold === 'number' ? o.threshold : 0;
    outcome(k, faults, () => k.decide(d.arg, optArg), (r) => {
      let abstained = 0;
      for (let row = 0; row < shape.rows; row++) {
        const xs = d.vals.slice(row * shape.cols, (row + 1) * shape.cols);
        const top = order(xs)[0];
        const p = Math.exp(logSoftmaxRef(xs, t).logp[top]);
        expectNear('decide prob', r.probs[row], p, probTol(p));
        const label = r.probs[row] < th ? -1 : top;
        if (label < 0) abstained++;
        assert.equal(r.labels[row], label, `decide label of [${xs.join(', ')}], threshold ${th}`);
      }
      assert.equal(r.abstained, abstained);
    });
  }));

property('multiLabel: σ within 3 ULP and decisions probs >= threshold, or a named TypeError/RangeError', 200, (k) => fc.property(
  shaped({
    cols,
    threshold: option(fc.oneof(fc.constantFrom(0, 0.5, 1), fc.array(fc.constantFrom(0, 0.3, 1, 0.5), { minLength: 1, maxLength: 4 })), [-0.1, 1.5, NaN, [NaN], [2]], ['0.5', null, {}]),
    out: outOption,
  }),
  ({ x, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const shape = rowsOf(d, o, faults, { emptyRow: false });
    const th = o.threshold === undefined ? [0.5] : typeof o.threshold === 'number' ? [o.threshold] : Array.isArray(o.threshold) ? o.threshold : null;
    if (shape && Array.isArray(o.threshold) && th.length !== shape.cols) faults.push(['RangeError', 'options.threshold']);
    let out;
    if (o.out !== undefined && optArg && typeof optArg === 'object') {
      out = outOf(opts.keys.out[0], d.vals ? d.vals.length : 0, Float32Array, false, d);
      optArg.out = out.arg;
      faults.push(...out.faults);
    }
    outcome(k, faults, () => k.multiLabel(d.arg, optArg), (r) => {
      if (out) assert.equal(r.probs, out.arg);
      assert.equal(r.probs.length, d.vals.length);
      for (let i = 0; i < d.vals.length; i++) {
        expectNear(`multiLabel σ(${d.vals[i]})`, r.probs[i], 1 / (1 + Math.exp(-d.vals[i])), { ulps: 3 });
        assert.equal(r.decisions[i], r.probs[i] >= th[th.length === 1 ? 0 : i % shape.cols] ? 1 : 0);
      }
    });
  }));

const tokensArb = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }).map((v) => ({ kind: 'i32', v })) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }).map((v) => ({ kind: 'array', v })) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(0, 1, -1, 1.5, NaN, 99), { minLength: 1, maxLength: 3 }).map((v) => ({ kind: 'array', v })) },
  { weight: 1, arbitrary: fc.constantFrom('f32', 'string', 'null').map((kind) => ({ kind, v: [0] })) },
);
property('scoreTokens: log p, rank and totals against float64, or a named TypeError/RangeError', 300, (k) => fc.property(
  fc.record({
    xt: fc.oneof(
      { weight: 1, arbitrary: fc.record({ x: data(value, 18), tokens: tokensArb }) },
      { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 })).chain(([V, T]) => fc.record({
        x: data(value, V * T, V * T),
        tokens: fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: T, maxLength: T }).map((v) => ({ kind: 'i32', v })),
      })) },
    ),
    opts: options({
      cols: option(fc.integer({ min: 1, max: 6 }), [0, -1, 1.5, NaN]),
      temperature,
      topLogprobs: option(fc.integer({ min: 0, max: 4 }), [-1, 21, 1.5, NaN]),
      entropy: option(fc.boolean(), [], [1, 'yes', null]),
    }),
  }),
  ({ xt: { x, tokens }, opts }) => {
    const d = materialize(x, 'logits');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const tk = { i32: () => Int32Array.from(tokens.v), array: () => tokens.v.slice(), f32: () => Float32Array.from(tokens.v), string: () => '0', null: () => null }[tokens.kind]();
    if (!['i32', 'array'].includes(tokens.kind)) faults.push(['TypeError', 'tokens']);
    const T = tokens.v.length;
    const t = tempOf(o);
    let V = 0;
    if (['i32', 'array'].includes(tokens.kind)) {
      const bad = tokens.v.findIndex((v) => !Number.isInteger(v) || v < 0);
      if (bad >= 0) faults.push(['RangeError', `tokens[${bad}]`]);
      if (T === 0) faults.push(['RangeError', 'tokens']);
    }
    // Shape errors come before buffer checks: a disposed or foreign buffer, or a detached view (length 0), may get one.
    const len = d.vals ? d.vals.length : ['disposed', 'foreign', 'stale'].includes(x.kind) ? (x.kind === 'stale' ? 0 : x.values.length) : undefined;
    if (len !== undefined && ['i32', 'array'].includes(tokens.kind) && T > 0) {
      if (o.cols === undefined) {
        V = len / T;
        if (!Number.isInteger(V) || V === 0) faults.push(['RangeError', 'logits']);
      } else if (Number.isInteger(o.cols) && o.cols >= 1) {
        V = o.cols;
        if (len !== T * V) faults.push(['RangeError', 'logits'], ['RangeError', 'tokens']);
      }
      if (Number.isInteger(V) && V > 0) {
        const over = tokens.v.findIndex((v) => v >= V);
        if (over >= 0) faults.push(['RangeError', `tokens[${over}]`]);
        if (Number.isInteger(o.topLogprobs) && o.topLogprobs > V && o.topLogprobs <= 20) faults.push(['RangeError', 'options.topLogprobs']);
      }
      if (d.vals) faults.push(...nanFault(d.vals, 'logits'));
    }
    outcome(k, faults, () => k.scoreTokens(d.arg, tk, optArg), (r) => {
      assert.equal(r.count, T);
      let sum = 0;
      for (let row = 0; row < T; row++) {
        const xs = d.vals.slice(row * V, (row + 1) * V);
        const tok = tokens.v[row];
        const logp = logSoftmaxRef(xs, t).logp;
        const ref = logp[tok];
        sum += ref;
        const ok = r.logprobs[row] === ref || Math.abs(r.logprobs[row] - ref) <= 2 ** -23 + 2 ** -52 * Math.abs(ref);
        assert.ok(ok, `scoreTokens log p of token ${tok} in [${xs.join(', ')}] T=${t}: ${r.logprobs[row]}, float64 ${ref}`);
        const rank = 1 + xs.filter((v, j) => v > xs[tok] || (v === xs[tok] && j < tok)).length;
        assert.equal(r.ranks[row], rank, `rank of ${tok} in [${xs.join(', ')}]`);
        if (o.entropy === true) assert.ok(Math.abs(r.entropy[row] - entropyRef(logp)) <= 4e-7 + 1e-6 * entropyRef(logp), 'scoreTokens entropy');
        if (o.topLogprobs > 0) {
          const want = order(xs).slice(0, o.topLogprobs);
          assert.deepEqual(Array.from(r.topTokens.subarray(row * o.topLogprobs, (row + 1) * o.topLogprobs)), want);
        }
      }
      const ok = r.sum === sum || Math.abs(r.sum - sum) <= T * (2 ** -23) + 2 ** -52 * T * Math.abs(sum);
      assert.ok(ok, `scoreTokens sum ${r.sum}, float64 ${sum}`);
    });
  }));

// Calibration: fitTemperature's T is a minimum of the float64 mean NLL in
// [min, max]; apply is softmax(z / T); toJSON / calibratorFromJSON round-trips.
function nllAt(vals, labels, c, t) {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = vals.slice(i * c, (i + 1) * c);
    s -= c === 1 ? (labels[i] ? -softplusRef(-row[0] / t) : -softplusRef(row[0] / t)) : logSoftmaxRef(row, t).logp[labels[i]];
  }
  return s / labels.length;
}
const labelsOf = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }).map((v) => ({ kind: 'i32', v })) },
  { weight: 1, arbitrary: fc.constantFrom('array', 'f32', 'empty').map((kind) => ({ kind, v: [0] })) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(-1, 4, 9), { minLength: 1, maxLength: 3 }).map((v) => ({ kind: 'i32', v })) },
);
property('fitTemperature + apply + toJSON/calibratorFromJSON: a float64 NLL minimum, softmax(z/T), the same bits restored, or a named TypeError/RangeError', 150, (k) => fc.property(
  fc.record({
    xl: fc.oneof(
      { weight: 2, arbitrary: fc.record({ x: data(fc.oneof({ weight: 12, arbitrary: moderate }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) }), 16, 1), labels: labelsOf }) },
      // consistent shapes: n rows of c classes, labels in [0, c) (binary for c = 1)
      { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 })).chain(([c, n]) => fc.record({
        x: fc.record({ kind: fc.constantFrom('f32', 'buf'), values: fc.array(moderate, { minLength: n * c, maxLength: n * c }) }),
        labels: fc.array(fc.integer({ min: 0, max: c === 1 ? 1 : c - 1 }), { minLength: n, maxLength: n }).map((v) => ({ kind: 'i32', v })),
      })) },
    ),
    opts: options({
      classes: option(fc.integer({ min: 1, max: 4 }), [0, -1, 1.5, NaN]),
      min: option(fc.constantFrom(1e-3, 0.1, 1), [0, -1, NaN, Infinity]),
      max: option(fc.constantFrom(1e3, 10, 2), [NaN, Infinity]),
    }),
  }),
  ({ xl: { x, labels }, opts }) => {
    const d = materialize(x, 'scores');
    const { arg: optArg, faults, o } = optionsOf(opts);
    if (d.fault) faults.push(d.fault);
    const lab = labels.kind === 'i32' ? Int32Array.from(labels.v) : labels.kind === 'empty' ? new Int32Array(0) : labels.kind === 'f32' ? Float32Array.from(labels.v) : labels.v.slice();
    if (labels.kind === 'array' || labels.kind === 'f32') faults.push(['TypeError', 'labels']);
    const min = typeof o.min === 'number' && o.min > 0 && o.min < Infinity ? o.min : 1e-3;
    const max = typeof o.max === 'number' && o.max < Infinity ? o.max : 1e3;
    if (typeof o.max === 'number' && !(o.max > min)) faults.push(['RangeError', 'options.max']);
    let c = 0;
    if (d.vals && labels.kind !== 'array' && labels.kind !== 'f32') {
      const n = lab.length;
      if (n === 0 || d.vals.length === 0) faults.push(['RangeError', 'scores'], ['RangeError', 'labels']);
      else {
        c = o.classes ?? d.vals.length / n;
        if (!Number.isInteger(c) || d.vals.length !== n * c) faults.push(['RangeError', 'scores']);
        else {
          const i = d.vals.findIndex((v) => !Number.isFinite(v));
          if (i >= 0) faults.push(['RangeError', `scores[${i}]`]);
          const j = Array.from(lab).findIndex((y) => !(y >= 0 && y < (c === 1 ? 2 : c)));
          if (j >= 0) faults.push(['RangeError', `labels[${j}]`]);
        }
      }
    }
    outcome(k, faults, () => k.fitTemperature(d.arg, lab, optArg), (cal) => {
      const T = cal.temperature;
      assert.ok(T >= min && T <= max, `T = ${T} outside [${min}, ${max}]`);
      const f = (t) => nllAt(d.vals, Array.from(lab), c, t);
      const at = f(T);
      assert.ok(Math.abs(cal.nllAfter - at) <= 1e-9 * (1 + Math.abs(at)), `nllAfter ${cal.nllAfter}, float64 NLL at T ${at}`);
      assert.ok(Math.abs(cal.nllBefore - f(1)) <= 1e-9 * (1 + Math.abs(f(1))), `nllBefore ${cal.nllBefore}, float64 ${f(1)}`);
      for (const s of [1 - 1e-3, 1 + 1e-3]) {
        const t2 = Math.min(max, Math.max(min, T * s));
        assert.ok(at <= f(t2) + 1e-9 * (1 + Math.abs(at)), `T = ${T} is not a minimum: NLL ${at} > ${f(t2)} at ${t2}`);
      }
      const p = cal.apply(Float32Array.from(d.vals));
      for (let i = 0; i < d.vals.length / c; i++) {
        const row = d.vals.slice(i * c, (i + 1) * c);
        const ref = c === 1 ? [1 / (1 + Math.exp(-row[0] / T))] : logSoftmaxRef(row, T).logp.map(Math.exp);
        for (let j = 0; j < c; j++) expectNear(`apply row ${i}`, p[i * c + j], ref[j], ref[j] < 2 ** -126 ? { abs: 2 * TINY } : { rel: 2.5 * 2 ** -23, ulps: 3 });
      }
      const again = k.calibratorFromJSON(JSON.stringify(cal));
      assert.deepEqual(again.apply(Float32Array.from(d.vals)), p, 'calibratorFromJSON(JSON.stringify(cal)).apply gives the same bits');
    });
  }));

// ---------------------------------------------------------------------------
// Runs

let totalRuns = 0;
for (const p of properties) {
  test(`property: ${p.name}`, () => {
    counts.results = counts.errors = 0;
    const details = fc.check(p.make(lk), { numRuns: p.runs, seed: SEED });
    totalRuns += details.numRuns;
    console.log(`# ${p.name}: ${details.numRuns} runs (${counts.results} results, ${counts.errors} named errors)${details.failed ? ' FAILED' : ''}`);
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

test('regression: a view read before wasm memory grew (detached) is a TypeError naming the argument, as input or as out', () => {
  const stale = staleViews[0];
  throwsNamed(() => lk.softmax(stale), TypeError, 'logits', 'detached');
  throwsNamed(() => lk.logit(new Float32Array(0), { out: stale }), TypeError, 'options.out', 'detached');
  throwsNamed(() => lk.crossEntropy(new Float32Array([1, 2]), new Int32Array([0]), { reduction: 'none', out: stale }), TypeError, 'options.out', 'detached');
  // An empty Float32Array of its own is still an empty input.
  assert.equal(lk.softmax(new Float32Array(0)).length, 0);
  const b = grownPool.get(2);
  b.view.set([0, Math.log(3)]);
  assert.deepEqual(Array.from(lk.softmax(b)), Array.from(lk.softmax(sanityIn)), 'a buffer made before growth still works');
});

test("regression: losses refuse options.out unless reduction is 'none' (it was silently left unwritten)", () => {
  const out = new Float32Array(1);
  throwsNamed(() => lk.crossEntropy(new Float32Array(0), new Int32Array(0), { out }), RangeError, 'options.out', "'none'");
  throwsNamed(() => lk.bceWithLogits(new Float32Array([0]), new Float32Array([1]), { reduction: 'sum', out }), RangeError, 'options.out');
  throwsNamed(() => lk.klDiv(new Float32Array([0]), new Float32Array([1]), { reduction: 'batchmean', out }), RangeError, 'options.out');
  throwsNamed(() => lk.nllLoss(new Float32Array([0]), new Int32Array([0]), { out }), RangeError, 'options.out');
  assert.equal(lk.crossEntropy(new Float32Array([0, 0]), new Int32Array([0]), { reduction: 'none', out }), out);
  assert.ok(Math.abs(out[0] - Math.LN2) < 1e-7);
});

test('regression: crossEntropy and nllLoss with no target refuse non-empty logits (they returned NaN, ignoring them)', () => {
  throwsNamed(() => lk.crossEntropy(new Float32Array([0]), new Int32Array(0), { classes: 1 }), RangeError, 'logits.length (1)');
  throwsNamed(() => lk.crossEntropy(new Float32Array([0, 5, 1]), new Int32Array(0)), RangeError, 'logits.length (3)');
  throwsNamed(() => lk.nllLoss(new Float32Array([0, 5, 1]), new Int32Array(0)), RangeError, 'logProbs.length (3)');
  assert.ok(Number.isNaN(lk.crossEntropy(new Float32Array(0), new Int32Array(0))), 'a mean over no sample is NaN, as in PyTorch');
});

test('regression: crossEntropy options.classes of the wrong type is a TypeError naming it (was a RangeError naming logits)', () => {
  throwsNamed(() => lk.crossEntropy(new Float32Array([0, 5, 1]), new Int32Array([1]), { classes: '3' }), TypeError, 'options.classes');
  throwsNamed(() => lk.crossEntropy(new Float32Array([0, 5, 1]), new Int32Array([1]), { classes: 1.5 }), RangeError, 'options.classes');
});

test('regression: logsumexp below T = 2^-64 states its own rule (the message said ">= 0" of a positive T)', () => {
  throwsNamed(() => lk.logsumexp(new Float32Array([1e-45, 0]), { temperature: 2 ** -70 }), RangeError, 'options.temperature', '>= 2^-64');
  throwsNamed(() => lk.logsumexp(new Float32Array([1]), { temperature: 0 }), RangeError, 'options.temperature', '>= 2^-64');
  const [lse] = lk.logsumexp(new Float32Array([1e-45, 0]), { temperature: 2 ** -64 });
  expectNear('logsumexp at T = 2^-64', lse, logSoftmaxRef([Math.fround(1e-45), 0], 2 ** -64).lse, { ulps: 0.5, abs: 2 ** -23 });
});

test('regression: temperatures above 2^64 are a RangeError (above ~4.9e38 every probability was NaN)', () => {
  const x = new Float32Array([0, 0, 0, 0, 0]);
  for (const t of [1e39, Number.MAX_VALUE, 2 ** 64 * (1 + 2 ** -52)]) {
    throwsNamed(() => lk.softmax(x, { temperature: t }), RangeError, 'options.temperature', '<= 2^64');
    throwsNamed(() => lk.topClasses(x, { temperature: t }), RangeError, 'options.temperature');
    throwsNamed(() => lk.decide(x, { temperature: t }), RangeError, 'options.temperature');
    throwsNamed(() => lk.scoreTokens(x, [1], { temperature: t }), RangeError, 'options.temperature');
    throwsNamed(() => lk.retrieve(new Float32Array([1, 0]), new Float32Array([1, 0, 0, 1]), { dim: 2, temperature: t }), RangeError, 'options.temperature');
    throwsNamed(() => lk.calibrationMetrics(new Float32Array([1, 0, 0, 1]), new Int32Array([0, 1]), { temperature: t }), RangeError, 'options.temperature');
    throwsNamed(() => lk.fitTemperature(new Float32Array([1, 0, 0, 1]), new Int32Array([1, 0]), { max: t }), RangeError, 'options.max');
    throwsNamed(() => lk.calibratorFromJSON({ kind: 'temperature', classes: 2, temperature: t }), RangeError, 'json.temperature');
  }
  for (const v of lk.softmax(new Float32Array([1, 0, -3e38]), { temperature: 2 ** 64 })) assert.ok(!Number.isNaN(v));
  const c = lk.fitTemperature(new Float32Array([1, 0, 0, 1]), new Int32Array([1, 0]), { max: 2 ** 64 });
  for (const v of c.apply(new Float32Array([1, 0]))) assert.ok(Math.abs(v - 0.5) < 1e-6, 'T at its bound: uniform');
});

test('regression: null is a wrong type for reduction, logTarget, multiLabel threshold and scoreTokens entropy (it was taken as absent)', () => {
  throwsNamed(() => lk.crossEntropy(new Float32Array([0, 1]), new Int32Array([0]), { reduction: null }), TypeError, 'options.reduction');
  throwsNamed(() => lk.klDiv(new Float32Array([0]), new Float32Array([1]), { logTarget: null }), TypeError, 'options.logTarget');
  throwsNamed(() => lk.multiLabel(new Float32Array(0), { threshold: null }), TypeError, 'options.threshold');
  throwsNamed(() => lk.scoreTokens(new Float32Array([0, Infinity]), [0], { entropy: null }), TypeError, 'options.entropy');
  // logit's eps keeps torch.logit's eps=None.
  assert.deepEqual(lk.logit(new Float32Array([0.5]), { eps: null }), new Float32Array([0]));
});

test('regression: bceWithLogits at x = -inf gives the limit (0 for y = 0, inf for y > 0), not -inf + inf = NaN', () => {
  const r = lk.bceWithLogits(new Float32Array([-Infinity, -Infinity, -Infinity, Infinity, Infinity]), new Float32Array([0, 0.5, 1, 0, 1]), { reduction: 'none' });
  assert.deepEqual(Array.from(r), [0, Infinity, Infinity, Infinity, 0]);
  assert.equal(lk.bceWithLogits(new Float32Array([-Infinity]), new Float32Array([1]), { posWeight: new Float32Array([0]) }), 0);
  assert.equal(lk.bceWithLogits(new Float32Array([Infinity, Infinity, 0, 0, -Infinity]), new Float32Array(5)), Infinity);
});

test('regression: klDiv with logTarget: a target whose exp underflows to 0 contributes 0 beside input +inf (was NaN)', () => {
  const r = lk.klDiv(new Float32Array([0, Infinity]), new Float32Array([0, -745.1332397460938]), { logTarget: true });
  assert.equal(r, 0);
  assert.equal(lk.klDiv(new Float32Array([Infinity]), new Float32Array([-Infinity]), { logTarget: true, reduction: 'sum' }), 0);
});

// ---------------------------------------------------------------------------
// Self-test: each property fails on a doctored instance. A Proxy around lk
// replaces one method by a wrapper that changes what it returns or throws;
// fast-check must find a counterexample within the property's own bound.

const DOCTORINGS = [
  ['softmax', 'one probability times 1 + 2^-20', (call, ...a) => bump(call(...a), relBump)],
  ['logSoftmax', 'one log-probability plus 2^-20', (call, ...a) => bump(call(...a), (v) => v + 2 ** -20)],
  ['logsumexp', 'options.temperature ignored', (call, ...a) => call(...withOption(a, 1, 'temperature', undefined))],
  ['entropy', 'an Error instead of its RangeError', (call, ...a) => { try { return call(...a); } catch (e) { throw e instanceof RangeError ? new Error(e.message) : e; } }],
  ['argmax', 'options.cols ignored', (call, ...a) => call(...withOption(a, 1, 'cols', undefined))],
  ['sigmoid', 'one output times 1 + 2^-20', (call, ...a) => bump(call(...a), relBump)],
  ['exp', 'a TypeError whose message names no argument', (call, ...a) => { try { return call(...a); } catch (e) { throw e instanceof TypeError ? new TypeError('bad input') : e; } }],
  ['log', 'NaN for a zero input (log 0 is -inf)', (call, ...a) => { const r = call(...a); const v = r.view ?? r; const x = a[0]?.view ?? a[0]; for (let i = 0; i < v.length; i++) if (x[i] === 0) v[i] = NaN; return r; }],
  ['softplus', 'one output times 1 + 2^-20', (call, ...a) => bump(call(...a), relBump)],
  ['logSigmoid', 'one output times 1 + 2^-20', (call, ...a) => bump(call(...a), relBump)],
  ['log1mSigmoid', 'one output times 1 + 2^-20', (call, ...a) => bump(call(...a), relBump)],
  ['logit', 'options.eps ignored', (call, ...a) => call(...withOption(a, 1, 'eps', undefined))],
  ['crossEntropy', 'options.labelSmoothing ignored', (call, ...a) => call(...withOption(a, 2, 'labelSmoothing', undefined))],
  ['bceWithLogits', 'the loss times 1 + 2^-30', (call, ...a) => { const r = call(...a); return typeof r === 'number' ? r * (1 + 2 ** -30) : bump(r, relBump); }],
  ['klDiv', "'batchmean' computed as 'mean'", (call, ...a) => call(...(a[2]?.reduction === 'batchmean' ? withOption(a, 2, 'reduction', 'mean') : a))],
  ['topClasses', 'options.temperature ignored', (call, ...a) => call(...withOption(a, 1, 'temperature', undefined))],
  ['decide', 'options.threshold ignored', (call, ...a) => call(...withOption(a, 1, 'threshold', undefined))],
  ['multiLabel', 'a result instead of the RangeError for NaN', (call, ...a) => { try { return call(...a); } catch (e) { if (/NaN/.test(e.message)) return { probs: new Float32Array(0), decisions: new Uint8Array(0) }; throw e; } }],
  ['scoreTokens', "the last token's rank plus 1", (call, ...a) => { const r = call(...a); r.ranks[r.ranks.length - 1] += 1; return r; }],
  ['fitTemperature', 'T times 1.01', (call, ...a) => { const c = call(...a); c.temperature *= 1.01; return c; }],
];
for (const [method, what, wrap] of DOCTORINGS) {
  const p = properties.find((q) => q.name.startsWith(`${method}:`) || q.name.startsWith(`${method} `));
  test(`self-test: ${method}'s property fails on a doctored build (${what})`, () => {
    assert.ok(p, `a property for ${method}`);
    const details = fc.check(p.make(doctored(method, wrap)), { numRuns: p.runs, seed: SEED });
    for (const b of made.splice(0)) b.dispose();
    assert.equal(details.failed, true, `no counterexample in ${details.numRuns} runs`);
    console.log(`# doctored ${method} (${what}): caught after ${details.numRuns} runs`);
  });
}

test('property totals', () => {
  console.log(`# ${properties.length} properties, ${totalRuns} runs (seed ${SEED}, ${simd ? 'SIMD' : 'baseline'} build)`);
});
