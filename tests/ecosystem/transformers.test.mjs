// logitkit/transformers against the real @huggingface/transformers: its
// Tensor, its LogitsProcessorList and its own processors around ours, and
// model.generate() on the project's tiny ONNX model (onnxruntime-node, local),
// also under a JSON Schema compiled by the real XGrammar (a per-step bitmask
// callback fed by logitkit/xgrammar's GrammarStreamer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, AutoModelForCausalLM, Tensor, LogitsProcessorList, RepetitionPenaltyLogitsProcessor, SuppressTokensLogitsProcessor, TemperatureLogitsWarper } from '@huggingface/transformers';
import { load } from '../../dist/index.mjs';
import { LogitkitLogitsProcessor, LogitkitSampler, logitsProcessor, logitsSampler } from '../../dist/adapters/transformers.mjs';
import { grammarStreamer } from '../../dist/adapters/xgrammar.mjs';
import { VOCAB, referenceLogits } from './make-model.mjs';
import { loadXGrammar } from './xgrammar-engine.mjs';

const lk = await load({ simd: process.env.LK_SIMD !== '0' });
const V = 50;
const row = (seed) => Float32Array.from({ length: V }, (_, i) => Math.sin(i * 1.7 + seed) * 3 + (i % 7 === 0 ? 2 : 0));
const softmax64 = (x) => {
  const m = Math.max(...x);
  const e = Array.from(x, (v) => (v === -Infinity ? 0 : Math.exp(v - m)));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
// Sort-then-cut top-p in float64, ties to the lower id: the kept ids.
const topPKept = (x, p) => {
  const probs = softmax64(x);
  const order = probs.map((q, id) => ({ q, id })).sort((a, b) => b.q - a.q || a.id - b.id);
  const kept = [];
  let mass = 0;
  for (const e of order) { kept.push(e.id); mass += e.q; if (mass >= p) break; }
  return kept.sort((a, b) => a - b);
};

test('a processor inside LogitsProcessorList, after its own processors: Tensor in, same Tensor out, top-p kept set', () => {
  const data = new Float32Array([...row(1), ...row(2)]);
  const logits = new Tensor('float32', data, [2, V]);
  const inputIds = [[3n, 7n, 7n], [11n, 12n, 13n]];
  const list = new LogitsProcessorList();
  list.push(new RepetitionPenaltyLogitsProcessor(1.3));
  list.push(new TemperatureLogitsWarper(0.7));
  const ours = new LogitkitLogitsProcessor(lk, { topP: 0.8 });
  list.push(ours);
  assert.equal(typeof ours, 'function');

  // Expected: transformers.js's own processors, then a float64 top-p.
  const ref = new Tensor('float32', data.slice(), [2, V]);
  new RepetitionPenaltyLogitsProcessor(1.3)(inputIds, ref);
  new TemperatureLogitsWarper(0.7)(inputIds, ref);

  const out = list(inputIds, logits);
  assert.equal(out, logits, 'processed in place, the same Tensor returned');
  assert.equal(out.dims.join(), `2,${V}`);
  for (let r = 0; r < 2; r++) {
    const got = out[r].data;
    const x = ref[r].data;
    const kept = topPKept(x, 0.8);
    assert.deepEqual([...got.keys()].filter((i) => got[i] !== -Infinity), kept, `row ${r} kept set`);
    // softmax(output) = the renormalised kept distribution.
    const p = softmax64(x);
    const mass = kept.reduce((a, i) => a + p[i], 0);
    const q = softmax64(got);
    for (const i of kept) assert.ok(Math.abs(q[i] - p[i] / mass) < 2e-6, `row ${r} token ${i}`);
  }
  ours.dispose();
});

test('penalties follow input_ids step by step; a new prompt restarts the history', () => {
  const proc = logitsProcessor(lk, { repetitionPenalty: 2, penaltyLastN: -1, minNewTokens: 2, eosTokenId: 0 });
  const x = row(3);
  const step = (ids) => proc([ids], new Tensor('float32', x.slice(), [1, V])).data;
  const expected = (ids, eosMasked) => {
    const z = Float64Array.from(x);
    for (const t of new Set(ids.map(Number))) z[t] = z[t] < 0 ? z[t] * 2 : z[t] / 2;
    if (eosMasked) z[0] = -Infinity;
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    return Array.from(z, (v) => v - lse);
  };
  const check = (got, want) => got.forEach((v, i) => assert.ok(v === want[i] || Math.abs(v - want[i]) < 1e-5, `${i}: ${v} vs ${want[i]}`));
  check(step([5n, 6n]), expected([5, 6], true)); // prompt: EOS blocked
  check(step([5n, 6n, 9n]), expected([5, 6, 9], true)); // 1 new token: still blocked
  check(step([5n, 6n, 9n, 9n]), expected([5, 6, 9], false)); // 2 new tokens: EOS allowed
  check(step([1n]), expected([1], true)); // a new sequence
  proc.dispose();
});

test('the sampler has transformers.js LogitsSampler\'s interface: greedy = argmax, seeded draws reproducible and within top-k', async () => {
  const x = row(4);
  const greedy = new LogitkitSampler(lk, { temperature: 0 });
  const logits = new Tensor('float32', x, [V]);
  const [[token, score]] = await greedy(logits);
  assert.equal(typeof token, 'bigint');
  assert.equal(Number(token), x.indexOf(Math.max(...x)));
  assert.equal(score, 0);
  greedy.dispose();

  const draw = async (seed) => {
    const s = logitsSampler(lk, { topK: 5, seed });
    const out = [];
    for (let i = 0; i < 20; i++) out.push(...(await s.sample(new Tensor('float32', row(i), [1, V]))));
    s.dispose();
    return out;
  };
  const a = await draw(7);
  assert.deepEqual(a, await draw(7));
  a.forEach(([t, lp], i) => {
    const top5 = Array.from(row(i), (z, id) => ({ z, id })).sort((p, q) => q.z - p.z || p.id - q.id).slice(0, 5).map((e) => e.id);
    assert.ok(top5.includes(Number(t)), `step ${i}: ${t} in top-5`);
    assert.ok(lp <= 0 && lp > -20);
  });
});

// tiny-lm.onnx as a local transformers.js model (config.json + onnx/model.onnx); nothing is fetched.
async function withTinyModel(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'lk-hf-'));
  try {
    mkdirSync(join(dir, 'tiny-lm/onnx'), { recursive: true });
    copyFileSync(new URL('./tiny-lm.onnx', import.meta.url), join(dir, 'tiny-lm/onnx/model.onnx'));
    writeFileSync(join(dir, 'tiny-lm/config.json'), JSON.stringify({
      model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], vocab_size: VOCAB, n_embd: 8, n_head: 1, n_layer: 1,
      n_positions: 128, bos_token_id: 1, eos_token_id: 0,
    }));
    Object.assign(env, { allowRemoteModels: false, allowLocalModels: true, localModelPath: `${dir}/` });
    const model = await AutoModelForCausalLM.from_pretrained('tiny-lm', { dtype: 'fp32', device: 'cpu' });
    try {
      await fn(model);
    } finally {
      await model.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('inside model.generate(): tiny-lm.onnx as a local transformers.js model, our processor decides every token', async () => {
  await withTinyModel(async (model) => {
    const eos = 0; // the 6th greedy token: generation stops on it
    // topK 1 leaves one token, so even do_sample's random draw must pick it.
    const proc = logitsProcessor(lk, { topK: 1, repetitionPenalty: 1.5, penaltyLastN: -1 });
    let calls = 0;
    const counted = (ids, logits) => { calls++; return proc(ids, logits); };
    const prompt = [1n, 2n, 3n];
    const out = await model.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(prompt), [1, 3]),
      max_new_tokens: 10, do_sample: true, logits_processor: [counted],
    });
    const got = out.tolist()[0].map(Number);
    // Reference: the model's last-position logits, HF repetition penalty over all ids, first argmax.
    const want = prompt.map(Number);
    while (want.length < prompt.length + 10 && want.at(-1) !== eos) {
      const z = referenceLogits(want.at(-1));
      for (const t of new Set(want)) z[t] = z[t] < 0 ? z[t] * 1.5 : z[t] / 1.5;
      want.push(z.indexOf(Math.max(...z)));
    }
    assert.deepEqual(got, want);
    assert.equal(calls, want.length - prompt.length);
    assert.ok(calls >= 4, `generated ${got.join(" ")}`);
    proc.dispose();
  });
});

