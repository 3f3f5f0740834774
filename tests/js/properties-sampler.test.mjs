// Property-based tests (fast-check) of the sampler and the adapters, on the
// build LK_SIMD picks: kept sets against a float64 sort-then-cut model with the
// documented weight bound as the only slack, option objects generated from the
// module's schema, random sequences of sampler calls against a model that
// replays them on a fresh sampler (several samplers on one module, wasm memory
// back to its start), and logitkit/transformers, /webllm, /onnx and /xgrammar
// with plain objects shaped like their peers'. Fixed seed; each property prints
// its runs (LK_FC_RUNS and LK_FC_SEED search deeper). The shrunk counterexamples
// of the failures these properties found are ordinary regression tests below;
// the last tests run every property against a doctored library (named in each
// test) and require fast-check to find a counterexample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { load } from '../../dist/index.mjs';
import { lkPromise, rng, simd } from './helpers.mjs';
import { logitsProcessor, logitsSampler } from '../../dist/adapters/transformers.mjs';
import { logitProcessor } from '../../dist/adapters/webllm.mjs';
import { lastLogits, lastLogitsBuffer } from '../../dist/adapters/onnx.mjs';
import { allowedCount, grammarSampler } from '../../dist/adapters/xgrammar.mjs';

const lk = await lkPromise;
const other = await load({ simd }); // a second module: its buffers and samplers are foreign to lk
// A deeper search: LK_FC_RUNS=10 (runs × 10), LK_FC_SEED=<n> (another fixed seed).
const SEED = Number(process.env.LK_FC_SEED ?? 20261208);
const SCALE = Number(process.env.LK_FC_RUNS ?? 1);
const ADAPTERS = { lk, logitsProcessor, logitsSampler, logitProcessor, lastLogits, lastLogitsBuffer, grammarSampler, allowedCount };
const SCHEMA = JSON.parse(lk._m.samplerSchema());
const KNOWN = new Set([...SCHEMA.options.map((o) => o.name), 'seed', 'stream', 'prompt', 'logitBias', 'bannedTokens',
  'suppressTokens', 'allowedTokens', 'beginSuppressTokens', 'eosTokenId', 'badWords', 'dryBreakers', 'order']);

const isTypedError = (e) => e instanceof TypeError || e instanceof RangeError;

// Runs a property, prints its runs, fails with fast-check's shrunk counterexample.
async function check(name, property, numRuns) {
  const r = await fc.check(property, { seed: SEED, numRuns: Math.ceil(numRuns * SCALE) });
  console.log(`# property ${name}: ${r.numRuns} runs${r.numSkips ? `, ${r.numSkips} skipped` : ''} (${simd ? 'SIMD' : 'baseline'})`);
  if (r.failed) {
    throw new Error(`property ${name} failed after ${r.numRuns} runs (seed ${r.seed}, path ${r.counterexamplePath}):\n` +
      `${fc.stringify(r.counterexample)}\n${r.errorInstance?.stack ?? r.error}`);
  }
}

// ---------------------------------------------------------------- rows

// float32 values that stress the weights: ties on a coarse grid, every scale,
// ±0, subnormals, the float32 extremes, ±inf (-inf is a mask).
const special = fc.constantFrom(0, -0, 1e-45, -1e-45, 1e-40, -1e-39, 3.4028234663852886e38, -3.4028234663852886e38,
  1e30, -1e30, 1e-30, -Infinity, -Infinity, Infinity);
const logit = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -12, max: 12 }).map((k) => k / 4) },
  { weight: 4, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
  { weight: 1, arbitrary: fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(1e-3, 1e3, 1e6, 1e30)).map(([a, s]) => a * s) },
  { weight: 1, arbitrary: special },
);
const rowOf = (maxLength) => fc.array(logit, { minLength: 1, maxLength }).map((a) => Float32Array.from(a));
// Long rows (past the 1024 evenly spaced logits that top-k and top-p guess their heads from):
// a seeded normal row at some scale, a few entries from the generator above.
const longRow = fc.tuple(fc.integer({ min: 1025, max: 6000 }), fc.nat(), fc.constantFrom(0.5, 2, 4, 8), fc.array(fc.tuple(fc.nat(), logit), { maxLength: 8 }))
  .map(([n, seed, scale, patches]) => {
    const g = rng(seed + 1);
    const x = Float32Array.from({ length: n }, () => Math.round(g.normal() * scale * 8) / 8);
    for (const [i, v] of patches) x[i % n] = v;
    return x;
  });

// ---------------------------------------------------------------- kept-set model

// The sampler's weight exp(y), y = (z − max)/T, is within 2^-24·(4 + 2|y|)
// relative of float64 (docs/sampler.md); a weight below e^-80, or below the
// mass grid 2^-31, may be 0. Masses are round(w·2^30). The model keeps weights
// as intervals and each filter's kept count as an interval [lo, hi]: a cut is
// exact unless a weight or cumulative mass lies within that bound of it.
function weightInterval(z, m, t) {
  if (m === Infinity) return z === Infinity ? [1, 1] : [0, 0];
  if (z === -Infinity) return [0, 0];
  const y = (z - m) / t;
  const w = Math.exp(y);
  const e = 2 ** -24 * (4 + 2 * Math.abs(y));
  const hi = w * (1 + e);
  const lo = w < 2 ** -31 || w < Math.exp(-80) ? 0 : w * (1 - e);
  return [lo, hi];
}

// Candidates (not -inf) in rank order: larger logit first, ties to the lower id.
// A row with +inf entries keeps only those (they share the mass; the finite
// entries are not listed), while finite entries whose weight underflows are
// listed with probability 0.
function ranked(x) {
  const c = [];
  const inf = x.includes(Infinity);
  x.forEach((z, id) => { if (z !== -Infinity && (!inf || z === Infinity)) c.push({ id, z }); });
  return c.sort((a, b) => (b.z - a.z) || (a.id - b.id));
}

// Kept-count intervals of the filters on a ranked prefix of length n (each is
// monotone in n, so intervals compose).
function topPCount(r, n, p, t, mk) {
  if (p >= 1) return [n, n];
  const m = r[0].z;
  const q = r.slice(0, n).map((c) => weightInterval(c.z, m, t)).map(([lo, hi]) => [Math.max(0, Math.round(lo * 2 ** 30 - 0.5)), Math.round(hi * 2 ** 30 + 0.5)]);
  const totalLo = q.reduce((a, v) => a + v[0], 0), totalHi = q.reduce((a, v) => a + v[1], 0);
  let lo = 0, hi = 0, bLo = 0, bHi = 0;
  for (let j = 0; j < n; j++) {
    if (bHi < p * totalLo) lo = j + 1; // kept for sure: the mass before it is below the cut
    if (!(bLo >= p * totalHi)) hi = j + 1; // not dropped for sure
    bLo += q[j][0]; bHi += q[j][1];
  }
  const guard = Math.min(mk, n);
  return [Math.max(lo, guard), Math.max(hi, guard)];
}

function minPCount(r, n, minP, t, mk) {
  if (!(minP > 0)) return [n, n];
  const m = r[0].z;
  let lo = 0, hi = 0;
  for (let j = 0; j < n; j++) {
    const [wl, wh] = weightInterval(r[j].z, m, t);
    if (wl >= minP) lo = j + 1;
    if (wh >= minP) hi = j + 1;
  }
  const guard = Math.min(mk, n);
  return [Math.max(lo, guard), Math.max(hi, guard)];
}

