// lk.beamSearch against a float64 reference of HF transformers' _beam_search
// written from its source (tests/shared/beam-reference.mjs: dense rows, full
// stable sorts; the C++ suite has its own, tests/cpp/decoding/beam_reference.h,
// and the ecosystem tests use this one on real models), on a toy model whose
// logits are a fixed function of the prefix; the same bits on both wasm
// builds; named errors, after which the searcher still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { load } from '../../dist/index.mjs';
import { lkPromise } from './helpers.mjs';
import { argsortDesc, logSoftmax, reference } from '../shared/beam-reference.mjs';
import { philox4x32 } from '../shared/philox.mjs';

const lk = await lkPromise;

// Logits of prompt b after `gen`: a hash of the prefix, on a 1/8 grid when `grid` (ties in rows).
function toyModel(V, seed, { grid = false, eos = 2, ramp = 0.9 } = {}) {
  return (b, gen) => {
    let h = (seed * 2654435761 + b * 40503) >>> 0;
    for (const t of gen) h = Math.imul(h ^ (t + 1), 2246822519) >>> 0, h ^= h >>> 13;
    const z = new Float32Array(V);
    for (let v = 0; v < V; v++) {
      let x = Math.imul(h + v * 374761393, 668265263) >>> 0;
      x = Math.imul(x ^ (x >>> 15), 2246822519) >>> 0;
      x = (x ^ (x >>> 13)) >>> 0;
      let u = -4 + 8 * (x / 2 ** 32);
      if (grid) u = Math.round(u * 8) / 8;
      z[v] = u;
    }
    if (eos >= 0) z[eos] += -3 + ramp * gen.length;
    return z;
  };
}

// Drives lk.beamSearch with the model, reordering each row's tokens by parents (as a KV cache).
function drive(lkx, o, model, mask) {
  const bs = lkx.beamSearch(o);
  const V = o.vocabSize, rows = bs.rows, words = Math.ceil(V / 32);
  let gen = Array.from({ length: rows }, () => []);
  const steps = [];
  const nb = o.numBeams ?? 1;
  while (!bs.done) {
    const x = new Float32Array(rows * V);
    const bits = mask ? new Uint32Array(rows * words) : undefined;
    for (let r = 0; r < rows; r++) {
      x.set(model(Math.floor(r / nb), gen[r]), r * V);
      if (mask) bits.set(mask(Math.floor(r / nb), gen[r]), r * words);
    }
    const s = bs.step(x, mask ? { bitmask: bits } : undefined);
    gen = Array.from(s.tokens, (t, r) => [...gen[s.parents[r]], t]);
    steps.push(s);
  }
  const result = bs.finalize();
  bs.dispose();
  return { steps, result };
}

// |a - b|, 0 for equal infinities (a beam whose every continuation was masked runs at -inf).
const dev = (a, b) => (a === b ? 0 : Math.abs(a - b));

function compare(o, model, mask) {
  const got = drive(lk, o, model, mask);
  const want = reference(o, model, mask);
  assert.equal(got.steps.length, want.steps.length, 'steps');
  let worst = 0;
  got.steps.forEach((s, t) => {
    assert.deepEqual([...s.parents], want.steps[t].parents, `parents at step ${t}`);
    assert.deepEqual([...s.tokens], want.steps[t].tokens, `tokens at step ${t}`);
    s.scores.forEach((v, r) => { worst = Math.max(worst, dev(v, want.steps[t].scores[r])); });
  });
  got.result.hypotheses.forEach((list, b) => {
    assert.equal(list.length, want.hyps[b].length);
    list.forEach((h, i) => {
      assert.deepEqual([...h.tokens], want.hyps[b][i].tokens, `prompt ${b} hypothesis ${i}`);
      worst = Math.max(worst, dev(h.score, want.hyps[b][i].score), dev(h.logprob, want.hyps[b][i].logprob));
    });
  });
  assert.ok(worst <= 2 ** -18, `worst score deviation ${worst}`);
  return got;
}