// The tiny model's 64 tokens as text: 0 is the stop token (its eos_token_id), 1 BOS, then characters.
const TINY_VOCAB = ['</s>', '<s>', ...'{}[]":, 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV'].slice(0, VOCAB);
const SCHEMA = { type: 'object', properties: { color: { enum: ['red', 'green', 'blue'] }, ok: { type: 'boolean' } }, required: ['color', 'ok'] };

test('inside model.generate() under a JSON Schema: XGrammar\'s mask through the bitmask callback, logitkit\'s distribution, valid JSON', async () => {
  assert.equal(TINY_VOCAB.length, VOCAB);
  const xgr = loadXGrammar();
  const info = await xgr.TokenizerInfo.createTokenizerInfo(TINY_VOCAB, 'raw', false, VOCAB, [0]);
  const compiler = await xgr.GrammarCompiler.createGrammarCompiler(info, false);
  const compiled = await compiler.compileJSONSchema(JSON.stringify(SCHEMA), false, -1);
  const decode = (ids) => ids.map((t) => TINY_VOCAB[t]).join('');
  const check = (text) => {
    const v = JSON.parse(text);
    assert.deepEqual(Object.keys(v), ['color', 'ok'], text);
    assert.ok(SCHEMA.properties.color.enum.includes(v.color) && typeof v.ok === 'boolean', text);
  };
  const prompt = [1n, 40n, 41n];
  const run = async (model, generateOptions, samplerOptions) => {
    const matcher = await xgr.GrammarMatcher.createGrammarMatcher(compiled);
    const streamer = grammarStreamer(matcher);
    const proc = logitsProcessor(lk, { ...samplerOptions, bitmask: streamer.bitmask });
    const out = await model.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(prompt), [1, prompt.length]),
      max_new_tokens: 64, logits_processor: [proc], streamer, ...generateOptions,
    });
    const ids = out.tolist()[0].map(Number).slice(prompt.length);
    assert.equal(streamer.done, true, 'the matcher accepted the stop token');
    proc.dispose();
    matcher.dispose();
    return ids;
  };
  await withTinyModel(async (model) => {
    // Greedy: at each step the argmax of the model's logits among the tokens the grammar allows.
    const ids = await run(model, { do_sample: false }, {});
    assert.equal(ids.at(-1), 0, 'stops on the stop token');
    const text = decode(ids.slice(0, -1));
    check(text);
    const ref = await xgr.GrammarMatcher.createGrammarMatcher(compiled);
    const want = [];
    let last = Number(prompt.at(-1));
    while (!ref.isTerminated()) {
      const mask = await ref.getNextTokenBitmask();
      const z = referenceLogits(last);
      let best = -1;
      for (let t = 0; t < VOCAB; t++) if ((mask[t >>> 5] >>> (t & 31)) & 1 && (best < 0 || z[t] > z[best])) best = t;
      assert.ok(ref.acceptToken(best));
      want.push(best);
      last = best;
    }
    ref.dispose();
    assert.deepEqual(ids, want, `${text} vs ${decode(want)}`);
    // The same grammar without the mask: the model's own greedy text is not this JSON.
    const free = await model.generate({ input_ids: new Tensor('int64', BigInt64Array.from(prompt), [1, prompt.length]), max_new_tokens: 24, do_sample: false });
    assert.throws(() => check(decode(free.tolist()[0].map(Number).slice(prompt.length).filter((t) => t !== 0))));
    // Sampled by transformers.js from logitkit's final distribution (min-p, temperature): valid every time.
    for (let i = 0; i < 5; i++) {
      const sampled = await run(model, { do_sample: true }, { minP: 0.05, temperature: 1.5 });
      check(decode(sampled.slice(0, -1)));
    }
  });
  compiled.dispose();
  compiler.dispose();
  info.dispose();
});