/** The model: { ranked, lo, hi, t } — the kept set is ranked[0..L) for some L in [lo, hi]; t is the final temperature. */
function keptModel(x, o) {
  const r = ranked(x);
  if (r.length === 0) return null;
  const mk = Math.max(o.minKeep ?? 1, 1);
  const temperature = o.temperature ?? 1;
  if (temperature === 0) return { ranked: r, lo: 1, hi: 1, t: 1 };
  const order = o.order === 'hf' ? ['temperature', 'topK', 'topP', 'minP'] : ['topK', 'topP', 'minP', 'temperature'];
  let t = 1, lo = r.length, hi = r.length;
  for (const stage of order) {
    if (stage === 'temperature') t = temperature;
    else if (stage === 'topK' && (o.topK ?? 0) > 0) {
      const k = Math.max(o.topK, mk);
      lo = Math.min(k, lo); hi = Math.min(k, hi);
    } else if (stage === 'topP') {
      lo = topPCount(r, lo, o.topP ?? 1, t, mk)[0]; hi = topPCount(r, hi, o.topP ?? 1, t, mk)[1];
    } else if (stage === 'minP') {
      lo = minPCount(r, lo, o.minP ?? 0, t, mk)[0]; hi = minPCount(r, hi, o.minP ?? 0, t, mk)[1];
    }
  }
  return { ranked: r, lo, hi, t };
}

// The final probabilities of a kept set, in float64, with the reported numbers' bound.
function finalProbs(kept, t) {
  const m = kept[0].z;
  const w = kept.map((c) => (m === Infinity ? (c.z === Infinity ? 1 : 0) : Math.exp((c.z - m) / t)));
  const s = w.reduce((a, b) => a + b, 0);
  return kept.map((c, i) => ({ p: w[i] / s, y: m === Infinity ? 0 : (c.z - m) / t }));
}

const filterOptions = fc.record({
  topK: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 70 })),
  topP: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 2 ** -30, 1 - 2 ** -53, 0.5)),
  minP: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(1, 2 ** -30, Math.exp(-1))),
  minKeep: fc.integer({ min: 0, max: 4 }),
  temperature: fc.oneof(fc.constant(1), fc.constant(0), fc.double({ min: 0.05, max: 5, noNaN: true }), fc.constantFrom(2 ** -60, 2 ** 64, 1e-6)),
  order: fc.constantFrom(undefined, 'hf', 'llama.cpp'),
  seed: fc.nat(),
}, { requiredKeys: ['seed'] });

const keptCounter = { exact: 0, band: 0 };

// Kept set = a ranked prefix of admissible length; probabilities; the sampled
// token (same seed) inside the kept set with its logprob; a LogitBuffer gives
// the same result as a Float32Array; bad rows are named RangeErrors.
function keptSetProperty(env) {
  const damageOf = fc.oneof({ weight: 6, arbitrary: fc.constant('none') }, { weight: 1, arbitrary: fc.constantFrom('nan', 'masked') });
  const row = fc.oneof({ weight: 8, arbitrary: rowOf(72) }, { weight: 1, arbitrary: longRow });
  return fc.property(row, filterOptions, fc.boolean(), damageOf, (row, o, viaBuffer, damage) => {
    const x = row.slice();
    let nanAt = -1;
    if (damage === 'nan') { nanAt = x.length >> 1; x[nanAt] = NaN; }
    if (damage === 'masked') x.fill(-Infinity);
    const model = nanAt >= 0 ? null : keptModel(x, o);
    const a = env.lk.sampler(o), b = env.lk.sampler(o);
    try {
      let input = x;
      if (viaBuffer) { input = env.lk.buffer(x.length); input.view.set(x); }
      let dist, res;
      try {
        dist = a.distribution(input);
        if (viaBuffer) input.view.set(x);
        res = b.sample(input);
      } catch (e) {
        if (nanAt >= 0) {
          assert.ok(e instanceof RangeError && e.message.startsWith(`logits[${nanAt}]`) && /NaN/.test(e.message), `${e}`);
          return;
        }
        if (model === null) {
          assert.ok(e instanceof RangeError && /^no token left/.test(e.message), `${e}`);
          return;
        }
        throw e;
      } finally {
        if (viaBuffer) input.dispose();
      }
      assert.ok(nanAt < 0 && model !== null, 'a result for a row with NaN or nothing left');
      const ids = Array.from(dist.ids);
      const L = ids.length;
      assert.ok(L >= model.lo && L <= model.hi, `kept ${L} tokens, the model allows [${model.lo}, ${model.hi}]`);
      if (model.lo === model.hi) keptCounter.exact++; else keptCounter.band++;
      const expected = model.ranked.slice(0, L);
      assert.deepEqual(ids, expected.map((c) => c.id).sort((p, q) => p - q), 'the kept set is not the ranked prefix');
      const byId = new Map(finalProbs(expected, model.t).map((f, i) => [expected[i].id, f]));
      ids.forEach((id, i) => {
        const { p, y } = byId.get(id);
        const tol = p * (2 ** -24 * (8 + 2 * Math.abs(y)) + 2 ** -17) + 2e-35;
        assert.ok(Math.abs(dist.probs[i] - p) <= tol, `p[${id}] = ${dist.probs[i]}, float64 ${p}`);
      });
      assert.ok(ids.includes(res.token), `token ${res.token} outside the kept set ${ids}`);
      const { p } = byId.get(res.token);
      if (p > 1e-30) assert.ok(Math.abs(res.logprob - Math.log(p)) <= 2 ** -17, `logprob ${res.logprob} vs ${Math.log(p)}`);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
}

test('kept sets are ranked prefixes within the float64 model\'s band; sampled tokens inside; bad rows are named', async () => {
  await check('kept set', keptSetProperty({ lk }), 3000);
  console.log(`# kept set: ${keptCounter.exact} cases with an exact model cut, ${keptCounter.band} within the weight bound`);
  assert.ok(keptCounter.exact > 10 * keptCounter.band, 'the model\'s band is too wide to test anything');
});

// ---------------------------------------------------------------- options from the schema

const WRONG_TYPES = ['1', null, true, {}, [], 1n];
const scalarValue = (opt) => {
  const valid = [opt.default];
  if (opt.min !== null && !opt.minExclusive) valid.push(opt.min);
  if (opt.max !== null && !opt.maxExclusive) valid.push(opt.max);
  const lo = opt.min ?? -1e6, hi = opt.max ?? 1e6;
  const inRange = opt.kind === 'integer'
    ? fc.integer({ min: Math.max(lo, -1e6), max: Math.min(hi, 1e6) })
    : fc.double({ min: lo, max: hi, noNaN: true, minExcluded: opt.minExclusive, maxExcluded: opt.maxExclusive });
  const bad = [NaN, Infinity, -Infinity, -0, 0.5, 1.5];
  if (opt.min !== null) bad.push(opt.min, opt.min - 1, opt.min - 2 ** -30, -(2 ** 31) - 1);
  if (opt.max !== null) bad.push(opt.max, opt.max + 1, opt.max * (1 + 2 ** -52), 2 ** 31);
  return opt.kind === 'boolean'
    ? fc.constantFrom(true, false, 0, 1, 'true', null, NaN)
    : fc.oneof(inRange, fc.constantFrom(...valid), fc.constantFrom(...bad), fc.constantFrom(...WRONG_TYPES));
};
const tokenEntry = fc.oneof({ weight: 6, arbitrary: fc.nat(12) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, '3', 2 ** 31, 3n, null, NaN) });
const tokenListValue = fc.oneof(fc.array(tokenEntry, { maxLength: 4 }), fc.constantFrom(3, 'abc', null, {}));
const structuredValues = {
  seed: fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, 2 ** 53, '123', 'x1', '', 2n ** 64n, 2n ** 64n - 1n, 5n, null, NaN)),
  stream: fc.oneof(fc.nat(), fc.constantFrom(-1, '7', 7n, null)),
  prompt: tokenListValue,
  bannedTokens: tokenListValue,
  allowedTokens: tokenListValue,
  eosTokenId: tokenListValue,
  logitBias: fc.oneof(
    fc.dictionary(fc.constantFrom('0', '1', '5', '-1', '1.5', 'x'), fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.constantFrom(NaN, '2', null, Infinity)), { maxKeys: 3 }),
    fc.constantFrom(5, 'x', null, [[1, 2]], [[1]], new Map([[2, -1]]))),
  order: fc.oneof(fc.constantFrom('hf', 'llama.cpp', 'nucleus', 'toString', '__proto__', 'constructor', 5, null, {}),
    fc.array(fc.constantFrom(...SCHEMA.stages, 'nucleus', 7), { maxLength: SCHEMA.stages.length + 1 })),
};
const OPTION_ARBS = Object.fromEntries([...SCHEMA.options.map((o) => [o.name, scalarValue(o)]), ...Object.entries(structuredValues)]);
// A few options at a time, so that one bad value is not hidden behind another checked first.
const optionsObject = fc.tuple(
  fc.uniqueArray(fc.constantFrom(...Object.keys(OPTION_ARBS)), { maxLength: 5 })
    .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, OPTION_ARBS[k]])))),
  fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('topk', 'temprature', 'top_p', 'seeds', 'bitmask', 'mode', '') }),
).map(([o, unknown]) => (unknown === null ? o : { ...o, [unknown]: 1 }));