test('beamSearch: HF reference, option by option (tokens exact, scores within 2^-18)', () => {
  const V = 48, model = toyModel(V, 5);
  const base = { vocabSize: V, numBeams: 4, batchSize: 2, maxNewTokens: 8, eosTokenId: 2, numReturnSequences: 3 };
  compare(base, model);
  compare({ ...base, earlyStopping: true }, model);
  for (const lengthPenalty of [0, 2, -0.5]) compare({ ...base, earlyStopping: 'never', lengthPenalty }, model);
  compare({ ...base, eosTokenId: [2, 7, 9], minNewTokens: 3 }, toyModel(V, 9, { ramp: 1.3 }));
  compare({ ...base, eosTokenId: undefined, numReturnSequences: 1 }, model);
  compare({ ...base, numBeams: 5 }, toyModel(V, 3, { grid: true }));
  compare({ ...base, prompts: [[1, 3, 3], [4]], logitBias: { 3: 1.5, 8: -0.75 }, repetitionPenalty: 1.7 }, model);
  for (const noRepeatNgramSize of [1, 2, 3]) {  // a vocabulary of 10 repeats often
    compare({ ...base, vocabSize: 10, maxNewTokens: 10, prompts: [[1, 3, 3], [4]], noRepeatNgramSize, badWords: [[6], [1, 4]], suppressTokens: [0, 9], beginSuppressTokens: [5, 7] },
      toyModel(10, 4, { ramp: 0.4 }));
  }
  const mask = (b, gen) => {
    const w = new Uint32Array(Math.ceil(V / 32));
    for (let t = 0; t < V; t++) if (t === 2 || ((t * 7 + b + gen.length * 3) % 4) !== 0) w[t >> 5] |= 1 << (t & 31);
    return w;
  };
  compare(base, model, mask);
  compare({ ...base, vocabSize: 3000, maxNewTokens: 5 }, toyModel(3000, 17, { ramp: 2 }));
});

test('beamSearch: finalize pads sequences as HF does; numBeams 1 is greedy', () => {
  const V = 30, model = toyModel(V, 12);
  const { result } = compare({ vocabSize: V, numBeams: 3, batchSize: 2, maxNewTokens: 9, eosTokenId: 2, numReturnSequences: 3, padTokenId: 0 }, model);
  assert.equal(result.padValue, 2); // `pad_token_id or eos_token_id[0]`: pad 0 is falsy
  result.hypotheses.forEach((list, b) => list.forEach((h, j) => {
    const row = result.sequences.subarray((b * 3 + j) * result.length, (b * 3 + j + 1) * result.length);
    assert.deepEqual([...row], [...h.tokens, ...new Array(result.length - h.tokens.length).fill(2)]);
  }));
  // numBeams 1: the greedy continuation and its mean log-probability.
  const g = drive(lk, { vocabSize: V, maxNewTokens: 10, eosTokenId: 2 }, model).result.hypotheses[0][0];
  const gen = [];
  let sum = 0;
  for (;;) {
    const l = logSoftmax(model(0, gen));
    const t = argsortDesc(l)[0];
    gen.push(t), sum += l[t];
    if (t === 2 || gen.length === 10) break;
  }
  assert.deepEqual([...g.tokens], gen);
  assert.ok(Math.abs(g.score - sum / gen.length) <= 2 ** -18);
});

test('beamSearch: the same bits on the SIMD and baseline builds', async () => {
  const [a, b] = await Promise.all([load({ simd: true }), load({ simd: false })]);
  const o = { vocabSize: 4099, numBeams: 4, batchSize: 2, maxNewTokens: 6, eosTokenId: [2, 5], numReturnSequences: 4, repetitionPenalty: 1.3, prompts: [[7, 7], [9]] };
  const model = toyModel(4099, 21, { ramp: 1.5 });
  const ra = drive(a, o, model), rb = drive(b, o, model);
  const bits = (r) => JSON.stringify([r.steps.map((s) => [[...s.parents], [...s.tokens], [...new Uint32Array(s.scores.buffer)]]),
    r.result.hypotheses.map((l) => l.map((h) => [[...h.tokens], [...new Uint32Array(new Float64Array([h.score, h.logprob]).buffer)]]))]);
  assert.equal(bits(ra), bits(rb));
});

test('beamSearch doSample: the JS reference Philox4x32-10 gives the Random123 known answers', () => {
  // The vectors of tests/cpp/sampling/test_sampling_rng.cpp.
  assert.deepEqual(philox4x32([0, 0, 0, 0], [0, 0]), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
  assert.deepEqual(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]),
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
  assert.deepEqual(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]),
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
});

