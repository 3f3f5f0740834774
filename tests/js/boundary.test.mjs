// The JS ↔ wasm boundary: objects that own wasm memory belong to the instance
// that made them; every options object rejects unknown keys by name; error
// messages name the argument, the offending entry and the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, Logitkit } from '../../dist/index.mjs';
import { lkPromise, simd } from './helpers.mjs';

const a = await lkPromise;
const b = await load({ simd }); // a second instance of the same build: its own wasm memory

const x6 = new Float32Array([0.5, 2, -1, 3, 0.25, 1]);
const fill = (buf, values) => { buf.view.set(values); return buf; };

test('a buffer of another instance is a TypeError naming the argument, and nothing is written', () => {
  const foreign = fill(b.buffer(6), x6);
  const own = fill(a.buffer(6), [9, 9, 9, 9, 9, 9]);
  const probs = a.softmax(x6, { cols: 3 });
  const labels = new Int32Array([0, 2]);
  const cases = [
    ['logits', () => a.softmax(foreign)],
    ['logits', () => a.logSoftmax(foreign, { cols: 3 })],
    ['logits', () => a.logsumexp(foreign)],
    ['logits', () => a.entropy(foreign)],
    ['logits', () => a.argmax(foreign)],
    ['options.out', () => a.softmax(x6, { out: foreign })],
    ['options.out', () => a.softmax(own, { out: foreign })],
    ['options.out', () => a.sigmoid(x6, { out: foreign })],
    ['p', () => a.logit(foreign)],
    ['x', () => a.exp(foreign)],
    ['weight', () => a.linear(foreign, x6, { inFeatures: 6 })],
    ['hidden', () => a.linear(x6, foreign, { inFeatures: 6 })],
    ['options.bias', () => a.linear(x6, x6, { inFeatures: 6, bias: b.buffer(1) })],
    ['logits', () => a.crossEntropy(foreign, labels)],
    ['target', () => a.crossEntropy(x6, foreign)],
    ['options.weight', () => a.crossEntropy(x6, labels, { weight: fill(b.buffer(3), [1, 1, 1]) })],
    ['scores', () => a.calibrationMetrics(foreign, labels)],
    ['logits', () => a.topClasses(foreign, { cols: 3 })],
    ['docs', () => a.similarity(x6.subarray(0, 3), foreign, { dim: 3 })],
    ['logits', () => a.sampler().sample(foreign)],
    ['logits', () => a.sampler().distribution(foreign)],
    ['logits', () => a.sampleRows([a.sampler()], foreign)],
    ['scores', () => a.fitTemperature(x6, labels).apply(foreign)],
  ];
  for (const [name, fn] of cases) {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof TypeError, `${name}: ${e}`);
      assert.ok(e.message.startsWith(`${name} is a LogitBuffer of another logitkit instance`), e.message);
      return true;
    }, name);
  }
  assert.deepEqual(Array.from(foreign.view), Array.from(x6), "the other instance's buffer is untouched");
  assert.deepEqual(Array.from(own.view), [9, 9, 9, 9, 9, 9], "this instance's buffer at the same place is untouched");
  // Both instances still work, each on its own buffers.
  assert.deepEqual(Array.from(a.softmax(own)), Array.from(b.softmax(fill(b.buffer(6), own.view))));
  assert.deepEqual(Array.from(b.softmax(foreign)), Array.from(a.softmax(x6)));
});

test('a sampler of another instance is a TypeError in sampleRows', () => {
  const mine = a.sampler({ seed: 1 });
  const theirs = b.sampler({ seed: 1 });
  const logits = new Float32Array(12).map((_, i) => i % 5);
  assert.throws(() => a.sampleRows([mine, theirs], logits), (e) => e instanceof TypeError &&
    /^samplers\[1\] is a Sampler of another logitkit instance/.test(e.message));
  assert.throws(() => a.sampleRows([mine, 'x'], logits), (e) => e instanceof TypeError && /^samplers\[1\] must be a Sampler/.test(e.message));
  assert.equal(a.sampleRows([mine, a.sampler({ seed: 1 })], logits).length, 2);
  mine.dispose();
  theirs.dispose();
});

