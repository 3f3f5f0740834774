// The sampler from JS: kept sets against a sort-then-cut reference written
// here, chi-square of seeded draws against the exact final distribution,
// a committed golden sequence (same on every build), batch independence,
// state save/restore, masks, penalties, speculative acceptance, named errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lkPromise, rng } from './helpers.mjs';

const lk = await lkPromise;

// Sort-then-cut reference in float64, llama.cpp order (filters at T = 1), ties to lower id.
function reference(x, { topK = 0, topP = 1, minP = 0, minKeep = 1 }) {
  let c = Array.from(x, (z, id) => ({ id, z })).filter((e) => e.z !== -Infinity);
  c.sort((a, b) => b.z - a.z || a.id - b.id);
  const keep = Math.max(minKeep, 1);
  if (topK > 0) c = c.slice(0, Math.max(topK, keep));
  const probs = (list) => {
    const m = list[0].z;
    const w = list.map((e) => Math.exp(e.z - m));
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / s);
  };
  if (topP < 1) {
    const p = probs(c);
    let cum = 0, n = 0;
    while (n < c.length && (cum < topP || n < keep)) { cum += p[n]; n++; }
    c = c.slice(0, n);
  }
  if (minP > 0) {
    const m = c[0].z;
    const kept = c.filter((e) => Math.exp(e.z - m) >= minP);
    c = kept.length >= keep ? kept : c.slice(0, keep);
  }
  return new Set(c.map((e) => e.id));
}

test('kept sets equal sort-then-cut on random rows with ties and masks', () => {
  const g = rng(77);
  let cases = 0;
  for (let trial = 0; trial < 300; trial++) {
    const v = 2 + Math.floor(g.uniform() * 400);
    const x = Float32Array.from({ length: v }, () => Math.round(g.normal() * 3 * 4) / 4); // quarter steps: many ties
    for (let i = 0; i < v; i += 7) if (g.uniform() < 0.3) x[i] = -Infinity;
    if (!x.some((z) => z !== -Infinity)) x[0] = 0;
    const opts = {
      topK: g.uniform() < 0.5 ? 1 + Math.floor(g.uniform() * 50) : 0,
      topP: g.uniform() < 0.6 ? 0.3 + 0.69 * g.uniform() : 1,
      minP: g.uniform() < 0.4 ? 0.2 * g.uniform() : 0,
      minKeep: g.uniform() < 0.2 ? 3 : 1,
    };
    const s = lk.sampler(opts);
    const got = s.distribution(x);
    s.dispose();
    const ref = reference(x, opts);
    assert.deepEqual(new Set(got.ids), ref, `trial ${trial} ${JSON.stringify(opts)}`);
    const m = Math.max(...Array.from(got.ids, (id) => x[id]));
    const s64 = Array.from(got.ids, (id) => Math.exp(x[id] - m)).reduce((a, b) => a + b, 0);
    got.ids.forEach((id, i) => assert.ok(Math.abs(got.probs[i] - Math.exp(x[id] - m) / s64) <= 2e-6 * got.probs[i] + 1e-12));
    cases++;
  }
  assert.equal(cases, 300);
});

