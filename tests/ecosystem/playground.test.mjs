// The generation playground's model and loop (web/playground-core.mjs) with a
// real onnxruntime-web InferenceSession in Node, on the committed model
// data/model/charlm.onnx (made by model/train.py): seeded generation is
// reproducible, logitkit's LM head reproduces the model's own logits, the
// prompt's scores come from the first step's own model run and equal
// logSoftmax at the prompt's characters, and the validation perplexity computed
// with logitkit's scoreTokens matches the one the training script recorded
// with PyTorch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import { CharModel, Generation, PROMPT_TOP, topN, validationLoss } from '../../web/playground-core.mjs';
import { charlmFiles, readModelFile } from './charlm-files.mjs';

ort.env.wasm.numThreads = 1;
const files = charlmFiles();
const { meta } = files;
const lk = await load({ simd: process.env.LK_SIMD !== '0' });
const model = await CharModel.create(ort, lk, files);
after(() => model.release());

async function generate(prompt, controls, n) {
  const g = new Generation(model, prompt, controls);
  const steps = [];
  for (let i = 0; i < n; i++) steps.push(await g.step());
  const out = { text: g.generated, steps, perplexity: g.perplexity };
  g.dispose();
  return out;
}

const CONTROLS = { temperature: 0.8, topK: 40, topP: 0.95, repetitionPenalty: 1.1, seed: 2026 };

test('64 characters with a fixed seed: twice the same text; another seed, another text', async () => {
  const a = await generate('The meaning of life is', CONTROLS, 64);
  const b = await generate('The meaning of life is', CONTROLS, 64);
  assert.equal(a.text.length, 64);
  assert.equal(a.text, b.text);
  assert.deepEqual(a.steps.map((s) => s.logprob), b.steps.map((s) => s.logprob));
  const c = await generate('The meaning of life is', { ...CONTROLS, seed: 2027 }, 64);
  assert.notEqual(a.text, c.text);
  assert.ok(Number.isFinite(a.perplexity) && a.perplexity > 1);
});

test('every step: the token is in the kept set, logprob and perplexity agree with a float64 reference', async () => {
  const g = new Generation(model, 'Q: Why', { topK: 10, minP: 0.02, seed: 5 });
  let nll = 0;
  for (let i = 0; i < 24; i++) {
    const s = await g.step();
    const at = Array.from(s.kept.ids).indexOf(s.token);
    assert.ok(at >= 0, `step ${i}: token ${s.token} outside the kept set`);
    assert.ok(Math.abs(s.logprob - Math.log(s.kept.probs[at])) < 1e-5, `step ${i}: logprob`);
    const m = Math.max(...s.logits);
    const lse = m + Math.log(s.logits.reduce((acc, v) => acc + Math.exp(v - m), 0));
    assert.ok(Math.abs(s.modelLogprob - (s.logits[s.token] - lse)) < 1e-5, `step ${i}: model logprob`);
    nll -= s.logits[s.token] - lse;
    assert.ok(Math.abs(g.perplexity - Math.exp(nll / (i + 1))) < 1e-4 * g.perplexity, `step ${i}: perplexity`);
    assert.equal(s.lens.length, meta.config.layers + 1);
  }
  g.dispose();
});

test("logitkit's linear on the last normed hidden state reproduces the model's logits", async () => {
  const ids = model.encode('To be, or not to be, that is the question:');
  const s = await model.step(ids);
  let worst = 0;
  for (let i = 0; i < s.logits.length; i++) worst = Math.max(worst, Math.abs(s.logits[i] - s.onnxLogits[i]));
  assert.ok(worst < 1e-4, `max |linear - onnx| = ${worst}`);
  // A float64 LM head on the same state agrees too.
  const out = await model.run(ids);
  const T = ids.length, d = model.dModel, L = model.layers;
  const h = out.normed_hidden_states.data.subarray((L * T + T - 1) * d, (L * T + T) * d);
  for (let v = 0; v < model.vocab.length; v++) {
    let acc = model.bias[v];
    for (let k = 0; k < d; k++) acc += model.weight[v * d + k] * h[k];
    assert.ok(Math.abs(acc - s.logits[v]) < 1e-4, `logit ${v}`);
  }
});

// Counts the ONNX runs made while fn runs.
async function countingRuns(fn) {
  let runs = 0;
  const run = model.run;
  model.run = function (...args) { runs++; return run.apply(this, args); };
  try {
    const value = await fn();
    return { value, runs };
  } finally {
    delete model.run;
  }
}