test('beamSearch doSample: HF reference with the warpers and the seeded draw (tokens exact, scores within 2^-18)', () => {
  const V = 48, model = toyModel(V, 5);
  const base = { vocabSize: V, numBeams: 4, batchSize: 2, maxNewTokens: 8, eosTokenId: 2, numReturnSequences: 3, doSample: true, seed: 7 };
  compare(base, model);
  compare({ ...base, seed: 2n ** 64n - 1n, stream: '18446744073709551615' }, model);  // prompt 1 wraps to stream 0
  for (const temperature of [0.5, 1.7]) compare({ ...base, temperature }, model);
  for (const topK of [1, 5, 20]) compare({ ...base, topK, eosTokenId: [2, 9] }, model);  // topK 1 is raised to min_keep = 3
  for (const topP of [0, 0.4, 0.9]) compare({ ...base, topP }, model);
  for (const minP of [0.05, 0.3, 1]) compare({ ...base, minP }, model);
  compare({ ...base, temperature: 0.8, topK: 12, topP: 0.9, minP: 0.05, earlyStopping: true, lengthPenalty: 0.5 }, toyModel(V, 3, { grid: true }));
  compare({ ...base, prompts: [[1, 3, 3], [4]], repetitionPenalty: 1.4, noRepeatNgramSize: 2, suppressTokens: [0], topP: 0.95 }, model);
  compare({ ...base, topK: 2 }, model);  // at step 1 only beam 0 has weight: six zero-weight candidates by lower index
});

test('beamSearch doSample: reproducible from the seed, the same bits on the SIMD and baseline builds', async () => {
  const [a, b] = await Promise.all([load({ simd: true }), load({ simd: false })]);
  const o = { vocabSize: 2053, numBeams: 4, batchSize: 2, maxNewTokens: 6, eosTokenId: [2, 5], numReturnSequences: 4, doSample: true,
    seed: 123456789012345678901n, temperature: 0.9, topP: 0.97, minP: 0.01, prompts: [[7, 7], [9]], repetitionPenalty: 1.2 };
  assert.throws(() => lk.beamSearch(o), { name: 'RangeError', message: /options\.seed must be in \[0, 2\^64\)/ });
  o.seed = 12345678901234567890n;
  const model = toyModel(2053, 21, { ramp: 1.5 });
  const bits = (r) => JSON.stringify([r.steps.map((s) => [[...s.parents], [...s.tokens], [...new Uint32Array(s.scores.buffer)]]),
    r.result.hypotheses.map((l) => l.map((h) => [[...h.tokens], [...new Uint32Array(new Float64Array([h.score, h.logprob]).buffer)]]))]);
  const ra = bits(drive(a, o, model));
  assert.equal(ra, bits(drive(b, o, model)));
  assert.equal(ra, bits(drive(a, { ...o, seed: '12345678901234567890' }, model)));  // the seed as a decimal string
  const others = [1, 2, 3].map((seed) => bits(drive(a, { ...o, seed }, model)));
  assert.ok(others.every((r) => r !== ra) && new Set(others).size === 3, 'other seeds draw other beams');
  assert.notEqual(bits(drive(a, { ...o, stream: 1 }, model)), ra);
});

test('beamSearch doSample: bad options are named errors', () => {
  const o = { vocabSize: 20, numBeams: 3, eosTokenId: 2, doSample: true };
  assert.throws(() => lk.beamSearch({ ...o, doSample: 1 }), { name: 'TypeError', message: /options\.doSample must be a boolean/ });
  assert.throws(() => lk.beamSearch({ ...o, numBeams: 1 }), { name: 'RangeError', message: /options\.doSample needs numBeams >= 2/ });
  for (const key of ['temperature', 'topK', 'topP', 'minP', 'seed', 'stream']) {
    assert.throws(() => lk.beamSearch({ ...o, doSample: undefined, [key]: 1 }), { name: 'RangeError', message: new RegExp(`options\\.${key} needs doSample: true`) });
  }
  for (const temperature of [0, -1, Infinity, NaN]) {
    assert.throws(() => lk.beamSearch({ ...o, temperature }), { name: 'RangeError', message: /options\.temperature must be/ });
  }
  assert.throws(() => lk.beamSearch({ ...o, temperature: '1' }), { name: 'TypeError', message: /options\.temperature must be a number/ });
  for (const topP of [-0.1, 1.5, NaN]) assert.throws(() => lk.beamSearch({ ...o, topP }), { name: 'RangeError', message: /options\.topP/ });
  for (const minP of [-0.1, 1.5, NaN]) assert.throws(() => lk.beamSearch({ ...o, minP }), { name: 'RangeError', message: /options\.minP/ });
  for (const topK of [-1, 2.5]) assert.throws(() => lk.beamSearch({ ...o, topK }), { name: 'RangeError', message: /options\.topK/ });
  assert.throws(() => lk.beamSearch({ ...o, seed: -1 }), { name: 'RangeError', message: /options\.seed/ });
  assert.throws(() => lk.beamSearch({ ...o, stream: 1.5 }), { name: 'RangeError', message: /options\.stream/ });
  assert.throws(() => lk.beamSearch({ ...o, seed: {} }), { name: 'TypeError', message: /options\.seed/ });
  const bs = lk.beamSearch({ ...o, topP: 0.9 });  // after the errors, a working searcher
  assert.equal(bs.step(new Float32Array(3 * 20).fill(0)).tokens.length, 3);
  bs.dispose();
});

