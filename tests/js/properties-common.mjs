// Shared by the property-based suites (properties.test.mjs,
// properties-more.test.mjs): the seed and run scale, float32 ULPs and the
// "near" bound, float64 models of the row operations, the arbitraries (data
// passed every way an argument can be passed, options with boundary,
// out-of-range, wrong-type and unknown keys), the outcome check (a result the
// caller's model judges, or a TypeError / RangeError naming an argument, after
// which the instance still works), and the doctoring Proxy of the self-tests.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { load } from '../../dist/index.mjs';
import { lkPromise, simd } from './helpers.mjs';

export { simd };
export const SEED = Number(process.env.LK_FC_SEED ?? 20261208);
export const SCALE = Number(process.env.LK_FC_RUNS ?? 1);
fc.configureGlobal({ seed: SEED });

export const lk = await lkPromise;
export const other = await load({ simd }); // another instance: its buffers are foreign to lk

export const F32_MAX = 3.4028234663852886e38;
export const TINY = 2 ** -149;

// ---------------------------------------------------------------------------
// float32 ULPs and bounds

/** The spacing of float32 at |r| (2^-149 below 2^-126; the top binade's above FLT_MAX). */
export function ulp32(r) {
  const a = Math.abs(r);
  if (a < 2 ** -126) return TINY;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  return 2 ** (Math.min(e, 127) - 23);
}

/**
 * got (a float32 result) within rel·|ref| + ulps·ulp(ref) + abs of the float64 ref.
 * Infinite results: ref infinite of the same sign, or beyond what float32 holds
 * within the bound. NaN is never within.
 */
export function near(got, ref, { rel = 0, ulps = 0, abs = 0 } = {}) {
  if (Number.isNaN(got) || Number.isNaN(ref)) return false;
  if (got === ref) return true;
  const bound = rel * Math.abs(ref) + ulps * ulp32(ref) + abs;
  if (!Number.isFinite(got)) return Number.isFinite(ref) ? Math.sign(got) === Math.sign(ref) && Math.abs(ref) + bound >= F32_MAX : false;
  if (!Number.isFinite(ref)) return false;
  return Math.abs(got - ref) <= bound;
}

export function expectNear(what, got, ref, tol) {
  if (!near(got, ref, tol)) {
    assert.fail(`${what}: got ${got}, float64 model ${ref} (tolerance ${JSON.stringify(tol)})`);
  }
}

// ---------------------------------------------------------------------------
// float64 models

/** Greedy below 2^-64, as the README states (the T -> 0 limit). */
export const greedy = (t) => t < 2 ** -64;

/** One row's float64 log-softmax of x / T under the documented non-finite contract. */
export function logSoftmaxRef(row, t) {
  const n = row.length;
  let m = -Infinity;
  for (const v of row) if (v > m) m = v;
  if (m === -Infinity) return { logp: row.map(() => -Infinity), lse: -Infinity, all: true };
  if (m === Infinity || greedy(t)) {
    const count = row.filter((v) => v === m).length;
    return { logp: row.map((v) => (v === m ? -Math.log(count) : -Infinity)), lse: m === Infinity ? Infinity : NaN, count };
  }
  const y = row.map((v) => (v - m) / t);
  let s = 0;
  for (const v of y) s += Math.exp(v);
  const ls = Math.log(s);
  return { logp: y.map((v) => v - ls), lse: m / t + ls, n };
}

export function entropyRef(logp) {
  let h = 0;
  for (const l of logp) if (l > -Infinity) h -= Math.exp(l) * l;
  return h;
}

export const softplusRef = (x) => (x === Infinity ? Infinity : x === -Infinity ? 0 : Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));

// ---------------------------------------------------------------------------
// Arbitraries

export const SPECIAL = [Infinity, -Infinity, -0, 0, TINY, -TINY, 2 ** -126, -(2 ** -126), F32_MAX, -F32_MAX, 1e30, -1e30,
  Math.fround(1e-30), 1, -1, Math.fround(88.72), Math.fround(-103.97), 2 ** 24 + 2];

/** A float32 value: mostly well scaled, sometimes special, occasionally NaN. */
export const value = fc.oneof(
  { weight: 10, arbitrary: fc.float({ min: -30, max: 30, noNaN: true }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 2, arbitrary: fc.float({ noNaN: true }) },
);
/** Finite and moderate (for inputs whose contract is about finite data). */
export const moderate = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -30, max: 30, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 0, TINY, 1, -1) },
);
/** Probabilities, with values just outside [0, 1], NaN and ±inf. */
export const prob = fc.oneof(
  { weight: 10, arbitrary: fc.float({ min: 0, max: 1, noNaN: true }) },
  { weight: 3, arbitrary: fc.constantFrom(0, -0, 1, TINY, Math.fround(1 - 2 ** -24), 0.5) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, -TINY, 1 + 2 ** -23, 2, -1, Infinity, -Infinity) },
);