// What the model expects of one option: null (valid), or the error class its value must raise.
function expectedError(name, v) {
  const opt = SCHEMA.options.find((o) => o.name === name);
  if (opt) {
    if (opt.kind === 'boolean') return typeof v === 'boolean' ? null : TypeError;
    if (typeof v !== 'number') return TypeError;
    if (!Number.isFinite(v) || (opt.kind === 'integer' && !Number.isInteger(v))) return RangeError;
    if (opt.min !== null && (opt.minExclusive ? !(v > opt.min) : !(v >= opt.min))) return RangeError;
    if (opt.max !== null && (opt.maxExclusive ? !(v < opt.max) : !(v <= opt.max))) return RangeError;
    // A float option is stored as float32: its rule holds for the rounded value too (5e-324 is not > 0).
    if (opt.kind === 'float' && v !== Math.fround(v)) return expectedError(name, Math.fround(v));
    return null;
  }
  const tokenId = (t) => (typeof t !== 'number' ? TypeError : Number.isInteger(t) && t >= 0 && t < 2 ** 31 ? null : RangeError);
  const list = (l) => {
    if (typeof l === 'number') return tokenId(l);
    if (!Array.isArray(l)) return TypeError;
    for (const t of l) { const e = tokenId(t); if (e) return e; }
    return null;
  };
  switch (name) {
    case 'seed': case 'stream':
      if (typeof v === 'bigint') return v >= 0n && v < 2n ** 64n ? null : RangeError;
      if (typeof v === 'string') return /^[0-9]+$/.test(v) ? (BigInt(v) < 2n ** 64n ? null : RangeError) : TypeError;
      if (typeof v !== 'number') return TypeError;
      return Number.isSafeInteger(v) && v >= 0 ? null : RangeError;
    case 'prompt': case 'bannedTokens': case 'allowedTokens': case 'eosTokenId':
      return list(v);
    case 'logitBias': {
      let entries;
      if (v instanceof Map) entries = [...v.entries()];
      else if (Array.isArray(v)) entries = v;
      else if (v !== null && typeof v === 'object') entries = Object.entries(v);
      else return TypeError;
      for (const e of entries) {
        if (!Array.isArray(e) || e.length !== 2) return TypeError;
        const token = Number(e[0]);
        if (!Number.isInteger(token) || token < 0) return RangeError;
        if (typeof e[1] !== 'number') return TypeError;
        if (Number.isNaN(e[1])) return RangeError;
      }
      return null;
    }
    case 'order':
      if (typeof v === 'string') return Object.hasOwn(SCHEMA.orders, v) ? null : RangeError;
      if (!Array.isArray(v)) return TypeError;
      return v.every((s) => SCHEMA.stages.includes(s)) && new Set(v).size === v.length ? null : RangeError;
    default:
      return RangeError; // an unknown option
  }
}

const ROW8 = new Float32Array([1, -2, 0.5, 3, 3, -Infinity, 0, 2]);

// Either construction throws a TypeError or RangeError naming an option whose
// value the model rejects (with the model's class), or — only when every value
// is valid — one of the documented cross-option errors; or it works, and then
// every value was valid, a step gives a token of the row or a named error, and
// toJSON → samplerFromJSON rebuilds the same sampler.
function optionsProperty(env) {
  return fc.property(optionsObject, (o) => {
    const verdicts = Object.entries(o).map(([k, v]) => [k, expectedError(k, v)]).filter(([, e]) => e !== null);
    let s;
    try {
      s = env.lk.sampler(o);
    } catch (e) {
      assert.ok(isTypedError(e), `${e?.constructor?.name}: ${e?.message}`);
      const named = verdicts.find(([k]) => [' ', '[', ':'].some((c) => e.message.startsWith(`options.${k}${c}`)));
      if (named) {
        assert.equal(e.constructor, named[1], `options.${named[0]} = ${fc.stringify(o[named[0]])}: ${e.message}`);
        return;
      }
      assert.equal(verdicts.length, 0, `the error names none of ${verdicts.map(([k]) => k)}: ${e.message}`);
      assert.ok(e instanceof RangeError, e.message);
      const orderRule = Array.isArray(o.order) && e.message.startsWith('options.order ');
      const selectorRule = o.mirostat >= 1 && o.adaptivePTarget >= 0 && /^options\.\w+ enables the \w+ selector/.test(e.message);
      assert.ok(orderRule || selectorRule, `a cross-option error the model does not expect: ${e.message}`);
      return;
    }
    try {
      assert.deepEqual(verdicts, [], 'constructed with an invalid option');
      const json = JSON.parse(JSON.stringify(s));
      let r1, r2;
      try { r1 = s.sample(ROW8); } catch (e) { r1 = e; }
      const t = env.lk.samplerFromJSON(json);
      try { r2 = t.sample(ROW8); } catch (e) { r2 = e; }
      t.dispose();
      if (r1 instanceof Error) {
        assert.ok(isTypedError(r1) && /^(no token left|options\.|the history)/.test(r1.message), `${r1.constructor.name}: ${r1.message}`);
        assert.equal(r2?.message, r1.message);
      } else {
        assert.ok(Number.isInteger(r1.token) && r1.token >= 0 && r1.token < 8 && ROW8[r1.token] !== -Infinity, `token ${r1.token}`);
        assert.ok(r1.logprob <= 0 && !Number.isNaN(r1.logprob), `logprob ${r1.logprob}`);
        assert.deepEqual(r2, r1, 'samplerFromJSON(toJSON()) samples differently');
      }
    } finally {
      s.dispose();
    }
  });
}

test('option objects from the schema: a named TypeError/RangeError of the model\'s class, or a working sampler', async () => {
  await check('options', optionsProperty({ lk }), 6000);
});

// ---------------------------------------------------------------- sequences of calls