test('beamSearch numBeamGroups: HF group-beam-search recipe reference (tokens exact, scores within 2^-18)', () => {
  const V = 48, model = toyModel(V, 5);
  const base = { vocabSize: V, numBeams: 4, batchSize: 2, maxNewTokens: 8, eosTokenId: 2, numReturnSequences: 3, numBeamGroups: 2, diversityPenalty: 1.5 };
  compare(base, model);
  compare({ ...base, numBeamGroups: 4, diversityPenalty: 0.5 }, model);
  compare({ ...base, numBeams: 6, numBeamGroups: 3, diversityPenalty: 4 }, model);
  for (const earlyStopping of [true, 'never']) compare({ ...base, earlyStopping, lengthPenalty: 0.5 }, model);
  compare({ ...base, eosTokenId: [2, 7, 9], padTokenId: 0 }, toyModel(V, 9, { ramp: 1.3 }));
  compare({ ...base, prompts: [[1, 3, 3], [4]], repetitionPenalty: 1.4, noRepeatNgramSize: 2, minNewTokens: 2 }, model);
  compare({ ...base, diversityPenalty: 1 }, toyModel(V, 3, { grid: true }));
  // The penalty matters: without it (a negligible one) both groups are the same beams.
  const same = drive(lk, { ...base, batchSize: 1, diversityPenalty: 1e-300 }, model).steps;
  same.forEach((s) => assert.deepEqual([...s.tokens.slice(0, 2)], [...s.tokens.slice(2)]));
  const diverse = drive(lk, { ...base, batchSize: 1, diversityPenalty: 4 }, model).steps;
  assert.ok(!diverse[0].tokens.slice(2).some((t) => diverse[0].tokens.slice(0, 2).includes(t)), 'group 1 avoids group 0 tokens');
  // numBeamGroups 1 is plain beam search.
  const plain = { vocabSize: V, numBeams: 4, maxNewTokens: 8, eosTokenId: 2 };
  assert.deepEqual(drive(lk, { ...plain, numBeamGroups: 1 }, model).result, drive(lk, plain, model).result);
  // Named errors.
  assert.throws(() => lk.beamSearch({ ...base, numBeamGroups: 3 }), { name: 'RangeError', message: /options\.numBeamGroups must be >= 1 and divide numBeams/ });
  assert.throws(() => lk.beamSearch({ ...base, diversityPenalty: 0 }), { name: 'RangeError', message: /options\.diversityPenalty must be finite and > 0 with numBeamGroups > 1/ });
  assert.throws(() => lk.beamSearch({ ...base, diversityPenalty: NaN }), { name: 'RangeError', message: /options\.diversityPenalty/ });
  assert.throws(() => lk.beamSearch({ ...plain, diversityPenalty: 1 }), { name: 'RangeError', message: /options\.diversityPenalty/ });
  assert.throws(() => lk.beamSearch({ ...base, doSample: true }), { name: 'RangeError', message: /options\.diversityPenalty .*no doSample/ });
  assert.throws(() => lk.beamSearch({ ...base, numBeamGroups: '2' }), { name: 'TypeError', message: /options\.numBeamGroups/ });
});

