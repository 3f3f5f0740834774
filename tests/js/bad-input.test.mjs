// The bad-input matrix: every entry point × wrong types, wrong lengths, NaN
// in each position, bad options. Each must throw a TypeError or RangeError
// whose message names the argument — never crash, hang or return NaN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lkPromise } from './helpers.mjs';

const lk = await lkPromise;
const good = new Float32Array([0.5, 2, -1, 3, 0.25, 1]);
const WRONG_TYPES = [[1, 2, 3], new Float64Array(6), 'logits', null, undefined, { length: 6 }, 42, new Int32Array(6)];
const cases = [];
const expectThrow = (name, fn, Type, re) => cases.push({ name, fn, Type, re });

// Row and element-wise ops: [name, arg name, call].
const ROW_OPS = [
  ['softmax', 'logits', (x, o) => lk.softmax(x, o)],
  ['logSoftmax', 'logits', (x, o) => lk.logSoftmax(x, o)],
  ['logsumexp', 'logits', (x, o) => lk.logsumexp(x, o)],
  ['entropy', 'logits', (x, o) => lk.entropy(x, o)],
  ['argmax', 'logits', (x, o) => lk.argmax(x, o)],
];
const ELEMENT_OPS = [
  ['sigmoid', 'logits', (x, o) => lk.sigmoid(x, o)],
  ['logit', 'p', (x, o) => lk.logit(x, o)],
  ['exp', 'x', (x, o) => lk.exp(x, o)],
  ['log', 'x', (x, o) => lk.log(x, o)],
];
for (const [op, arg, call] of [...ROW_OPS, ...ELEMENT_OPS]) {
  for (const w of WRONG_TYPES) expectThrow(`${op}(${Object.prototype.toString.call(w)})`, () => call(w), TypeError, new RegExp(`^${arg} must be`));
  expectThrow(`${op} options not an object`, () => call(good, 'fast'), TypeError, /options must be an object/);
  const OutType = op === 'argmax' ? Int32Array : Float32Array;
  expectThrow(`${op} out wrong length`, () => call(good, { out: new OutType(5) }), RangeError, /options.out must hold/);
  expectThrow(`${op} out wrong type`, () => call(good, { out: [] }), TypeError, /options.out must be/);
  if (op !== 'log' && op !== 'exp') {
    for (const pos of [0, 3, 5]) {
      const x = op === 'logit' ? new Float32Array([0.5, 0.2, 0.1, 0.9, 0.25, 1]) : good.slice();
      x[pos] = NaN;
      expectThrow(`${op} NaN at ${pos}`, () => call(x), RangeError, new RegExp(`${arg}\\[${pos}\\].* is NaN`));
    }
  }
}
for (const [op, , call] of ROW_OPS) {
  for (const cols of [0, 4, -1, 2.5, '2', NaN]) expectThrow(`${op} cols ${String(cols)}`, () => call(good, { cols }), cols === '2' ? TypeError : RangeError, /options.cols/);
  if (op !== 'argmax') {
    for (const t of [-1, NaN, Infinity, -Infinity]) expectThrow(`${op} temperature ${t}`, () => call(good, { temperature: t }), RangeError, /options.temperature/);
    expectThrow(`${op} temperature string`, () => call(good, { temperature: '1' }), TypeError, /options.temperature must be a number/);
  }
}
for (const p of [-0.1, 1.5, Infinity]) expectThrow(`logit p=${p}`, () => lk.logit(new Float32Array([0.5, p])), RangeError, /p\[1\] is outside \[0, 1\]/);
for (const eps of [-1, 0.6, NaN]) expectThrow(`logit eps ${eps}`, () => lk.logit(good.map(() => 0.5), { eps }), RangeError, /options.eps/);
expectThrow('argmax empty row', () => lk.argmax(new Float32Array(0)), RangeError, /empty/);
expectThrow('linear inFeatures missing', () => lk.linear(good, good), TypeError, /options.inFeatures/);
expectThrow('linear length mismatch', () => lk.linear(good, good, { inFeatures: 4 }), RangeError, /weight.length \(6\) must be a multiple of options.inFeatures/);
expectThrow('buffer negative', () => lk.buffer(-1), RangeError, /length must be >= 0/);
expectThrow('buffer huge', () => lk.buffer(2 ** 40), RangeError, /length must be <=/);
{
  const b = lk.buffer(4);
  b.dispose();
  expectThrow('disposed buffer as input', () => lk.softmax(b), TypeError, /^logits is a LogitBuffer that was disposed/);
  expectThrow('disposed buffer as out', () => lk.softmax(new Float32Array(4), { out: b }), TypeError, /^options.out is a LogitBuffer that was disposed/);
  expectThrow('disposed buffer as bias', () => lk.linear(good, good, { inFeatures: 6, bias: b }), TypeError, /^options.bias is a LogitBuffer that was disposed/);
}