// How a float32 data argument is passed. Valid: Float32Array, own LogitBuffer,
// a buffer made before memory grew, a detached view (empty). Wrong type:
// the rest (TypeError naming the argument).
export const kind = fc.oneof(
  { weight: 12, arbitrary: fc.constant('f32') },
  { weight: 5, arbitrary: fc.constant('buf') },
  { weight: 1, arbitrary: fc.constantFrom('grown', 'stale') },
  { weight: 1, arbitrary: fc.constantFrom('array', 'f64', 'i32', 'u8', 'disposed', 'foreign', 'null', 'undefined', 'string', 'number', 'object') },
);

/** Values with, in one array of six, a NaN at some position (more would leave few valid inputs). */
export const withNaN = (values, minLength, maxLength) => fc.record({
  values: fc.array(values, { minLength, maxLength }),
  nanAt: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
}).map(({ values: v, nanAt }) => {
  // a copy: fast-check reuses generated values while shrinking
  if (nanAt !== undefined && v.length > 0) { v = v.slice(); v[nanAt % v.length] = NaN; }
  return v;
});
/** A data argument: how it is passed and its values. */
export const data = (values = value, maxLength = 16, minLength = 0) =>
  fc.record({ kind, values: withNaN(values, minLength, maxLength) });
/** A data argument passed as a valid Float32Array or LogitBuffer. */
export const goodData = (values = value, maxLength = 16, minLength = 0) =>
  fc.record({ kind: fc.constantFrom('f32', 'f32', 'buf'), values: fc.array(values, { minLength, maxLength }) });
/** Two data arguments of one length (in one pair of eight, one element longer). */
export const pairOf = (xs, ts, maxLength) => fc.nat({ max: maxLength }).chain((n) => fc.record({
  x: data(xs, n, n),
  target: fc.oneof({ weight: 7, arbitrary: fc.constant(n) }, { weight: 1, arbitrary: fc.constant(n + 1) }).chain((m) => data(ts, m, m)),
}));

// Buffers allocated, and their views taken, before wasm memory grows (below).
export const grownPool = new Map();
export const staleViews = [];
for (let n = 0; n <= 40; n++) {
  const b = lk.buffer(n);
  b.view.fill(0);
  grownPool.set(n, b);
  if (n === 3) staleViews.push(b.view);
}
{
  const before = lk._m.HEAPU8.buffer.byteLength;
  const big = lk.buffer(before / 4 + (1 << 20));
  big.dispose();
  assert.ok(lk._m.HEAPU8.buffer.byteLength > before, 'wasm memory grew');
  assert.equal(staleViews[0].length, 0, 'a view taken before growth is detached');
}

export const made = []; // LogitBuffers made for one call, disposed after it
export const usedGrown = new Set(); // pool buffers passed in the current call

/** The argument for a data descriptor, and the values a model sees (null: refused). */
export function materialize(d, name) {
  const vals = d.values;
  switch (d.kind) {
    case 'f32': return { arg: Float32Array.from(vals), vals: Array.from(Float32Array.from(vals)) };
    case 'buf': {
      const b = lk.buffer(vals.length);
      made.push(b);
      b.view.set(vals);
      return { arg: b, vals: Array.from(b.view), buffer: b };
    }
    case 'grown': {
      const b = grownPool.get(vals.length);
      if (b === undefined || usedGrown.has(b)) return materialize({ ...d, kind: 'buf' }, name);
      usedGrown.add(b); // one argument per pool buffer in a call
      b.view.set(vals);
      return { arg: b, vals: Array.from(b.view), buffer: b };
    }
    case 'stale': return { arg: staleViews[0], fault: ['TypeError', name] };
    case 'array': return { arg: vals.slice(), fault: ['TypeError', name] };
    case 'f64': return { arg: Float64Array.from(vals), fault: ['TypeError', name] };
    case 'i32': return { arg: Int32Array.from(vals.map((v) => (Number.isFinite(v) ? v : 0))), fault: ['TypeError', name] };
    case 'u8': return { arg: Uint8Array.from(vals.map((v) => (Number.isFinite(v) ? v : 0))), fault: ['TypeError', name] };
    case 'disposed': {
      const b = lk.buffer(vals.length);
      b.view.set(vals);
      b.dispose();
      return { arg: b, fault: ['TypeError', name] };
    }
    case 'foreign': {
      const b = other.buffer(vals.length);
      made.push(b);
      b.view.set(vals);
      return { arg: b, fault: ['TypeError', name] };
    }
    case 'null': return { arg: null, fault: ['TypeError', name] };
    case 'undefined': return { arg: undefined, fault: ['TypeError', name] };
    case 'string': return { arg: 'logits', fault: ['TypeError', name] };
    case 'number': return { arg: 1.5, fault: ['TypeError', name] };
    default: return { arg: { length: vals.length }, fault: ['TypeError', name] };
  }
}