// Valid option sets for the sequence: penalties, n-gram and mirostat state
// depend on the history, XTC on the RNG, adaptive-p on accepted tokens.
const SEQ_V = 24;
const seqOptions = fc.record({
  seed: fc.nat(),
  temperature: fc.constantFrom(0, 0.7, 1, 1.5),
  topK: fc.constantFrom(0, 3, 10),
  topP: fc.constantFrom(1, 0.9, 0.5),
  repetitionPenalty: fc.constantFrom(1, 1.3),
  presencePenalty: fc.constantFrom(0, 0.5),
  noRepeatNgramSize: fc.constantFrom(0, 2),
  xtcProbability: fc.constantFrom(0, 0.5),
  mirostat: fc.constantFrom(0, 0, 2),
  prompt: fc.array(fc.nat(SEQ_V - 1), { maxLength: 6 }),
  topLogprobs: fc.constantFrom(0, 3),
}, { requiredKeys: ['seed'] });
const seqRow = fc.array(fc.integer({ min: -16, max: 16 }).map((k) => k / 4), { minLength: SEQ_V, maxLength: SEQ_V }).map((a) => Float32Array.from(a));

// The model: per sampler its options, its current prompt and the calls since
// creation or the last reset; a fresh sampler that replays them is the reference.
function replayed(env, m) {
  const f = (env.ref ?? env.lk).sampler({ ...m.options, prompt: m.prompt });
  for (const [op, arg] of m.log) {
    if (op === 'accept') f.accept(arg);
    // distribution() advances the RNG like a step, but it draws nothing, so
    // mirostat's μ (updated by a draw's surprise) stays: only then is it replayed as itself.
    else if (op === 'distribution' && m.options.mirostat > 0) f.distribution(arg);
    else f.sample(arg);
  }
  return f;
}
const same = (a, b) => (a instanceof Error || b instanceof Error
  ? assert.equal(`${b?.constructor?.name}: ${b?.message}`, `${a?.constructor?.name}: ${a?.message}`)
  : assert.deepEqual(b, a));
const attempt = (fn) => { try { return fn(); } catch (e) { if (!isTypedError(e)) throw e; return e; } };

class Create {
  constructor(options) { this.options = options; }
  check() { return true; }
  run(model, real) {
    model.samplers.push({ options: this.options, prompt: this.options.prompt ?? [], log: [] });
    real.samplers.push(real.env.lk.sampler(this.options));
  }
  toString() { return `create(${fc.stringify(this.options)})`; }
}
class Step {
  constructor(i, row, kind, viaBuffer) { Object.assign(this, { i, row, kind, viaBuffer }); }
  check(model) { return model.samplers.length > 0; }
  run(model, real) {
    const i = this.i % model.samplers.length, m = model.samplers[i], s = real.samplers[i];
    let input = this.row;
    if (this.viaBuffer) { input = real.env.lk.buffer(this.row.length); input.view.set(this.row); }
    const got = attempt(() => (this.kind === 'distribution' ? s.distribution(input) : s[this.kind](input)));
    if (this.viaBuffer) input.dispose();
    const f = replayed(real.env, m);
    const want = attempt(() => (this.kind === 'distribution' ? f.distribution(this.row.slice()) : f.sample(this.row.slice())));
    if (this.kind === 'distribution' && !(want instanceof Error) && !(m.options.mirostat > 0)) {
      // The distribution the next sample() would draw from: a sampler in the same state draws inside it.
      const g = replayed(real.env, m);
      const r = g.sample(this.row.slice());
      g.dispose();
      assert.ok(want.ids.includes(r.token), `sample() drew ${r.token} outside distribution()'s ${want.ids}`);
    }
    if (this.kind === 'next' && !(want instanceof Error)) f.accept(want.token);
    f.dispose();
    same(want, got);
    if (!(got instanceof Error)) {
      m.log.push([this.kind === 'distribution' ? 'distribution' : 'sample', this.row]);
      if (this.kind === 'next') m.log.push(['accept', got.token]);
    }
  }
  toString() { return `${this.kind}(#${this.i}, [${this.row}]${this.viaBuffer ? ' as a LogitBuffer' : ''})`; }
}
class Accept {
  constructor(i, token) { Object.assign(this, { i, token }); }
  check(model) { return model.samplers.length > 0; }
  run(model, real) {
    const i = this.i % model.samplers.length;
    real.samplers[i].accept(this.token);
    model.samplers[i].log.push(['accept', this.token]);
  }
  toString() { return `accept(#${this.i}, ${this.token})`; }
}
class Reset {
  constructor(i, prompt) { Object.assign(this, { i, prompt }); }
  check(model) { return model.samplers.length > 0; }
  run(model, real) {
    const i = this.i % model.samplers.length, m = model.samplers[i];
    real.samplers[i].reset(this.prompt);
    m.prompt = this.prompt ?? m.options.prompt ?? [];
    m.log = [];
  }
  toString() { return `reset(#${this.i}${this.prompt ? `, [${this.prompt}]` : ''})`; }
}
class RoundTrip { // toJSON, compared with the replay's; the sampler is replaced by samplerFromJSON of it
  constructor(i, asString) { Object.assign(this, { i, asString }); }
  check(model) { return model.samplers.length > 0; }
  run(model, real) {
    const i = this.i % model.samplers.length, s = real.samplers[i];
    const json = s.toJSON();
    const f = replayed(real.env, model.samplers[i]);
    const want = f.toJSON();
    f.dispose();
    assert.deepEqual(json.state, want.state, 'toJSON().state differs from the replay\'s');
    assert.deepEqual(json.options, JSON.parse(JSON.stringify(model.samplers[i].options)));
    real.samplers[i] = real.env.lk.samplerFromJSON(this.asString ? JSON.stringify(s) : json);
    s.dispose();
  }
  toString() { return `toJSON+fromJSON(#${this.i}${this.asString ? ', string' : ''})`; }
}
class Dispose {
  constructor(i) { this.i = i; }
  check(model) { return model.samplers.length > 0; }
  run(model, real) {
    const i = this.i % model.samplers.length, s = real.samplers[i];
    s.dispose();
    s.dispose(); // twice is harmless
    const e = attempt(() => s.sample(new Float32Array(SEQ_V)));
    assert.ok(e instanceof TypeError && /disposed/.test(e.message), `${e}`);
    model.samplers.splice(i, 1);
    real.samplers.splice(i, 1);
  }
  toString() { return `dispose(#${this.i})`; }
}
class ForeignBuffer { // a disposed buffer and another module's buffer: TypeErrors naming logits
  constructor(i) { this.i = i; }
  check(model) { return model.samplers.length > 0; }
  run(model, real) {
    const s = real.samplers[this.i % model.samplers.length];
    const dead = real.env.lk.buffer(SEQ_V);
    dead.dispose();
    const foreign = other.buffer(SEQ_V);
    for (const b of [dead, foreign]) {
      const e = attempt(() => s.sample(b));
      assert.ok(e instanceof TypeError && e.message.startsWith('logits is a LogitBuffer'), `${e}`);
    }
    foreign.dispose();
    // A view taken before memory grew is detached (length 0): a named error, not a stale read.
    const b = real.env.lk.buffer(SEQ_V);
    const view = b.view;
    const big = real.env.lk.buffer(1 << 22);
    big.dispose();
    if (view.length === 0) {
      const e2 = attempt(() => s.sample(view));
      assert.ok(e2 instanceof RangeError && /^logits must not be empty/.test(e2.message), `${e2}`);
    }
    b.dispose();
  }
  toString() { return `foreign and disposed buffers(#${this.i})`; }
}

