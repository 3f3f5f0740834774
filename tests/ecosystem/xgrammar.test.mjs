// logitkit/xgrammar against the real XGrammar (@mlc-ai/web-xgrammar 0.1.27,
// its wasm engine in Node): each step's token is one the grammar allows, the
// mask is applied before the filters, logprobs are under the constrained
// distribution (and the unconstrained one when asked), the grammar's end stops
// the loop, a mask that leaves nothing is a named error, never an
// unconstrained draw. Then the playground's character model under a JSON
// Schema: 20 seeds, every output parses and validates (Ajv), while the same
// seeds without the grammar give invalid JSON.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import { allowedCount, grammarSampler, LogitkitGrammarSampler } from '../../dist/adapters/xgrammar.mjs';
import { CharModel, DEFAULT_SCHEMA, Generation, JsonSchemaGrammar } from '../../web/playground-core.mjs';
import { charlmFiles } from './charlm-files.mjs';
import { loadXGrammar } from './xgrammar-engine.mjs';

const lk = await load({ simd: process.env.LK_SIMD !== '0' });
const xgr = loadXGrammar();

// A character vocabulary with a stop token, and one without.
const CHARS = ['{', '}', 'a', 'b', 'c', '"', ':', ',', ' ', 'x', 'y', 'z'];
const EOS = CHARS.length;
const VOCAB = [...CHARS, '</s>'];
const V = VOCAB.length;
const id = (ch) => VOCAB.indexOf(ch);
const GRAMMAR = 'root ::= "{" ("a" | "b" | "c")+ "}"';

async function compiled(vocab, stopIds, grammar = GRAMMAR) {
  const info = await xgr.TokenizerInfo.createTokenizerInfo(vocab, 'raw', false, vocab.length, stopIds);
  const compiler = await xgr.GrammarCompiler.createGrammarCompiler(info, false);
  const g = await compiler.compileGrammar(grammar);
  after(() => { g.dispose(); compiler.dispose(); info.dispose(); });
  return g;
}
const withStop = await compiled(VOCAB, [EOS]);
const noStop = await compiled(CHARS, []);
const matcher = (g, terminateWithoutStopToken = false) => xgr.GrammarMatcher.createGrammarMatcher(g, undefined, terminateWithoutStopToken);

// Logits that favour what the grammar forbids: '}' and 'x' lead everywhere.
const logitsAt = (step) => Float32Array.from(VOCAB, (ch, i) => (ch === '}' ? 6 : ch === 'x' ? 5 : Math.sin(i * 1.3 + step) * 2));
const allowedIds = (mask, n) => Array.from({ length: n }, (_, t) => t).filter((t) => (mask[t >>> 5] >>> (t & 31)) & 1);
const lse = (xs) => { const m = Math.max(...xs); return m + Math.log(xs.reduce((a, v) => a + Math.exp(v - m), 0)); };

test('each token is allowed by its step\'s mask, logprobs are under the constrained distribution, the stop token ends it', async () => {
  const m = await matcher(withStop);
  const g = grammarSampler(lk, m, { seed: 11, rawLogprob: true, unconstrainedLogprob: true });
  assert.ok(g instanceof LogitkitGrammarSampler);
  let text = '', steps = 0;
  while (!g.done) {
    const z = logitsAt(steps);
    const r = await g.next(z);
    const allowed = allowedIds(r.bitmask, V);
    assert.ok(allowed.includes(r.token), `step ${steps}: token ${r.token} outside the grammar's ${allowed}`);
    // No filter: the final distribution is softmax over the allowed tokens.
    const constrained = z[r.token] - lse(allowed.map((t) => z[t]));
    assert.ok(Math.abs(r.logprob - constrained) < 1e-5, `step ${steps}: logprob ${r.logprob} vs ${constrained}`);
    assert.ok(Math.abs(r.rawLogprob - constrained) < 1e-5, `step ${steps}: rawLogprob`);
    assert.ok(Math.abs(r.unconstrainedLogprob - (z[r.token] - lse(Array.from(z)))) < 1e-5, `step ${steps}: unconstrainedLogprob`);
    assert.equal(r.done, g.done);
    if (r.token !== EOS) text += VOCAB[r.token];
    steps++;
    assert.ok(steps < 200);
  }
  assert.match(text, /^\{[abc]+\}$/);
  assert.equal(g.lastResult.token, EOS, 'the last token is the stop token');
  assert.equal(g.sampler.historyLength, steps);
  await assert.rejects(g.sample(logitsAt(0)), /^RangeError: bitmask\(\): the grammar has ended \(matcher.isTerminated\(\)\); reset\(\) to start again$/);
  assert.throws(() => g.accept(id('a')), /accept\(token\): the grammar has ended/);
  // reset(): the same seed gives the same text again.
  g.reset();
  let again = '';
  while (!g.done) { const r = await g.next(logitsAt(again.length)); if (r.token !== EOS) again += VOCAB[r.token]; }
  assert.equal(again, text);
  g.dispose();
  m.dispose();
});