// Losses.
const labels = new Int32Array([0, 5]);
expectThrow('crossEntropy label out of range', () => lk.crossEntropy(good, labels), RangeError, /target\[1\] = 5 is not a class index/);
expectThrow('crossEntropy labels as Array', () => lk.crossEntropy(good, [0, 1]), TypeError, /target must be/);
expectThrow('crossEntropy length mismatch', () => lk.crossEntropy(good, new Int32Array(4)), RangeError, /must be target.length/);
for (const ls of [-0.1, 1.1, NaN]) expectThrow(`crossEntropy labelSmoothing ${ls}`, () => lk.crossEntropy(good, new Int32Array([0, 1]), { labelSmoothing: ls }), RangeError, /options.labelSmoothing/);
expectThrow('crossEntropy weight negative', () => lk.crossEntropy(good, new Int32Array([0, 1]), { weight: new Float32Array([1, -1, 1]) }), RangeError, /options.weight\[1\]/);
expectThrow('crossEntropy reduction', () => lk.crossEntropy(good, new Int32Array([0, 1]), { reduction: 'avg' }), RangeError, /options.reduction/);
expectThrow('bceWithLogits target > 1', () => lk.bceWithLogits(good, good), RangeError, /target\[1\] must be a probability/);
expectThrow('klDiv target length', () => lk.klDiv(good, new Float32Array(3)), RangeError, /target must hold 6/);

// Sampler options: each numeric option with values outside its rule.
const SAMPLER_BAD = {
  temperature: [-1, NaN, Infinity], topK: [-1, 1.5], topP: [-0.1, 1.1, NaN], minP: [-0.1, 1.1], typicalP: [2],
  topNSigma: [-1], epsilon: [1, -0.1], eta: [1], xtcProbability: [2], xtcThreshold: [-1], minKeep: [-1],
  repetitionPenalty: [0, -1, NaN], frequencyPenalty: [Infinity], presencePenalty: [NaN], penaltyLastN: [-2],
  dryMultiplier: [-1], dryBase: [0], dryAllowedLength: [-1], minNewTokens: [-1], minLength: [1.5],
  noRepeatNgramSize: [-1], mirostat: [3], mirostatTau: [-1], mirostatM: [0, 2000], topLogprobs: [21, -1],
};
for (const [name, values] of Object.entries(SAMPLER_BAD)) {
  for (const v of values) expectThrow(`sampler ${name}=${v}`, () => lk.sampler({ [name]: v }), RangeError, new RegExp(`options.${name}`));
  expectThrow(`sampler ${name} string`, () => lk.sampler({ [name]: 'x' }), TypeError, new RegExp(`options.${name}`));
}
expectThrow('sampler unknown option', () => lk.sampler({ top_p: 0.9 }), RangeError, /^options.top_p is not a known option; did you mean 'topP'\?/);
expectThrow('sampler bias token out of range', () => lk.sampler({ logitBias: { 10: 1 } }).sample(good), RangeError, /logitBias/);
expectThrow('sampler history token out of range', () => lk.sampler({ prompt: [99], repetitionPenalty: 1.2 }).sample(good), RangeError, /^the history's token 99 at position 0 \(the prompt, then accepted tokens\) is not a token of this vocabulary: token ids must be < 6/);
expectThrow('sampler bitmask too short', () => lk.sampler().sample(new Float32Array(40), { bitmask: new Uint32Array(1) }), RangeError, /^options.bitmask must hold at least ceil\(40 \/ 32\) = 2 words, one bit per token of the 40 logits, got 1$/);
expectThrow('sampler bitmask wrong type', () => lk.sampler().sample(good, { bitmask: [1] }), TypeError, /options.bitmask/);
expectThrow('sampler all banned', () => lk.sampler({ bannedTokens: [0, 1, 2, 3, 4, 5] }).sample(good), RangeError, /no token left/);
expectThrow('sampler accept bad token', () => lk.sampler().accept(-1), RangeError, /token must be >= 0/);

test(`bad-input matrix: ${cases.length} cases, each a named TypeError or RangeError`, () => {
  for (const { name, fn, Type, re } of cases) {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof Type, `${name}: expected ${Type.name}, got ${e?.constructor?.name}: ${e?.message}`);
      assert.match(e.message, re, `${name}: message '${e.message}'`);
      return true;
    }, name);
  }
});

test('successful calls at the edges return no NaN', () => {
  const edges = [new Float32Array([Infinity, -Infinity, 0]), new Float32Array([-Infinity, -Infinity]), new Float32Array([1e30, -1e30]), new Float32Array([3.4e38, -3.4e38, 0])];
  for (const x of edges) {
    for (const out of [lk.softmax(x), lk.logSoftmax(x), lk.entropy(x), lk.sigmoid(x), lk.softmax(x, { temperature: 0 })]) {
      assert.ok(!out.some(Number.isNaN), `NaN for ${Array.from(x)}`);
    }
  }
});