const seqCommands = fc.commands([
  seqOptions.map((o) => new Create(o)),
  fc.tuple(fc.nat(5), seqRow, fc.constantFrom('sample', 'next', 'distribution'), fc.boolean()).map(([i, r, k, b]) => new Step(i, r, k, b)),
  fc.tuple(fc.nat(5), fc.nat(SEQ_V - 1)).map(([i, t]) => new Accept(i, t)),
  fc.tuple(fc.nat(5), fc.option(fc.array(fc.nat(SEQ_V - 1), { maxLength: 4 }), { nil: undefined })).map(([i, p]) => new Reset(i, p)),
  fc.tuple(fc.nat(5), fc.boolean()).map(([i, s]) => new RoundTrip(i, s)),
  fc.nat(5).map((i) => new Dispose(i)),
  fc.nat(5).map((i) => new ForeignBuffer(i)),
], { maxCommands: 30 });

function warmUp(env) {
  // Scratch regions and the shared workspace grow once to this property's sizes; the big buffer is the memory growth.
  env.lk.buffer(1 << 22).dispose();
  const s = env.lk.sampler({ prompt: Array.from({ length: 12 }, (_, i) => i), topLogprobs: 3, noRepeatNgramSize: 2 });
  for (let i = 0; i < 3; i++) { s.distribution(new Float32Array(SEQ_V)); s.next(new Float32Array(SEQ_V)); }
  env.lk.samplerFromJSON(JSON.stringify(s)).dispose();
  s.reset([1, 2, 3, 4]);
  s.dispose();
}

function sequenceProperty(env) {
  return fc.property(seqCommands, (cmds) => {
    const before = env.lk._m.heapInUse();
    const real = { env, samplers: [] };
    try {
      fc.modelRun(() => ({ model: { samplers: [] }, real }), cmds);
    } finally {
      for (const s of real.samplers) s.dispose();
    }
    // emmalloc may keep a few header bytes across a cycle (as in lifetime.test.mjs); a sampler or buffer left behind is far more.
    const grown = env.lk._m.heapInUse() - before;
    assert.ok(Math.abs(grown) <= 64, `wasm memory in use after every sampler was disposed: ${grown} bytes more than before`);
  });
}

test('sequences of create/sample/next/distribution/accept/reset/toJSON/fromJSON/dispose on several samplers replay exactly; memory returns', async () => {
  warmUp({ lk });
  await check('sequences', sequenceProperty({ lk }), 600);
});

// ---------------------------------------------------------------- adapters

const tensorOf = (data, dims) => ({ data, dims, type: 'float32' });
const expectLogRow = (env, v, dist) => {
  const l = env.ref ?? env.lk;
  const row = new Float32Array(v).fill(-Infinity);
  const logs = l.log(dist.probs);
  dist.ids.forEach((id, k) => { row[id] = logs[k]; });
  return row;
};
const adapterOptions = fc.record({
  seed: fc.nat(),
  topP: fc.constantFrom(1, 0.8),
  minP: fc.constantFrom(0, 0.05),
  temperature: fc.constantFrom(1, 0.6, 0),
  repetitionPenalty: fc.constantFrom(1, 1.5),
  xtcProbability: fc.constantFrom(0, 0.5),
  minNewTokens: fc.constantFrom(0, 2),
  eosTokenId: fc.constantFrom(undefined, 0),
}, { requiredKeys: ['seed'] });
const AV = 12;
const adapterRow = fc.array(fc.integer({ min: -12, max: 12 }).map((k) => k / 3), { minLength: AV, maxLength: AV }).map((a) => Float32Array.from(a));

// transformers.js: the processor rewrites each row to the log of the
// distribution of a sampler that follows input_ids[r] (accepting the new tokens
// of a row that extends the last one, starting over otherwise).
function transformersProperty(env) {
  const step = fc.record({
    rows: fc.array(adapterRow, { minLength: 1, maxLength: 3 }),
    extend: fc.array(fc.oneof(fc.nat(AV - 1).map((t) => [t]), fc.array(fc.nat(AV - 1), { maxLength: 5 }).map((p) => ({ fresh: p }))), { minLength: 3, maxLength: 3 }),
  });
  return fc.property(adapterOptions, fc.array(step, { minLength: 1, maxLength: 6 }), fc.boolean(), (o, steps, bigints) => {
    const p = env.logitsProcessor(env.lk, o);
    const models = [];
    try {
      for (const st of steps) {
        const b = st.rows.length;
        const inputIds = st.rows.map((_, r) => {
          const e = st.extend[r];
          const m = models[r];
          // The processor's rule: ids that extend the row's last ones (equal included) continue it, others start over.
          const continues = m !== undefined && e.fresh && e.fresh.length >= m.ids.length && m.ids.every((t, i) => t === e.fresh[i]);
          if (continues) {
            for (const t of e.fresh.slice(m.ids.length)) m.log.push(['accept', t]);
            m.ids = [...e.fresh];
          } else if (m === undefined || e.fresh) {
            models[r] = { prompt: e.fresh ?? [], log: [], ids: [...(e.fresh ?? [])] };
          } else {
            m.ids.push(e[0]);
            m.log.push(['accept', e[0]]);
          }
          return models[r].ids.map((t) => (bigints ? BigInt(t) : t));
        });
        const data = new Float32Array(b * AV);
        st.rows.forEach((row, r) => data.set(row, r * AV));
        const want = st.rows.map((row, r) => {
          const f = replayed(env, { options: o, prompt: models[r].prompt, log: models[r].log });
          const d = attempt(() => f.distribution(row.slice()));
          f.dispose();
          return d instanceof Error ? d : expectLogRow(env, AV, d);
        });
        const tensor = tensorOf(data, [b, AV]);
        const got = attempt(() => p(inputIds, tensor));
        const firstError = want.find((w) => w instanceof Error);
        if (firstError) {
          assert.ok(got instanceof Error, 'a result where the replay throws');
          same(firstError, got);
          return; // the processor's rows are in an unspecified state after a failed call
        }
        assert.ok(!(got instanceof Error), `${got}`);
        assert.equal(got, tensor, 'the same Tensor is returned');
        want.forEach((w, r) => assert.deepEqual(data.subarray(r * AV, (r + 1) * AV), w, `row ${r}`));
        st.rows.forEach((row, r) => models[r].log.push(['sample', row]));
      }
    } finally {
      p.dispose();
    }
  });
}

// transformers.js's LogitsSampler interface and WebLLM's LogitProcessor: the
// same tokens and rows as a plain sampler replaying the calls.
function samplerAdaptersProperty(env) {
  const op = fc.oneof(
    adapterRow.map((row) => ['process', row]),
    fc.nat(AV - 1).map((t) => ['accept', t]),
    fc.constant(['reset']),
  );
  return fc.asyncProperty(adapterOptions, fc.constantFrom('distribution', 'sample', undefined), fc.array(op, { maxLength: 10 }), async (o, mode, ops) => {
    const w = env.logitProcessor(env.lk, mode === undefined ? o : { ...o, mode });
    const t = env.logitsSampler(env.lk, o);
    const mw = { options: o, prompt: [], log: [] }, mt = { options: o, prompt: [], log: [] };
    try {
      for (const [kind, arg] of ops) {
        if (kind === 'accept') {
          w.processSampledToken(arg);
          mw.log.push(['accept', arg]);
        } else if (kind === 'reset') {
          w.resetState(); t.reset();
          mw.log = []; mt.log = [];
        } else {
          const f = replayed(env, mw);
          const d = attempt(() => (mode === 'sample' ? f.sample(arg.slice()) : f.distribution(arg.slice())));
          f.dispose();
          const row = arg.slice();
          const got = attempt(() => w.processLogits(row));
          if (d instanceof Error) { same(d, got); continue; }
          const want = mode === 'sample' ? Float32Array.from({ length: AV }, (_, i) => (i === d.token ? 0 : -Infinity)) : expectLogRow(env, AV, d);
          assert.deepEqual(got, want, 'webllm processLogits');
          if (mode === 'sample') assert.deepEqual(w.lastResult, d);
          mw.log.push(['sample', arg]);
          // LogitsSampler: its last row, as a [2, AV] tensor.
          const f2 = replayed(env, mt);
          const r2 = attempt(() => f2.sample(arg.slice()));
          f2.dispose();
          const data = new Float32Array(2 * AV);
          data.set(arg, AV);
          const got2 = await t(tensorOf(data, [2, AV])).catch((e) => e);
          if (r2 instanceof Error) { same(r2, got2); continue; }
          assert.deepEqual(got2, [[BigInt(r2.token), r2.logprob]], 'logitsSampler');
          mt.log.push(['sample', arg], ['accept', r2.token]);
        }
      }
    } finally {
      w.dispose(); t.dispose();
    }
  });
}