test('the mask comes before the filters: top-k 1 keeps the best allowed token, never an empty set', async () => {
  const m = await matcher(withStop);
  const g = grammarSampler(lk, m, { topK: 1, topP: 0.5, minP: 0.9, seed: 3 });
  const z = logitsAt(0);
  assert.equal(z.indexOf(Math.max(...z)), id('}'), "'}' leads the raw logits");
  const first = await g.next(z);
  assert.equal(first.token, id('{'), 'only { is allowed first');
  assert.equal(first.candidates, 1);
  const second = await g.next(logitsAt(1));
  // '}' and 'x' lead but the grammar needs a, b or c here: the filters see only those.
  const z1 = logitsAt(1);
  const best = ['a', 'b', 'c'].map(id).sort((p, q) => z1[q] - z1[p] || p - q)[0];
  assert.equal(second.token, best);
  assert.equal(second.logprob, 0, 'top-k 1 of the allowed set: probability 1');
  g.dispose();
  m.dispose();
});

test('a grammar with no token the sampler leaves is a named error, never an unconstrained draw', async () => {
  // The sampler itself: an all-zero mask leaves nothing.
  assert.throws(() => lk.sampler().sample(logitsAt(0), { bitmask: new Uint32Array(1) }), (e) => e instanceof RangeError && /^no token left/.test(e.message));
  // The grammar allows a, b, c; the sampler bans them all.
  const m = await matcher(withStop);
  const g = grammarSampler(lk, m, { bannedTokens: ['a', 'b', 'c'].map(id) });
  await g.next(logitsAt(0));
  await assert.rejects(g.sample(logitsAt(1)), (e) => e instanceof RangeError &&
    e.message === `no token left: the grammar allows 3 of the ${V} tokens (2, 3, 4) but the sampler's own masks or -inf logits remove every one of them ` +
      '(bannedTokens, allowedTokens, logitBias, EOS before minNewTokens / minLength, noRepeatNgramSize, badWords); logitkit never draws outside the grammar' &&
    /^no token left/.test(e.cause.message));
  // -inf logits on every allowed token: the same.
  const z = logitsAt(1);
  for (const ch of 'abc') z[id(ch)] = -Infinity;
  await assert.rejects(g.sample(z), /^RangeError: no token left: the grammar allows 3 of/);
  g.dispose();
  m.dispose();
  // A vocabulary without a stop token and a matcher that waits for one: at the grammar's end the mask is empty.
  const waiting = await matcher(noStop, false);
  const w = grammarSampler(lk, waiting, { temperature: 0 });
  const z2 = Float32Array.from(CHARS, (ch) => (ch === 'a' ? 1 : 0));
  for (const ch of '{a}') assert.equal(CHARS[(await w.next(z2.map((v, i) => (CHARS[i] === ch ? 9 : v)))).token], ch);
  assert.equal(w.done, false);
  await assert.rejects(w.sample(z2), /^RangeError: no token left: the grammar allows none of the 12 tokens at this step and its matcher has not terminated .*terminateWithoutStopToken = true/);
  w.dispose();
  waiting.dispose();
  // With terminateWithoutStopToken the same text ends the grammar.
  const ending = await matcher(noStop, true);
  const e = grammarSampler(lk, ending, { temperature: 0 });
  let last;
  for (const ch of '{a}') last = await e.next(z2.map((v, i) => (CHARS[i] === ch ? 9 : v)));
  assert.equal(last.done, true);
  e.dispose();
  ending.dispose();
});