test('the bitmask callback: a mask per row and step, null for none, bad returns named', () => {
  const x = row(5);
  const mask = new Uint32Array(2);
  mask[0] = (1 << 3) | (1 << 9);
  const seen = [];
  const proc = logitsProcessor(lk, { bitmask: (ids, r) => { seen.push([ids.length, r]); return r === 0 ? mask : null; } });
  const out = proc([[1n, 2n], [3n]], new Tensor('float32', new Float32Array([...x, ...x]), [2, V])).data;
  assert.deepEqual(seen, [[2, 0], [1, 1]]);
  assert.deepEqual([...out.subarray(0, V).keys()].filter((i) => out[i] !== -Infinity), [3, 9]);
  assert.equal(out.subarray(V).filter((v) => v === -Infinity).length, 0);
  proc.dispose();
  assert.throws(() => logitsProcessor(lk, { bitmask: mask }), (e) => e instanceof TypeError && /options.bitmask must be a function/.test(e.message));
  const async = logitsProcessor(lk, { bitmask: async () => mask });
  assert.throws(() => async([[1n]], new Tensor('float32', x.slice(), [1, V])), (e) => e instanceof TypeError && /returned a Promise, but transformers.js calls logits processors synchronously/.test(e.message));
  const wrong = logitsProcessor(lk, { bitmask: () => [1] });
  assert.throws(() => wrong([[1n]], new Tensor('float32', x.slice(), [1, V])), (e) => e instanceof TypeError && /what options.bitmask returns must be a Uint32Array or Int32Array, null or undefined/.test(e.message));
  async.dispose();
  wrong.dispose();
});

test('logitsSampler awaits its bitmask callback before each draw', async () => {
  const mask = new Int32Array(2);
  mask[1] = 1 << 2; // token 34 only
  const s = logitsSampler(lk, { seed: 1, bitmask: async () => mask });
  const [[token]] = await s(new Tensor('float32', row(6), [V]));
  assert.equal(token, 34n);
  s.dispose();
});

test('wrong tensors are named errors', () => {
  const proc = logitsProcessor(lk, { topP: 0.5 });
  assert.throws(() => proc([[1n]], new Tensor('float16', new Uint16Array(V), [1, V])), /logits.type must be 'float32'/);
  assert.throws(() => proc([[1n], [2n]], new Tensor('float32', new Float32Array(V), [1, V])), /input_ids has 2 rows but logits has 1/);
  assert.throws(() => logitsProcessor(lk, { topP: 2 }), /options.topP must be <= 1/);
  proc.dispose();
});