test('beamSearch: bad input is a named error, and the searcher still works', async () => {
  const V = 20, model = toyModel(V, 8);
  const o = { vocabSize: V, numBeams: 3, batchSize: 2, maxNewTokens: 6, eosTokenId: 2, numReturnSequences: 2 };
  assert.throws(() => lk.beamSearch(), /options must be an object with at least vocabSize/);
  assert.throws(() => lk.beamSearch({ ...o, numBeams: 0 }), { name: 'RangeError', message: /options\.numBeams must be >= 1/ });
  assert.throws(() => lk.beamSearch({ ...o, numReturnSequences: 4 }), { name: 'RangeError', message: /options\.numReturnSequences must be <= 3/ });
  assert.throws(() => lk.beamSearch({ ...o, numBeams: 1.5 }), { name: 'RangeError', message: /options\.numBeams/ });
  assert.throws(() => lk.beamSearch({ ...o, earlyStopping: 'sometimes' }), { name: 'RangeError', message: /options\.earlyStopping/ });
  assert.throws(() => lk.beamSearch({ ...o, lengthPenalty: '1' }), { name: 'TypeError', message: /options\.lengthPenalty/ });
  assert.throws(() => lk.beamSearch({ ...o, eosTokenId: [2, 20] }), { name: 'RangeError', message: /options\.eosTokenId\[1\] \(token 20\)/ });
  assert.throws(() => lk.beamSearch({ ...o, numBeam: 3 }), { name: 'RangeError', message: /options\.numBeam is not a known option; did you mean 'numBeams'/ });
  assert.throws(() => lk.beamSearch({ ...o, vocabSize: 1, eosTokenId: 0 }), { name: 'RangeError', message: /options\.vocabSize/ });
  assert.throws(() => lk.beamSearch({ ...o, prompts: [[1]] }), { name: 'RangeError', message: /options\.prompts must hold batchSize \(2\)/ });

  const bs = lk.beamSearch(o);
  const x = new Float32Array(6 * V);
  for (let r = 0; r < 6; r++) x.set(model(Math.floor(r / 3), []), r * V);
  assert.throws(() => bs.step(x.subarray(0, 5 * V)), { name: 'RangeError', message: /logits\.length must be rows × vocabSize = 6 × 20 = 120/ });
  assert.throws(() => bs.step([1, 2]), { name: 'TypeError', message: /logits must be a Float32Array or a LogitBuffer/ });
  const nan = x.slice();
  nan[4 * V + 7] = NaN;
  assert.throws(() => bs.step(nan), { name: 'RangeError', message: /logits\[87\] \(row 4, column 7\) is NaN/ });
  assert.throws(() => bs.step(x, { bitmask: new Uint32Array(3) }), { name: 'RangeError', message: /options\.bitmask must hold rows × ceil\(vocabSize \/ 32\) = 6 × 1 words/ });
  assert.throws(() => bs.step(x, { mask: 1 }), { name: 'RangeError', message: /options\.mask is not a known option/ });
  assert.equal(bs.steps, 0);
  // After the errors: the first step of a fresh search, through a LogitBuffer.
  const buf = lk.buffer(6 * V);
  buf.view.set(x);
  const fresh = drive(lk, o, model);
  const s = bs.step(buf);
  assert.deepEqual([...s.tokens], [...fresh.steps[0].tokens]);
  assert.deepEqual([...s.scores], [...fresh.steps[0].scores]);
  const other = await load({ simd: !lk.simd });
  const foreign = other.buffer(6 * V);
  assert.throws(() => bs.step(foreign), { name: 'TypeError', message: /another logitkit instance/ });
  // Run to the end; a finished search refuses steps until reset().
  bs.reset();
  let gen = Array.from({ length: 6 }, () => []);
  while (!bs.done) {
    const y = new Float32Array(6 * V);
    for (let r = 0; r < 6; r++) y.set(model(Math.floor(r / 3), gen[r]), r * V);
    const st = bs.step(y);
    gen = Array.from(st.tokens, (t, r) => [...gen[st.parents[r]], t]);
  }
  assert.deepEqual(bs.finalize().hypotheses.map((l) => l.map((h) => [...h.tokens])), fresh.result.hypotheses.map((l) => l.map((h) => [...h.tokens])));
  assert.throws(() => bs.step(x), { name: 'RangeError', message: /the search is done/ });
  bs.dispose();
  assert.throws(() => bs.step(x), { name: 'TypeError', message: /disposed/ });
  buf.dispose(), foreign.dispose();
});

test('beamSearch: searchers dropped without dispose() are reclaimed (FinalizationRegistry)', async () => {
  if (typeof globalThis.gc !== 'function') setFlagsFromString('--expose-gc');
  const gc = globalThis.gc ?? runInNewContext('gc');
  const inUse = () => lk._m.heapInUse();
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const collect = async () => {
    let last = -1;
    for (let i = 0; i < 10 && inUse() !== last; i++) { last = inUse(); gc(); await tick(); await tick(); }
  };
  const V = 4096, x = new Float32Array(4 * V).map((_, i) => Math.sin(i));
  const make = () => { const bs = lk.beamSearch({ vocabSize: V, numBeams: 4, eosTokenId: 2 }); bs.step(x); };
  make();
  await collect();
  const before = inUse();
  for (let i = 0; i < 500; i++) make(); // each holds > 80 KiB of scratch: 40 MiB if none were freed
  await collect();
  assert.ok(inUse() - before <= 1 << 20, `${inUse() - before} bytes still in use`);
});