test('bad arguments are TypeErrors or RangeErrors naming the argument', async () => {
  const m = await matcher(withStop);
  assert.throws(() => grammarSampler(lk, {}), (e) => e instanceof TypeError &&
    /^LogitkitGrammarSampler\(lk, matcher, options\): matcher must be a grammar matcher with getNextTokenBitmask, acceptToken, isTerminated, reset .*got Object$/.test(e.message));
  assert.throws(() => grammarSampler(lk, { getNextTokenBitmask() {}, acceptToken() {}, isTerminated() {} }), /got Object without reset$/);
  assert.throws(() => grammarSampler({}, m), /lk must be the Logitkit from await load\(\)/);
  assert.throws(() => grammarSampler(lk, m, { unconstrainedLogprob: 'yes' }), (e) => e instanceof TypeError && /options.unconstrainedLogprob must be a boolean/.test(e.message));
  assert.throws(() => grammarSampler(lk, m, { topP: 2 }), (e) => e instanceof RangeError && /options.topP must be <= 1, got 2/.test(e.message));
  assert.throws(() => grammarSampler(lk, m, []), (e) => e instanceof TypeError && /options must be an object/.test(e.message));
  const g = grammarSampler(lk, m);
  await assert.rejects(g.sample([1, 2]), (e) => e instanceof TypeError && /^logits must be a Float32Array or a LogitBuffer \(got Array\)$/.test(e.message));
  await assert.rejects(g.sample(new Float32Array(40)), (e) => e instanceof RangeError &&
    /^the matcher's bitmask has 1 words \(32 tokens\) but logits has 40: compile the grammar for the model's vocabulary/.test(e.message));
  assert.throws(() => g.accept(-1), (e) => e instanceof RangeError && /accept\(token\): token must be >= 0, got -1/.test(e.message));
  assert.throws(() => g.accept(id('a')), (e) => e instanceof RangeError && /^accept\(token\): the grammar rejects token 2 here/.test(e.message));
  const bad = grammarSampler(lk, { getNextTokenBitmask: async () => [1], acceptToken: () => true, isTerminated: () => false, reset() {} });
  await assert.rejects(bad.sample(logitsAt(0)), (e) => e instanceof TypeError && /what matcher.getNextTokenBitmask\(\) gives must be a Uint32Array or Int32Array .*got Array/.test(e.message));
  assert.throws(() => allowedCount(new Int32Array(1), 33), /vocabSize must be <= 32, got 33/);
  assert.throws(() => allowedCount([1], 1), (e) => e instanceof TypeError && /allowedCount\(bitmask\): bitmask must be a Uint32Array or Int32Array/.test(e.message));
  g.dispose();
  bad.dispose();
  m.dispose();
});

test('allowedCount equals a bit-by-bit count, at every vocabulary size', () => {
  let s = 7;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (const n of [0, 1, 31, 32, 33, 95, 96, 97, 1000]) {
    const mask = Int32Array.from({ length: Math.ceil(n / 32) + 1 }, next);
    assert.equal(allowedCount(mask, n), allowedIds(mask, n).length, `vocabSize ${n}`);
  }
  assert.equal(allowedCount(new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff]), 96), 96);
});

test('a LogitBuffer is processed in place; unconstrainedLogprob is from the logits as they were', async () => {
  const m = await matcher(withStop);
  const g = grammarSampler(lk, m, { unconstrainedLogprob: true, logitBias: { [id('{')]: 3 } });
  const buf = lk.buffer(V);
  const z = logitsAt(0);
  buf.view.set(z);
  const r = await g.next(buf);
  assert.equal(r.token, id('{'));
  assert.ok(Math.abs(r.unconstrainedLogprob - (z[id('{')] - lse(Array.from(z)))) < 1e-5);
  assert.equal(buf.view[id('}')], -Infinity, 'the buffer holds the processed, masked logits');
  buf.dispose();
  g.dispose();
  m.dispose();
});