// One option: [value, fault] where fault is null, 'TypeError' or 'RangeError'.
export function option(good, badRange = [], badType = ['1', null, true, {}]) {
  const alts = [{ weight: 14, arbitrary: good.map((v) => [v, null]) }];
  if (badRange.length) alts.push({ weight: 1, arbitrary: fc.constantFrom(...badRange).map((v) => [v, 'RangeError']) });
  if (badType.length) alts.push({ weight: 1, arbitrary: fc.constantFrom(...badType).map((v) => [v, 'TypeError']) });
  return fc.oneof(...alts);
}

export const UNKNOWN = ['temprature', 'colz', 'extra', 'Out'];
/** An options argument over `spec` ({ key: option arbitrary }): absent, junk, or an object with some keys. */
export function options(spec) {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({ mode: 'absent' }) },
    { weight: 1, arbitrary: fc.constantFrom('fast', 1, null, true).map((v) => ({ mode: 'junk', v })) },
    {
      weight: 12,
      arbitrary: fc.record({
        keys: fc.record(spec, { requiredKeys: [] }),
        unknown: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN) }),
      }).map((r) => ({ mode: 'object', ...r })),
    },
  );
}

/** The options object to pass, its faults, and the values (without out, materialized by the caller). */
export function optionsOf(od) {
  if (od.mode === 'absent') return { arg: undefined, faults: [], o: {} };
  if (od.mode === 'junk') return { arg: od.v, faults: [['TypeError', 'options']], o: {} };
  const arg = {}, o = {}, faults = [];
  for (const [k, [v, fault]] of Object.entries(od.keys)) {
    arg[k] = v;
    o[k] = v;
    if (fault) faults.push([fault, `options.${k}`]);
  }
  if (od.unknown !== undefined) {
    arg[od.unknown] = 1;
    faults.push(['RangeError', `options.${od.unknown}`]);
  }
  return { arg, faults, o };
}

// Common option values.
export const temperature = option(
  fc.oneof(fc.double({ min: 0.05, max: 20, noNaN: true }), fc.constantFrom(0, -0, 1, 1, 0.5, 2 ** -64, 2 ** -70, 1e-30, 1e19, 2 ** 64, Number.MIN_VALUE)),
  [-1, -Number.MIN_VALUE, NaN, Infinity, -Infinity, 2 ** 64 * (1 + 2 ** -52), 1e39, Number.MAX_VALUE],
);
export const cols = option(fc.integer({ min: 1, max: 8 }), [0, -1, 1.5, NaN, Infinity]);

// out: a descriptor materialized for the expected length. Valid: absent, the
// right Float32Array (or Int32Array / LogitBuffer where the function takes
// one); faults: wrong length, wrong type, disposed or foreign buffer.
export const outDesc = fc.record({
  kind: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('typed', 'buf', 'inplace') },
    { weight: 1, arbitrary: fc.constantFrom('f64', 'array', 'i32', 'f32', 'disposed', 'foreign', 'stale') },
  ),
  delta: fc.oneof({ weight: 10, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, -1) }),
});
export const outOption = option(outDesc, [], []);

/**
 * The out argument for `len` elements of type `Type` (LogitBuffer accepted when
 * `buffers`), the input argument (for 'inplace'), and its fault.
 */
export function outOf(desc, len, Type, buffers, input) {
  const want = len + desc.delta < 0 ? len + 1 : len + desc.delta;
  const wrongLength = want !== len ? [['RangeError', 'options.out']] : [];
  const bad = [['TypeError', 'options.out']];
  let k = desc.kind;
  if (k === 'inplace' && !(buffers && input?.buffer && input.buffer.length === want)) k = buffers ? 'buf' : 'typed';
  if (k === 'buf' && !buffers) k = 'typed';
  switch (k) {
    case 'typed': return { arg: new Type(want), faults: wrongLength };
    case 'inplace': return { arg: input.buffer, faults: [], inplace: true };
    case 'buf': { const b = lk.buffer(want); made.push(b); b.view.fill(7); return { arg: b, faults: wrongLength }; }
    case 'f64': return { arg: new Float64Array(want), faults: bad };
    case 'array': return { arg: new Array(want).fill(0), faults: bad };
    case 'i32': return Type === Int32Array ? { arg: new Int32Array(want), faults: wrongLength } : { arg: new Int32Array(want), faults: bad };
    case 'f32': return Type === Float32Array ? { arg: new Float32Array(want), faults: wrongLength } : { arg: new Float32Array(want), faults: bad };
    case 'disposed': { const b = lk.buffer(want); b.dispose(); return { arg: b, faults: bad }; }
    case 'foreign': { const b = other.buffer(want); made.push(b); return { arg: b, faults: bad }; }
    default: return { arg: staleViews[0], faults: Type === Float32Array && len !== 0 ? [['RangeError', 'options.out'], ...bad] : bad };
  }
}