// ONNX Runtime: the last position of [batch, seq, vocab] or [batch, vocab]; bad tensors and outs are named errors.
function onnxProperty(env) {
  const badTensor = fc.constantFrom(null, 5, { data: new Float32Array(4) }, { data: new Float64Array(4), dims: [1, 4] },
    { data: new Float32Array(4), dims: [1, 4], type: 'float16' }, { data: new Float32Array(4), dims: [1, 4], location: 'gpu-buffer' },
    { data: new Float32Array(6), dims: [1, 4] }, { data: new Float32Array(4), dims: [] }, { data: new Float32Array(4), dims: [4, 0] },
    { data: new Float32Array(8), dims: [1, 2, 2, 2] }, { data: [1, 2], dims: [1, 2] }, { data: new Float32Array(0), dims: [1, 0, 4] });
  const goodTensor = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.boolean())
    .map(([b, s, v, threeD, bigDims]) => {
      const dims = threeD ? [b, s, v] : [b, v];
      const data = Float32Array.from({ length: dims.reduce((a, c) => a * c, 1) }, (_, i) => i * 0.5 - 3);
      return { data, dims: bigDims ? dims.map(BigInt) : dims, type: 'float32' };
    });
  const outKind = fc.constantFrom('none', 'good', 'wrongLength', 'disposed', 'foreign', 'float32array');
  return fc.property(fc.oneof(goodTensor, badTensor), outKind, (tensor, kind) => {
    const dims = tensor?.dims?.map?.(Number);
    const good = dims !== undefined && tensor.data instanceof Float32Array && (tensor.type ?? 'float32') === 'float32' && tensor.location === undefined &&
      (dims.length === 2 || dims.length === 3) && dims.every((d) => d > 0) && dims.reduce((a, c) => a * c, 1) === tensor.data.length;
    const views = attempt(() => env.lastLogits(tensor));
    if (!good) {
      assert.ok(views instanceof Error && views.message.startsWith('logits'), `${views}`);
    } else {
      const [b, s, v] = dims.length === 3 ? dims : [dims[0], 1, dims[1]];
      assert.equal(views.length, b);
      views.forEach((view, r) => {
        assert.equal(view.buffer, tensor.data.buffer, 'a view, not a copy');
        assert.deepEqual(view, tensor.data.slice((r * s + s - 1) * v, (r * s + s) * v));
      });
    }
    const n = good ? dims[0] * dims[dims.length - 1] : 4;
    const out = { none: undefined, good: env.lk.buffer(n), wrongLength: env.lk.buffer(n + 1), disposed: env.lk.buffer(n), foreign: other.buffer(n), float32array: new Float32Array(n) }[kind];
    if (kind === 'disposed') out.dispose();
    const before = env.lk._m.heapInUse();
    const buf = attempt(() => env.lastLogitsBuffer(env.lk, tensor, out));
    try {
      if (!good) {
        assert.ok(buf instanceof Error && /^(logits|out)/.test(buf.message), `${buf}`);
      } else if (kind === 'none' || kind === 'good') {
        assert.ok(!(buf instanceof Error), `${buf}`);
        if (kind === 'good') assert.equal(buf, out);
        assert.deepEqual(buf.view, Float32Array.from(views.flatMap((v) => Array.from(v))));
      } else {
        const cls = kind === 'wrongLength' ? RangeError : TypeError;
        assert.ok(buf instanceof cls && buf.message.startsWith('out '), `${kind}: ${buf}`);
        assert.equal(env.lk._m.heapInUse(), before, 'a failed call allocated');
      }
    } finally {
      if (kind === 'none' && !(buf instanceof Error)) buf.dispose();
      if (out?.dispose) out.dispose();
    }
  });
}

// XGrammar: a matcher shaped like XGrammar's (random masks per step); each
// token is allowed by its step's mask and equals a plain sampler's under that
// mask; a mask allowing nothing or too short is a named RangeError; allowedCount is a popcount.
function popcount(mask, v) {
  let n = 0;
  for (let t = 0; t < v; t++) if ((mask[t >>> 5] >>> (t & 31)) & 1) n++;
  return n;
}
function xgrammarProperty(env) {
  const V = 40;
  const mask = fc.tuple(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 2 }), fc.constantFrom('random', 'one', 'none', 'all'))
    .map(([words, kind]) => {
      const m = new Int32Array(Math.max(words.length, kind === 'random' ? 1 : 2));
      if (kind === 'random') m.set(words); else if (kind === 'all') m.fill(-1); else if (kind === 'one') m[1] = 1 << ((words[0] >>> 0) % 8);
      return m;
    });
  return fc.asyncProperty(adapterOptions, fc.array(fc.tuple(mask, fc.array(fc.integer({ min: -8, max: 8 }), { minLength: V, maxLength: V })), { minLength: 1, maxLength: 6 }),
    fc.boolean(), async (o, steps, viaBuffer) => {
      let at = 0, ended = false;
      const matcher = {
        getNextTokenBitmask: async () => steps[at][0],
        acceptToken: (t) => ((steps[at][0][t >>> 5] >>> (t & 31)) & 1) === 1 && (++at, ended = at === steps.length, true),
        isTerminated: () => ended,
        reset: () => { at = 0; ended = false; },
      };
      const g = env.grammarSampler(env.lk, matcher, o);
      const model = { options: o, prompt: [], log: [] };
      try {
        for (const [m, z] of steps) {
          const x = Float32Array.from(z);
          if (m.length * 32 >= V) assert.equal(env.allowedCount(m, V), popcount(m, V));
          const f = replayed(env, model);
          const want = attempt(() => f.sample(x.slice(), { bitmask: m }));
          f.dispose();
          let input = x;
          if (viaBuffer) { input = env.lk.buffer(V); input.view.set(x); }
          const got = await g.next(input).catch((e) => e);
          if (viaBuffer) input.dispose();
          if (m.length * 32 < V) {
            assert.ok(got instanceof RangeError && /bitmask has \d+ words/.test(got.message), `${got}`);
            return;
          }
          if (want instanceof Error) {
            assert.ok(got instanceof RangeError && /^no token left/.test(got.message) && want.message.startsWith('no token left'), `${got} / ${want}`);
            assert.equal(popcount(m, V) === 0, /allows none/.test(got.message));
            return;
          }
          assert.ok(!(got instanceof Error), `${got}`);
          assert.ok((m[got.token >>> 5] >>> (got.token & 31)) & 1, `token ${got.token} outside the mask`);
          assert.equal(got.token, want.token);
          assert.equal(got.logprob, want.logprob);
          model.log.push(['sample', x], ['accept', got.token]);
        }
        assert.ok(g.done);
        const e = await g.next(new Float32Array(V)).catch((err) => err);
        assert.ok(e instanceof RangeError && /grammar has ended/.test(e.message), `${e}`);
      } finally {
        g.dispose();
      }
    });
}