test('a masked step at V = 128 256 reads no mask word in JS (the sampler copies the words in one block); allowedCount is one pass', async () => {
  const V = 128256, words = Math.ceil(V / 32);
  const mask = new Int32Array(words).fill(-1);
  let reads = 0;
  // Counts element reads of the mask; everything else goes to the array itself.
  const counted = new Proxy(mask, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      const v = Reflect.get(target, key, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const g = grammarSampler(lk, { getNextTokenBitmask: async () => counted, acceptToken: () => true, isTerminated: () => false, reset() {} }, { seed: 5, topK: 40 });
  const z = Float32Array.from({ length: V }, (_, i) => Math.sin(i * 0.37) * 4);
  const masked = await g.next(z);
  assert.equal(reads, 0, 'the adapter and the sampler read the mask as a whole, never word by word in JS');
  const free = lk.sampler({ seed: 5, topK: 40 }).sample(z);
  assert.equal(masked.token, free.token, 'an all-ones mask changes nothing');
  assert.equal(allowedCount(counted, V), V);
  assert.equal(reads, words, 'allowedCount: one pass over the words, made only when called');
  g.dispose();
});

// ---- The playground's character model under a JSON Schema -----------------

ort.env.wasm.numThreads = 1;
const model = await CharModel.create(ort, lk, charlmFiles());
after(() => model.release());
const json = await JsonSchemaGrammar.create(xgr, model, DEFAULT_SCHEMA);
after(() => json.dispose());
const validate = new Ajv({ strict: true }).compile(JSON.parse(DEFAULT_SCHEMA));
const PROMPT = 'The meaning of life is';
const CONTROLS = { temperature: 0.8, topK: 40, topP: 0.95, repetitionPenalty: 1.1 };
const SEEDS = Array.from({ length: 20 }, (_, i) => 100 + i);

async function generateJson(seed) {
  const g = new Generation(model, PROMPT, { ...CONTROLS, seed }, { matcher: await json.matcher() });
  const allowed = [];
  while (!g.done) {
    const s = await g.step();
    allowed.push(s.allowed);
    assert.ok(s.allowed >= 1 && s.allowed <= model.vocab.length);
    assert.ok(g.ids.length - g.promptLength <= 400, `seed ${seed}: no end after 400 characters`);
  }
  const out = { text: g.generated, allowed };
  g.dispose();
  return out;
}

async function generatePlain(seed, n) {
  const g = new Generation(model, PROMPT, { ...CONTROLS, seed });
  for (let i = 0; i < n; i++) await g.step();
  const text = g.generated;
  g.dispose();
  return text;
}

const parsesAndValidates = (text) => {
  try {
    return validate(JSON.parse(text));
  } catch {
    return false;
  }
};

test('20 seeds under the JSON Schema: every output parses and validates; without the grammar the same seeds do not', async () => {
  const outputs = [];
  for (const seed of SEEDS) outputs.push(await generateJson(seed));
  for (const [i, o] of outputs.entries()) {
    assert.ok(parsesAndValidates(o.text), `seed ${SEEDS[i]}: ${JSON.stringify(o.text)} ${JSON.stringify(validate.errors)}`);
    assert.equal(o.allowed[0], 1, 'the first character can only be {');
    assert.ok(o.allowed.some((n) => n > 80), 'inside a string most characters are allowed');
  }
  assert.ok(new Set(outputs.map((o) => o.text)).size >= 18, 'different seeds, different JSON');
  // The control: the same prompt, seeds and controls, as many characters, no grammar.
  let valid = 0;
  for (const [i, seed] of SEEDS.entries()) if (parsesAndValidates(await generatePlain(seed, outputs[i].text.length))) valid++;
  assert.ok(valid <= 2, `${valid} of 20 unconstrained outputs were valid JSON: the mask should be what makes them valid`);
  // Reproducible: the first seed again.
  assert.equal((await generateJson(SEEDS[0])).text, outputs[0].text);
});

test('a bad schema is a named error', async () => {
  await assert.rejects(JsonSchemaGrammar.create(xgr, model, '{"type": '), /^TypeError: JSON Schema: not JSON/);
  await assert.rejects(JsonSchemaGrammar.create(xgr, model, '[1]'), /^TypeError: JSON Schema: must be a JSON object/);
  await assert.rejects(JsonSchemaGrammar.create(xgr, model, '{"type": "no-such-type"}'), /^RangeError: JSON Schema: XGrammar cannot compile it/);
});