// One call per method and option table entry; every table entry is called.
const CALLS = {
  softmax: (lk, o) => lk.softmax(x6, o),
  logSoftmax: (lk, o) => lk.logSoftmax(x6, o),
  logsumexp: (lk, o) => lk.logsumexp(x6, o),
  entropy: (lk, o) => lk.entropy(x6, o),
  argmax: (lk, o) => lk.argmax(x6, o),
  sigmoid: (lk, o) => lk.sigmoid(x6, o),
  logit: (lk, o) => lk.logit(new Float32Array([0.5]), o),
  exp: (lk, o) => lk.exp(x6, o),
  log: (lk, o) => lk.log(x6, o),
  softplus: (lk, o) => lk.softplus(x6, o),
  logSigmoid: (lk, o) => lk.logSigmoid(x6, o),
  log1mSigmoid: (lk, o) => lk.log1mSigmoid(x6, o),
  linear: (lk, o) => lk.linear(x6, x6, { inFeatures: 6, ...o }),
  crossEntropy: (lk, o) => lk.crossEntropy(x6, new Int32Array([0, 1]), o),
  nllLoss: (lk, o) => lk.nllLoss(lk.logSoftmax(x6, { cols: 3 }), new Int32Array([0, 1]), o),
  bceWithLogits: (lk, o) => lk.bceWithLogits(x6, new Float32Array(6).fill(0.5), o),
  klDiv: (lk, o) => lk.klDiv(lk.logSoftmax(x6), lk.softmax(x6), o),
  calibrationMetrics: (lk, o) => lk.calibrationMetrics(x6, new Int32Array([0, 1]), o),
  fitTemperature: (lk, o) => lk.fitTemperature(x6, new Int32Array([0, 1]), o),
  fitPlatt: (lk, o) => lk.fitPlatt(x6, new Int32Array([0, 1, 0, 1, 1, 0]), o),
  fitVectorScaling: (lk, o) => lk.fitVectorScaling(x6, new Int32Array([0, 1]), o),
  fitHistogramBinning: (lk, o) => lk.fitHistogramBinning(x6, new Int32Array([0, 1]), o),
  fitIsotonic: (lk, o) => lk.fitIsotonic(x6, new Int32Array([0, 1]), o),
  'Calibrator.apply': (lk, o) => lk.fitTemperature(x6, new Int32Array([0, 1])).apply(x6, o),
  topClasses: (lk, o) => lk.topClasses(x6, o),
  decide: (lk, o) => lk.decide(x6, o),
  multiLabel: (lk, o) => lk.multiLabel(x6, o),
  similarity: (lk, o) => lk.similarity(x6, x6, { dim: 6, ...o }),
  retrieve: (lk, o) => lk.retrieve(x6, x6, { dim: 6, ...o }),
  diagnose: (lk, o) => lk.diagnose(x6, o),
  sampler: (lk, o) => lk.sampler(o),
  'Sampler.sample': (lk, o) => lk.sampler().sample(x6, o),
  'Sampler.next': (lk, o) => lk.sampler().next(x6, o),
  'Sampler.distribution': (lk, o) => lk.sampler().distribution(x6, o),
  sampleRows: (lk, o) => lk.sampleRows([lk.sampler()], x6, o),
  scoreTokens: (lk, o) => lk.scoreTokens(x6, [1, 2], o),
  compareContinuations: (lk, o) => lk.compareContinuations([{ logits: x6, tokens: [1, 2] }], o),
  speculativeVerify: (lk, o) => lk.speculativeVerify(a.softmax(x6), new Float32Array(0), new Int32Array(0), o),
  beamSearch: (lk, o) => lk.beamSearch({ vocabSize: 6, ...o }).dispose(),
  'BeamSearch.step': (lk, o) => {
    const bs = lk.beamSearch({ vocabSize: 6 });
    try { bs.step(x6, o); } finally { bs.dispose(); }
  },
};

test('every options object rejects an unknown key by name, with the closest known one', () => {
  a.sampler().dispose(); // the sampler's keys come from the module's schema
  const table = Logitkit._optionKeys;
  assert.deepEqual(Object.keys(CALLS).sort(), Object.keys(table).sort(), 'each method with options is called here');
  for (const [method, call] of Object.entries(CALLS)) {
    const keys = table[method];
    assert.ok(keys.length > 0, method);
    // A one-letter typo of the first key, and a key unlike any.
    const known = keys[0];
    const typo = known.length > 3 ? known.slice(0, -2) + known.at(-1) + known.at(-2) : `${known}x`;
    assert.throws(() => call(a, { [typo]: 1 }), (e) => e instanceof RangeError &&
      e.message.startsWith(`options.${typo} is not a known option; did you mean '${known}'?`), `${method} ${typo}`);
    assert.throws(() => call(a, { zzzzzzzzzz: 1 }), (e) => e instanceof RangeError &&
      e.message.startsWith('options.zzzzzzzzzz is not a known option') && !e.message.includes('did you mean'), method);
    call(a, {}); // the instance works after the errors
  }
  // The misspelt temperature of the issue: no longer silently T = 1.
  assert.throws(() => a.softmax(x6, { temprature: 0.5 }), /options.temprature is not a known option; did you mean 'temperature'\? \(known: cols, temperature, out\)/);
});