/**
 * A loss's options.out for `len` per-element values, set on optArg when the
 * generated options ask for one: an error unless the reduction is 'none'
 * (the loss then returns a scalar), else whatever outOf says. Returns the out
 * argument, or undefined.
 */
export function lossOut(o, optArg, opts, reduction, len, input, faults) {
  if (o.out === undefined || !optArg || typeof optArg !== 'object') return undefined;
  if (reduction !== 'none') faults.push(['RangeError', 'options.out']);
  const out = outOf(opts.keys.out[0], len, Float32Array, false, input);
  optArg.out = out.arg;
  if (reduction === 'none') faults.push(...out.faults);
  return out;
}

// ---------------------------------------------------------------------------
// The outcome check

export const sanityIn = new Float32Array([0, Math.log(3)]);
/** The instance still works: softmax([0, ln 3]) = [1/4, 3/4] within its bound. */
export function sane(k) {
  const p = k.softmax(sanityIn);
  const ref = logSoftmaxRef(Array.from(sanityIn), 1).logp.map(Math.exp);
  for (let i = 0; i < 2; i++) expectNear('softmax after an error', p[i], ref[i], { rel: 2.5 * 2 ** -23, ulps: 0.5 });
}

export const counts = { results: 0, errors: 0 };
export const describeFaults = (faults) => faults.map(([t, n]) => `${t} naming ${n}`).join(' or ');

/**
 * Runs `call`. With faults, it must throw one of them (that constructor, a
 * message containing that name); without, it must return, and `check` judges
 * the result. Buffers made for the call are disposed after it.
 */
export function outcome(k, faults, call, check) {
  let result;
  try {
    try {
      result = call();
    } catch (e) {
      if (faults.length === 0) assert.fail(`threw ${e?.constructor?.name}: ${e?.message} where the input is valid`);
      const hit = faults.some(([type, name]) => e?.constructor?.name === type && String(e.message).includes(name));
      if (!hit) assert.fail(`threw ${e?.constructor?.name}: "${e?.message}"; expected ${describeFaults(faults)}`);
      sane(k);
      counts.errors++;
      return;
    }
    if (faults.length) assert.fail(`returned a result; expected ${describeFaults(faults)}`);
    check(result);
    counts.results++;
  } finally {
    for (const b of made.splice(0)) b.dispose();
    usedGrown.clear();
  }
}

/** The first NaN of vals as a fault naming `name[i]`. */
export function nanFault(vals, name) {
  const i = vals.findIndex(Number.isNaN);
  return i < 0 ? [] : [['RangeError', `${name}[${i}]`]];
}

/** rows × cols of a flat input (RangeError naming cols when it does not divide). */
export function shapeOf(n, o) {
  if (o.cols === undefined || typeof o.cols !== 'number' || !(Number.isInteger(o.cols) && o.cols >= 1)) return { rows: 1, cols: n, faults: [] };
  if (n % o.cols !== 0) return { faults: [['RangeError', 'options.cols']] };
  return { rows: n / o.cols, cols: o.cols, faults: [] };
}

// ---------------------------------------------------------------------------
// Self-tests: a Proxy around lk replaces one method by a wrapper that changes
// what it returns or throws.

export function doctored(method, wrap) {
  return new Proxy(lk, {
    get(target, key) {
      const v = Reflect.get(target, key, target);
      if (key === method) return (...args) => wrap((...a) => v.apply(target, a), ...args);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
/** The largest finite nonzero element of a float result, changed by f (in place). */
export function bump(r, f) {
  const a = r?.view ?? r;
  let best = -1;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && a[i] !== 0 && (best < 0 || Math.abs(a[i]) > Math.abs(a[best]))) best = i;
  if (best >= 0) a[best] = f(a[best]);
  return r;
}
export const relBump = (v) => v * (1 + 2 ** -20);
export const withOption = (args, i, key, value) => {
  const o = args[i];
  if (o === null || typeof o !== 'object' || !(key in o)) return args;
  const copy = args.slice();
  copy[i] = { ...o, [key]: value };
  if (value === undefined) delete copy[i][key];
  return copy;
};