test("the prompt's scores come from the first step's own run and equal logSoftmax at the prompt's characters", async () => {
  const prompt = 'The meaning of life is\nto  find a question.';
  const ids = model.encode(prompt);
  const V = model.vocab.length, T = ids.length;
  const g = new Generation(model, prompt, CONTROLS);
  const { value: first, runs } = await countingRuns(() => g.step());
  assert.equal(runs, 1, 'the first step scores the prompt without another ONNX run');
  const scores = g.promptScores;
  assert.equal(scores.windowStart, 0);
  assert.equal(scores.scoredFrom, 1);
  assert.equal(scores.count, T - 1);
  assert.equal(scores.chars.length, T - 1);
  // The block's last row is what the first step sampled from.
  assert.equal(scores.logits.length, T * V);
  assert.deepEqual(first.logits, scores.logits.slice((T - 1) * V));
  // The block is the model's own logits at every position.
  const onnx = (await model.run(ids)).logits.data;
  let worst = 0;
  for (let i = 0; i < T * V; i++) worst = Math.max(worst, Math.abs(scores.logits[i] - onnx[i]));
  assert.ok(worst < 1e-4, `max |block - onnx logits| = ${worst}`);
  let sum = 0;
  scores.chars.forEach((c, r) => {
    const row = scores.logits.subarray(r * V, (r + 1) * V);
    const reference = lk.logSoftmax(row);
    assert.equal(c.position, r + 1);
    assert.equal(c.token, ids[r + 1]);
    assert.equal(c.char, prompt[r + 1]);
    assert.equal(Math.fround(c.logprob), reference[c.token], `character ${r + 1}: logprob`);
    assert.equal(c.surprise, -c.logprob);
    let rank = 1;
    for (let j = 0; j < V; j++) if (row[j] > row[c.token] || (row[j] === row[c.token] && j < c.token)) rank++;
    assert.equal(c.rank, rank, `character ${r + 1}: rank`);
    assert.deepEqual(c.top.map((a) => a.token), topN(row, PROMPT_TOP), `character ${r + 1}: top ${PROMPT_TOP}`);
    for (const a of c.top) assert.equal(Math.fround(a.logprob), reference[a.token], `character ${r + 1}: top logprob of ${a.token}`);
    sum += c.logprob;
  });
  assert.ok(Math.abs(scores.sum - sum) <= 1e-12 * Math.abs(sum));
  assert.ok(Math.abs(scores.meanSurprise + sum / (T - 1)) <= 1e-12 * scores.meanSurprise);
  assert.ok(Math.abs(scores.perplexity / Math.exp(scores.meanSurprise) - 1) <= 1e-12, `perplexity ${scores.perplexity} vs exp(-mean)`);
  // Later steps keep the first step's scores and run the model once each.
  const { runs: later } = await countingRuns(() => g.step());
  assert.equal(later, 1);
  assert.equal(g.promptScores, scores);
  g.dispose();
});

test("a prompt longer than the context: only the window's characters after its first are scored", async () => {
  const prompt = 'Q: What is the meaning of life?\nA: '.repeat(6);
  const ctx = model.context, L = prompt.length;
  assert.ok(L > ctx + 1);
  const g = new Generation(model, prompt, CONTROLS);
  await g.step();
  const scores = g.promptScores;
  assert.equal(scores.windowStart, L - ctx);
  assert.equal(scores.scoredFrom, L - ctx + 1);
  assert.equal(scores.count, ctx - 1);
  assert.deepEqual(scores.chars.map((c) => c.position), Array.from({ length: ctx - 1 }, (_, i) => L - ctx + 1 + i));
  assert.equal(scores.chars.map((c) => c.char).join(''), prompt.slice(L - ctx + 1));
  assert.ok(Number.isFinite(scores.perplexity) && scores.perplexity >= 1);
  g.dispose();
  const single = new Generation(model, 'Q', CONTROLS);
  await single.step();
  assert.equal(single.promptScores.count, 0);
  assert.deepEqual(single.promptScores.chars, []);
  assert.ok(Number.isNaN(single.promptScores.perplexity));
  single.dispose();
});

test('validation perplexity with logitkit scoreTokens matches the training script', async () => {
  const text = readModelFile('valid.txt', 'utf8');
  const { loss, windows } = await validationLoss(model, text);
  assert.equal(windows, meta.valid_windows);
  assert.ok(Math.abs(loss - meta.valid_loss) < 1e-5, `loss ${loss} vs recorded ${meta.valid_loss}`);
  assert.ok(Math.abs(Math.exp(loss) / meta.valid_perplexity - 1) < 1e-4);
});

test('bad prompts are named errors', () => {
  assert.throws(() => new Generation(model, '', CONTROLS), /prompt: must hold/);
  assert.throws(() => new Generation(model, 'café', CONTROLS), /prompt: character "é" at position 3/);
});