test('samplerFromJSON and restoreState: named TypeError / RangeError, and nothing left behind', () => {
  const s = a.sampler({ topK: 3, seed: 7, prompt: [1, 2] });
  s.next(x6);
  const json = s.toJSON();
  const errs = [
    ['garbage', TypeError, /^json must be the output of Sampler\.toJSON\(\) .*does not parse/],
    ['[1,2]', TypeError, /^json must be \{ options, state \}/],
    [null, TypeError, /^json must be \{ options, state \}/],
    [{ options: json.options }, TypeError, /^json must be \{ options, state \} .*with keys options/],
    [{ options: { ...json.options, topK: -1 }, state: json.state }, RangeError, /^json\.options\.topK must be >= 0/],
    [{ options: { ...json.options, top_k: 1 }, state: json.state }, RangeError, /^json\.options\.top_k is not a known option; did you mean 'topK'\?/],
    [{ options: json.options, state: { ...json.state, version: 9 } }, RangeError, /^json\.state is not a state saved by Sampler\.saveState\(\)/],
    [{ options: json.options, state: { ...json.state, history: [1, -2] } }, RangeError, /^json\.state is not a state saved/],
  ];
  for (const [input, Type, re] of errs) {
    assert.throws(() => a.samplerFromJSON(input), (e) => e instanceof Type && re.test(e.message), String(re));
  }
  assert.throws(() => s.restoreState(42), (e) => e instanceof TypeError && /^state must be a saveState\(\) object/.test(e.message));
  const back = a.samplerFromJSON(JSON.stringify(json));
  assert.deepEqual(back.next(x6), s.next(x6));
  s.dispose();
  back.dispose();
});

test('a token >= V names its list, the entry, the token and V', () => {
  const x = new Float32Array(8);
  const cases = [
    [{ bannedTokens: [1, 8] }, /^options\.bannedTokens\[1\] \(token 8\) is not a token of this vocabulary: token ids must be < 8, the length of the logits$/],
    [{ suppressTokens: [3, 4, 12] }, /^options\.suppressTokens\[2\] \(token 12\) is not a token/],
    [{ allowedTokens: [0, 9] }, /^options\.allowedTokens\[1\] \(token 9\) is not a token/],
    [{ logitBias: { 2: 1, 40: -1 } }, /^options\.logitBias entry 1 \(token 40\) is not a token/],
    [{ eosTokenId: 100, minLength: 5 }, /^options\.eosTokenId\[0\] \(token 100\) is not a token/],
    [{ badWords: [[1, 2], [3, 99]] }, /^options\.badWords\[1\]\[1\] \(token 99\) is not a token/],
    [{ dryMultiplier: 0.8, dryBreakers: [[50]] }, /^options\.dryBreakers\[0\]\[0\] \(token 50\) is not a token/],
    [{ beginSuppressTokens: [8] }, /^options\.beginSuppressTokens\[0\] \(token 8\) is not a token/],
  ];
  for (const [opts, re] of cases) {
    const s = a.sampler(opts);
    assert.throws(() => s.sample(x), (e) => e instanceof RangeError && re.test(e.message), `${JSON.stringify(opts)}: ${re}`);
    assert.equal(typeof s.sample(new Float32Array(128)).token, 'number', 'the sampler works on a vocabulary that holds the token');
    s.dispose();
  }
  const h = a.sampler({ prompt: [1, 2] });
  h.accept(30);
  assert.throws(() => h.sample(x), /^RangeError: the history's token 30 at position 2 \(the prompt, then accepted tokens\)/);
  h.dispose();
});

test('distribution() lists only tokens with probability > 0 when the row has +inf entries', () => {
  for (const opts of [{}, { topK: 4 }, { topP: 0.6 }, { minP: 0.1, temperature: 0.7 }]) {
    const s = a.sampler(opts);
    const x = new Float32Array([1, Infinity, 3, -Infinity, Infinity, 2]);
    const d = s.distribution(x);
    assert.deepEqual(Array.from(d.ids), [1, 4], JSON.stringify(opts));
    assert.deepEqual(Array.from(d.probs), [0.5, 0.5]);
    // And the draws agree: only the +inf tokens are ever drawn.
    for (let i = 0; i < 50; i++) assert.ok([1, 4].includes(s.sample(x).token));
    s.dispose();
  }
  // top-p 0.5: the first +inf token (lower id) already holds half the mass.
  const half = a.sampler({ topP: 0.5 }).distribution(new Float32Array([1, Infinity, 3, -Infinity, Infinity, 2]));
  assert.deepEqual([Array.from(half.ids), Array.from(half.probs)], [[1], [1]]);
});
