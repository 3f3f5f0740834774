// logitkit/transformers against the real @huggingface/transformers: its
// Tensor, its LogitsProcessorList and its own processors around ours, and
// model.generate() on the project's tiny ONNX model (onnxruntime-node, local).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, AutoModelForCausalLM, Tensor, LogitsProcessorList, RepetitionPenaltyLogitsProcessor, SuppressTokensLogitsProcessor, TemperatureLogitsWarper } from '@huggingface/transformers';
import { load } from '../../dist/index.mjs';
import { LogitkitLogitsProcessor, LogitkitSampler, logitsProcessor, logitsSampler } from '../../dist/adapters/transformers.mjs';
import { VOCAB, referenceLogits } from './make-model.mjs';

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

test('inside model.generate(): tiny-lm.onnx as a local transformers.js model, our processor decides every token', async () => {
  // A local model folder (config.json + onnx/model.onnx); nothing is fetched.
  const dir = mkdtempSync(join(tmpdir(), 'lk-hf-'));
  try {
    mkdirSync(join(dir, 'tiny-lm/onnx'), { recursive: true });
    copyFileSync(new URL('./tiny-lm.onnx', import.meta.url), join(dir, 'tiny-lm/onnx/model.onnx'));
    const eos = 0; // the 6th greedy token: generation stops on it
    writeFileSync(join(dir, 'tiny-lm/config.json'), JSON.stringify({
      model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], vocab_size: VOCAB, n_embd: 8, n_head: 1, n_layer: 1,
      n_positions: 128, bos_token_id: 1, eos_token_id: eos,
    }));
    Object.assign(env, { allowRemoteModels: false, allowLocalModels: true, localModelPath: `${dir}/` });
    const model = await AutoModelForCausalLM.from_pretrained('tiny-lm', { dtype: 'fp32', device: 'cpu' });
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
    await model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wrong tensors are named errors', () => {
  const proc = logitsProcessor(lk, { topP: 0.5 });
  assert.throws(() => proc([[1n]], new Tensor('float16', new Uint16Array(V), [1, V])), /logits.type must be 'float32'/);
  assert.throws(() => proc([[1n], [2n]], new Tensor('float32', new Float32Array(V), [1, V])), /input_ids has 2 rows but logits has 1/);
  assert.throws(() => logitsProcessor(lk, { topP: 2 }), /options.topP must be <= 1/);
  proc.dispose();
});