function allowedCountProperty(env) {
  return fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 4 }), fc.boolean(),
    fc.oneof(fc.nat(140), fc.constantFrom(-1, 1.5, NaN, '3', null)), (words, signed, v) => {
      const m = signed ? Int32Array.from(words) : Uint32Array.from(words, (w) => w >>> 0);
      const r = attempt(() => env.allowedCount(m, v));
      if (typeof v !== 'number') assert.ok(r instanceof TypeError && r.message.startsWith('vocabSize'), `${r}`);
      else if (!(Number.isInteger(v) && v >= 0 && v <= 32 * m.length)) assert.ok(r instanceof RangeError && r.message.startsWith('vocabSize'), `${r}`);
      else assert.equal(r, popcount(m, v));
    });
}

// Wrong arguments to every adapter entry: a TypeError or RangeError naming the argument.
function adapterArgumentsProperty(env) {
  const badLk = fc.constantFrom(null, {}, 5, { sampler: 1 });
  const badOptions = fc.constantFrom(5, 'x', [], { topP: 2 }, { tmperature: 1 }, { bitmask: 5 }, { mode: 'greedy' }, { unconstrainedLogprob: 1 });
  const entry = fc.constantFrom('logitsProcessor', 'logitsSampler', 'logitProcessor', 'grammarSampler');
  const goodMatcher = { getNextTokenBitmask: () => new Int32Array(1), acceptToken: () => true, isTerminated: () => false, reset() {} };
  return fc.property(entry, fc.oneof(badLk.map((l) => ({ lk: l })), badOptions.map((o) => ({ options: o }))), fc.boolean(), (name, bad, badMatcher) => {
    const l = 'lk' in bad ? bad.lk : env.lk;
    const o = 'options' in bad ? bad.options : undefined;
    const call = () => (name === 'grammarSampler' ? env.grammarSampler(l, badMatcher ? { acceptToken() {} } : goodMatcher, o) : env[name](l, o));
    const r = attempt(call);
    // Options an adapter takes for itself: only its own entry knows them.
    const own = (name === 'logitProcessor' && o?.mode !== undefined && o.mode !== 'greedy') ||
      (name.startsWith('logits') && o?.bitmask !== undefined && typeof o.bitmask === 'function');
    if (own) { r.dispose?.(); return; }
    assert.ok(r instanceof Error, `${name}(${fc.stringify(bad)}) gave a result`);
    assert.ok(isTypedError(r), `${r}`);
    assert.ok(/^(\w+\(lk[^)]*\)|options|matcher)|options\./.test(r.message), r.message);
  });
}

test('adapters: transformers.js processor rows equal a replayed sampler\'s distribution', async () => {
  await check('transformers processor', transformersProperty(ADAPTERS), 600);
});
test('adapters: logitsSampler and the WebLLM LogitProcessor equal a replayed sampler', async () => {
  await check('logitsSampler + webllm', samplerAdaptersProperty(ADAPTERS), 600);
});
test('adapters: onnx lastLogits / lastLogitsBuffer against slices; bad tensors and outs are named', async () => {
  await check('onnx', onnxProperty(ADAPTERS), 1000);
});
test('adapters: xgrammar tokens inside each step\'s mask, equal to a plain sampler under it; allowedCount is a popcount', async () => {
  await check('xgrammar', xgrammarProperty(ADAPTERS), 600);
  await check('allowedCount', allowedCountProperty(ADAPTERS), 1000);
});
test('adapters: wrong lk, options or matcher are a TypeError or RangeError naming the argument', async () => {
  await check('adapter arguments', adapterArgumentsProperty(ADAPTERS), 400);
});

// ---------------------------------------------------------------- regressions: the shrunk counterexamples

test('regression: lastLogitsBuffer names `out` when it is disposed, another instance\'s, or not a LogitBuffer', () => {
  const tensor = tensorOf(new Float32Array([-3]), [1, 1]);
  const dead = lk.buffer(1);
  dead.dispose();
  const foreign = other.buffer(1);
  for (const out of [dead, foreign, new Float32Array(1), null]) {
    assert.throws(() => lastLogitsBuffer(lk, tensor, out), (e) => e instanceof TypeError && e.message.startsWith('out '));
  }
  foreign.dispose();
  assert.throws(() => lastLogitsBuffer(lk, tensor, lk.buffer(2)), { name: 'RangeError', message: 'out must hold batch × vocab = 1 elements, got 2' });
});

test('regression: a token list entry or a bias value of the wrong type is a TypeError; an inherited name is not an order preset', () => {
  assert.throws(() => lk.sampler({ prompt: [null] }), { name: 'TypeError', message: 'options.prompt[0] must be a token id, a number (got null)' });
  assert.throws(() => lk.sampler({ bannedTokens: [1, '3'] }), { name: 'TypeError', message: 'options.bannedTokens[1] must be a token id, a number (got string "3")' });
  assert.throws(() => lk.sampler({ logitBias: { 1: '2' } }), { name: 'TypeError', message: 'options.logitBias[1] must be a number (got string "2")' });
  assert.throws(() => lk.sampler({ logitBias: { 1: NaN } }), { name: 'RangeError', message: 'options.logitBias[1] must be a number, got NaN' });
  for (const order of ['toString', '__proto__', 'constructor']) {
    assert.throws(() => lk.sampler({ order }), { name: 'RangeError', message: `options.order must be 'llama.cpp', 'hf' or an array of stage names, got '${order}'` });
  }
});

test('regression: seed and stream null are TypeErrors, not the default', () => {
  assert.throws(() => lk.sampler({ stream: null, adaptivePTarget: 0 }), { name: 'TypeError', message: /^options.stream must be an integer/ });
  assert.throws(() => lk.sampler({ seed: null }), { name: 'TypeError', message: /^options.seed must be an integer/ });
  assert.throws(() => lk.speculativeVerify(new Float32Array([1]), new Float32Array(0), new Int32Array(0), { counter: null }), { name: 'TypeError', message: /^options.counter/ });
});

test('regression: a float option is checked as the float32 it becomes (5e-324 is not > 0)', () => {
  assert.throws(() => lk.sampler({ repetitionPenalty: 5e-324 }), (e) => e instanceof RangeError && e.message.startsWith('options.repetitionPenalty must be > 0'));
});

test('regression: a ±Infinity bias survives JSON.stringify → samplerFromJSON; on the opposite infinity it is -inf, not NaN', () => {
  const s = lk.sampler({ minKeep: 0, topK: 0, logitBias: { 0: Infinity, 5: Infinity, 6: -Infinity }, presencePenalty: 3.4028234663852886e38, stream: 0 });
  // ROW8[5] is -inf: the mask wins over the +inf bias; token 0 (+inf after its bias) is the only one left.
  const r = s.sample(ROW8);
  assert.equal(r.token, 0);
  const t = lk.samplerFromJSON(JSON.parse(JSON.stringify(s)));
  assert.deepEqual(t.sample(ROW8), lk.sampler({ logitBias: { 0: Infinity, 5: Infinity, 6: -Infinity } }).sample(ROW8));
  const buf = lk.buffer(3);
  buf.view.set([-Infinity, Infinity, 1]);
  lk.sampler({ logitBias: { 0: Infinity, 1: -Infinity } }).sample(buf);
  assert.deepEqual(Array.from(buf.view), [-Infinity, -Infinity, 1]);
  for (const x of [s, t, buf]) x.dispose();
});