// Chi-square critical value at tail probability 1e-3 (Wilson–Hilferty).
function chi2Critical(df) {
  const z = 3.090232306167813;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

test('seeded draws follow the final distribution (chi-square, false-failure rate 1e-3)', () => {
  const x = new Float32Array([3, 2.5, 2.5, 1, 0, -1, 4, -Infinity, 0.5, 2]);
  const opts = { temperature: 0.7, topK: 6, minP: 0.02, seed: 2024 };
  const s = lk.sampler(opts);
  const { ids, probs } = lk.sampler(opts).distribution(x);
  const n = 20000;
  const counts = new Map();
  for (let i = 0; i < n; i++) {
    const t = s.sample(x).token;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  for (const t of counts.keys()) assert.ok(ids.includes(t), `token ${t} outside the kept set`);
  let chi2 = 0;
  ids.forEach((id, i) => { const e = n * probs[i]; chi2 += ((counts.get(id) ?? 0) - e) ** 2 / e; });
  assert.ok(chi2 < chi2Critical(ids.length - 1), `chi2 ${chi2.toFixed(2)} >= ${chi2Critical(ids.length - 1).toFixed(2)}`);
});

// Generated once (wasm SIMD) and committed: every build must reproduce it.
const GOLDEN = [0, 0, 13, 34, 29, 27, 4, 44, 11, 18, 47, 8, 24, 23, 5, 48];

function goldenRun() {
  const g = rng(5);
  const s = lk.sampler({ temperature: 0.9, topK: 20, topP: 0.9, repetitionPenalty: 1.3, presencePenalty: 0.2, seed: 12345, prompt: [1, 2, 3] });
  const tokens = [];
  for (let step = 0; step < 16; step++) {
    const x = Float32Array.from({ length: 50 }, () => g.normal() * 2);
    tokens.push(s.next(x).token);
  }
  s.dispose();
  return tokens;
}

test('the committed golden sequence is reproduced bit for bit', () => {
  assert.deepEqual(goldenRun(), GOLDEN);
});

test('greedy is the first maximum; logprob is the log of the final probability', () => {
  const x = new Float32Array([1, 5, 5, 2]);
  assert.equal(lk.sampler({ temperature: 0 }).sample(x).token, 1);
  const s = lk.sampler({ topK: 3, temperature: 1.3, seed: 9, rawLogprob: true, entropy: true, topLogprobs: 2 });
  const { ids, probs } = lk.sampler({ topK: 3, temperature: 1.3, seed: 9 }).distribution(x);
  const r = s.sample(x);
  const p = probs[Array.from(ids).indexOf(r.token)];
  assert.ok(Math.abs(r.logprob - Math.log(p)) < 1e-6);
  const lse = Math.log(Array.from(x, Math.exp).reduce((a, b) => a + b));
  assert.ok(Math.abs(r.rawLogprob - (x[r.token] - lse)) < 1e-6);
  const h = -Array.from(probs).reduce((a, q) => a + q * Math.log(q), 0);
  assert.ok(Math.abs(r.entropy - h) < 1e-6);
  assert.deepEqual(r.topLogprobs.map((t) => t.token), [1, 2]);
});

test('batch rows are independent of the batch; save/restore resumes exactly', () => {
  const g = rng(8);
  const x = Float32Array.from({ length: 3 * 40 }, () => g.normal() * 2);
  const mk = () => [0, 1, 2].map((r) => lk.sampler({ topP: 0.9, seed: 7, stream: r }));
  const batch = lk.sampleRows(mk(), x, { cols: 40 }).map((r) => r.token);
  const alone = [0, 1, 2].map((r) => mk()[r].sample(x.subarray(r * 40, r * 40 + 40)).token);
  assert.deepEqual(batch, alone);

  const row = x.subarray(0, 40);
  const a = lk.sampler({ temperature: 1.1, seed: 99, repetitionPenalty: 1.2 });
  for (let i = 0; i < 5; i++) a.next(row);
  const saved = JSON.stringify(a);
  const rest = Array.from({ length: 5 }, () => a.next(row).token);
  const b = lk.samplerFromJSON(saved);
  assert.deepEqual(Array.from({ length: 5 }, () => b.next(row).token), rest);
  a.reset();
  const fresh = lk.sampler({ temperature: 1.1, seed: 99, repetitionPenalty: 1.2 });
  assert.deepEqual(Array.from({ length: 8 }, () => a.next(row).token), Array.from({ length: 8 }, () => fresh.next(row).token));
});

test('masks, bias and penalties: processed logits in place on a LogitBuffer', () => {
  const x = [2, -1, 0.5, 3, 1];
  const buf = lk.buffer(5);
  buf.view.set(x);
  const s = lk.sampler({ prompt: [0, 1, 1], repetitionPenalty: 2, frequencyPenalty: 0.5, presencePenalty: 0.25, logitBias: { 4: 10 }, bannedTokens: [3] });
  const r = s.sample(buf);
  // bias, then repetition (positive ÷, negative ×) once per distinct token, then frequency/presence, then masks.
  const ref = [2 / 2 - 0.5 - 0.25, -1 * 2 - 1 - 0.25, 0.5, -Infinity, 11];
  ref.forEach((v, i) => assert.equal(buf.view[i], Math.fround(v)));
  assert.equal(r.token, 4);
  buf.dispose();
  const mask = new Uint32Array([0b10100]); // tokens 2 and 4 allowed
  const m = lk.sampler({ seed: 3 });
  for (let i = 0; i < 50; i++) assert.ok([2, 4].includes(m.sample(new Float32Array(x), { bitmask: mask }).token));
  assert.throws(() => m.sample(new Float32Array(40), { bitmask: mask }), /options.bitmask must hold at least ceil\(40 \/ 32\) = 2 words/);
  const allowed = lk.sampler({ allowedTokens: [1], seed: 1 });
  assert.equal(allowed.sample(new Float32Array(x)).token, 1);
});

test('speculative acceptance: identical draft and target accept everything', () => {
  const v = 4, k = 3;
  const p = new Float32Array([0.1, 0.2, 0.3, 0.4]);
  const target = new Float32Array((k + 1) * v);
  for (let i = 0; i <= k; i++) target.set(p, i * v);
  const draft = target.subarray(0, k * v);
  const r = lk.speculativeVerify(target, draft, new Int32Array([3, 2, 1]), { seed: 5 });
  assert.equal(r.accepted, 3);
  assert.ok(r.token >= 0 && r.token < v);
  assert.equal(r.counter, 2 * (r.accepted + 1));
  // A draft token the target gives no probability is always rejected.
  const t2 = target.slice();
  t2[0 * v + 3] = 0;
  assert.equal(lk.speculativeVerify(t2, draft, new Int32Array([3, 2, 1]), { seed: 5 }).accepted, 0);
});

// The module words numbers in its messages through the JavaScript engine
// (src/bindings/bind_number_text.cpp): any double quoted reads as String(v).
test('sampler: a message quotes a number as String(v) does', () => {
  const f64 = new Float64Array(1), u32 = new Uint32Array(f64.buffer);
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 500; ++i) {
    u32[0] = rand();
    u32[1] = (0x43f00000 + rand() % (0x7fefffff - 0x43f00000)) >>> 0; // (2^64, 2^1024): above temperature's bound
    const v = f64[0];
    assert.throws(() => lk.sampler({ temperature: v }), { name: 'RangeError', message: `options.temperature must be <= 18446744073709552000, got ${String(v)}` });
    assert.throws(() => lk.sampler({ temperature: -v * 2 ** -900 }), { name: 'RangeError', message: `options.temperature must be >= 0, got ${String(-v * 2 ** -900)}` });
  }
});

test('sampler: named errors', () => {
  const x = new Float32Array([1, 2, 3]);
  for (const [opts, re] of [
    [{ topP: 2 }, /options.topP must be <= 1/],
    [{ topK: -1 }, /options.topK must be >= 0/],
    [{ topK: 1.5 }, /options.topK must be an integer/],
    [{ temperature: NaN }, /options.temperature must be a number, got NaN/],
    [{ temperature: Infinity }, /^RangeError: options.temperature must be <= 18446744073709552000, got Infinity$/],
    [{ topNSigma: Infinity }, /^RangeError: options.topNSigma must be finite, got Infinity$/],
    [{ minP: -0.1 }, /options.minP must be >= 0/],
    [{ topk: 3 }, /options.topk is not a known option; did you mean 'topK'\?/],
    [{ order: ['topK', 'nucleus'] }, /^RangeError: options.order\[1\] must be one of topK, topP, minP, typicalP, topNSigma, epsilon, eta, xtc, temperature$/],
    // Checked at construction, in the core's words (the C++ test of sampler_options_message asserts the same text).
    [{ order: ['temperature'], minP: 0.05 }, /^RangeError: options.order leaves out 'minP', which the options enable: list it, or turn it off$/],
    [{ order: ['temperature'], xtcProbability: 0.5 }, /^RangeError: options.order leaves out 'xtc', which the options enable: list it, or turn it off$/],
    [{ order: ['topK', 'topK'] }, /^RangeError: options.order\[1\] repeats 'topK': list each stage once$/],
    [{ xtcThreshold: NaN }, /^RangeError: options.xtcThreshold must be a number, got NaN$/],
    [{ adaptivePDecay: NaN }, /^RangeError: options.adaptivePDecay must be a number, got NaN$/],
    [{ topP: NaN }, /^RangeError: options.topP must be a number, got NaN$/],
    [{ topK: NaN }, /^RangeError: options.topK must be an integer, got NaN$/],
    [{ entropy: NaN }, /^TypeError: options.entropy must be a boolean \(got number NaN\)$/],
    [{ temperature: 2 ** 64 * 1.5 }, /^RangeError: options.temperature must be <= 18446744073709552000, got 27670116110564327000$/],
    [{ dynatempRange: 1e30 }, /^RangeError: options.dynatempRange must be <= 18446744073709552000, got 1e\+30$/],
    [{ mirostat: 2, adaptivePTarget: 0.5 }, /^RangeError: options.adaptivePTarget enables the adaptiveP selector, but mirostat already picks the token: one selector at a time$/],
    [{ seed: -1 }, /options.seed must be an integer in \[0, 2\^53\)/],
    [{ bannedTokens: [1, -2] }, /options.bannedTokens\[1\] must be a token id/],
    [{ logitBias: 5 }, /options.logitBias must be an object/],
  ]) assert.throws(() => lk.sampler(opts), re);
  // samplerFromJSON validates as lk.sampler does.
  const saved = lk.sampler({ order: ['temperature', 'topK'], topK: 2 }).toJSON();
  assert.throws(() => lk.samplerFromJSON({ ...saved, options: { ...saved.options, minP: 0.1 } }),
    { name: 'RangeError', message: "json.options.order leaves out 'minP', which the options enable: list it, or turn it off" });
  assert.equal(lk.samplerFromJSON(saved).sample(x).token, lk.sampler({ order: ['temperature', 'topK'], topK: 2 }).sample(x).token);
  assert.throws(() => lk.sampler({ bannedTokens: [7] }).sample(x), /options.bannedTokens\[0\] \(token 7\) is not a token of this vocabulary: token ids must be < 3, the length of the logits$/);
  assert.throws(() => lk.sampler({ bannedTokens: [0, 1, 2] }).sample(x), /no token left/);
  assert.throws(() => lk.sampler().sample(new Float32Array([1, NaN])), /logits\[1\] .* is NaN/);
  assert.throws(() => lk.sampler().sample([1, 2]), /logits must be a Float32Array/);
  const s = lk.sampler();
  s.dispose();
  assert.throws(() => s.sample(x), /used after dispose/);
  assert.throws(() => lk.sampler().restoreState('{"version":1}'), /state is not a state saved by Sampler.saveState\(\)/);
});

test('samplers share one workspace: eight samplers at V = 128 256 cost about one', () => {
  // A workspace is ~44 bytes per vocabulary entry (5.6 MB here): eight of
  // their own would grow wasm memory by 45 MB.
  const v = 128256;
  const g = rng(21);
  const x = Float32Array.from({ length: v }, () => 3 * g.normal());
  const before = lk._m.HEAPU8.length;
  const samplers = Array.from({ length: 8 }, (_, i) => lk.sampler({ topP: 0.9, repetitionPenalty: 1.1, prompt: [i, 7], seed: i }));
  const tokens = samplers.map((s) => s.sample(x).token);
  const grown = lk._m.HEAPU8.length - before;
  samplers.forEach((s) => s.dispose());
  assert.ok(grown <= 16 * 2 ** 20, `wasm memory grew by ${grown} bytes for 8 samplers`);
  // Sharing changes nothing: each sampler alone draws the same token.
  samplers.forEach((_, i) => {
    const alone = lk.sampler({ topP: 0.9, repetitionPenalty: 1.1, prompt: [i, 7], seed: i });
    assert.equal(alone.sample(x).token, tokens[i]);
    alone.dispose();
  });
});