test('regression: distribution() advances the RNG like a step but leaves mirostat\'s μ (no draw, no surprise)', () => {
  const x = new Float32Array(24);
  const a = lk.sampler({ seed: 0, mirostat: 2 });
  a.distribution(x);
  const state = a.saveState();
  assert.equal(state.counter, '2');
  assert.equal(state.mirostatMu, null); // not yet set: μ starts at 2τ at the first draw
  a.sample(x);
  assert.ok(a.saveState().mirostatMu > 0);
  a.dispose();
});

test('regression: a row with +inf keeps only its +inf entries; finite weights that underflow are listed with probability 0', () => {
  assert.deepEqual(lk.sampler({ seed: 0 }).distribution(new Float32Array([0, Infinity])), { ids: new Int32Array([1]), probs: new Float32Array([1]) });
  assert.deepEqual(Array.from(lk.sampler().distribution(new Float32Array([0, -100, -200])).ids), [0, 1, 2]);
});

// ---------------------------------------------------------------- every property fails on a doctored library

// A sampler whose methods go to `s` unless `hooks` replace them.
function wrapSampler(s, hooks = {}) {
  const w = {
    sample: (x, o) => s.sample(x, o),
    next(x, o) { const r = w.sample(x, o); w.accept(r.token); return r; },
    distribution: (x, o) => s.distribution(x, o),
    accept: (t) => s.accept(t),
    reset: (p) => s.reset(p),
    saveState: () => s.saveState(),
    restoreState: (j) => s.restoreState(j),
    toJSON: () => s.toJSON(),
    dispose: () => s.dispose(),
    get historyLength() { return s.historyLength; },
  };
  return Object.assign(w, hooks);
}
// The Logitkit with some methods replaced; the others bound to the real one.
function doctor(over) {
  return new Proxy(lk, { get: (t, p) => (p in over ? over[p] : typeof t[p] === 'function' ? t[p].bind(t) : t[p]) });
}
const doctoredSamplers = (hooks) => doctor({ sampler: (o) => { const s = lk.sampler(o); return wrapSampler(s, hooks(s)); } });
const asError = (fn) => (...a) => { try { return fn(...a); } catch (e) { throw new Error(e.message); } };

async function mustFail(name, property, numRuns = 300) {
  const r = await fc.check(property, { seed: SEED, numRuns, endOnFailure: true });
  console.log(`# doctored (${name}): ${r.failed ? `caught after ${r.numRuns} runs` : 'NOT caught'}`);
  assert.ok(r.failed, `the property did not catch: ${name}`);
}

test('doctored: kept set — distribution() drops its last kept token', async () => {
  await mustFail('distribution drops a token', keptSetProperty({ lk: doctoredSamplers((s) => ({
    distribution: (x, o) => { const d = s.distribution(x, o); return d.ids.length > 1 ? { ids: d.ids.slice(0, -1), probs: d.probs.slice(0, -1) } : d; },
  })) }));
});
test('doctored: kept set — sample() returns a token outside the kept set (the mirror id)', async () => {
  await mustFail('sample leaves the kept set', keptSetProperty({ lk: doctoredSamplers((s) => ({
    sample: (x, o) => { const r = s.sample(x, o); return { ...r, token: x.length - 1 - r.token }; },
  })) }));
});
test('doctored: kept set — the NaN RangeError becomes an Error', async () => {
  await mustFail('NaN as Error', keptSetProperty({ lk: doctoredSamplers((s) => ({ sample: asError((x, o) => s.sample(x, o)), distribution: asError((x, o) => s.distribution(x, o)) })) }));
});
test('doctored: options — a RangeError becomes an Error', async () => {
  await mustFail('RangeError as Error', optionsProperty({ lk: doctor({ sampler: asError((o) => lk.sampler(o)) }) }));
});
test('doctored: options — topP above 1 is clamped instead of rejected (a result for ignored input)', async () => {
  await mustFail('topP clamped', optionsProperty({ lk: doctor({ sampler: (o) => lk.sampler(o?.topP > 1 ? { ...o, topP: 1 } : o) }) }), 3000);
});
test('doctored: options — unknown keys are dropped', async () => {
  await mustFail('unknown keys dropped', optionsProperty({ lk: doctor({ sampler: (o) => lk.sampler(Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => KNOWN.has(k)))) }) }));
});
test('doctored: sequences — every third accept() is forgotten', async () => {
  let n = 0;
  await mustFail('accept forgotten', sequenceProperty({ ref: lk, lk: doctoredSamplers((s) => ({ accept: (t) => { if (++n % 3) s.accept(t); } })) }));
});
test('doctored: sequences — samplerFromJSON restarts the RNG', async () => {
  await mustFail('fromJSON loses the counter', sequenceProperty({ ref: lk, lk: doctor({
    samplerFromJSON: (j) => { const o = typeof j === 'string' ? JSON.parse(j) : j; return lk.samplerFromJSON({ ...o, state: { ...o.state, counter: '0' } }); },
  }) }), 1000);
});
test('doctored: sequences — samplerFromJSON leaks a sampler (memory not back to its start)', async () => {
  const kept = [];
  await mustFail('fromJSON leaks', sequenceProperty({ ref: lk, lk: doctor({
    samplerFromJSON: (j) => { kept.push(lk.samplerFromJSON(j)); return lk.samplerFromJSON(j); },
  }) }));
  kept.forEach((s) => s.dispose());
});
test('doctored: transformers processor — its samplers forget accepted tokens', async () => {
  await mustFail('processor forgets history', transformersProperty({ ...ADAPTERS, ref: lk, lk: doctoredSamplers(() => ({ accept: () => {} })) }));
});
test('doctored: logitsSampler + webllm — the adapters\' samplers ignore the seed', async () => {
  await mustFail('seed ignored', samplerAdaptersProperty({ ...ADAPTERS, ref: lk, lk: doctor({ sampler: (o) => lk.sampler({ ...o, seed: 12345 }) }) }));
});
test('doctored: onnx — lastLogits returns the first position', async () => {
  await mustFail('first position', onnxProperty({ ...ADAPTERS, lastLogits: (t) => { const v = lastLogits(t); const d = t.dims.map(Number); return d.length === 3 ? v.map((_, b) => t.data.subarray(b * d[1] * d[2], b * d[1] * d[2] + d[2])) : v; } }));
});
test('doctored: onnx — lastLogitsBuffer writes into any `out` without checking it', async () => {
  await mustFail('out unchecked', onnxProperty({ ...ADAPTERS, lastLogitsBuffer: (l, t, out) => { const b = lastLogitsBuffer(l, t); if (out?.view instanceof Float32Array && out.length === b.length && !out.disposed) { out.view.set(b.view); b.dispose(); return out; } return b; } }));
});
test('doctored: xgrammar — the grammar\'s bitmask is not passed to the sampler', async () => {
  await mustFail('mask ignored', xgrammarProperty({ ...ADAPTERS, ref: lk, lk: doctoredSamplers((s) => ({ sample: (x) => s.sample(x) })) }));
});
test('doctored: allowedCount — the last token is not counted', async () => {
  await mustFail('off by one', allowedCountProperty({ allowedCount: (m, v) => (typeof v === 'number' && v > 0 && Number.isInteger(v) && v <= 32 * m.length ? allowedCount(m, v - 1) : allowedCount(m, v)) }));
});
test('doctored: adapter arguments — an adapter\'s TypeError becomes an Error', async () => {
  await mustFail('adapter TypeError as Error', adapterArgumentsProperty({ ...ADAPTERS, logitsProcessor: asError(logitsProcessor), logitProcessor: asError(logitProcessor), logitsSampler: asError(logitsSampler), grammarSampler: asError(grammarSampler) }));
});
