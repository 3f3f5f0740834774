// The generation playground's model and loop (web/playground-core.mjs) with a
// real onnxruntime-web InferenceSession in Node, on the committed model
// data/model/charlm.onnx (made by model/train.py): seeded generation is
// reproducible, logitkit's LM head reproduces the model's own logits, and the
// validation perplexity computed with logitkit's crossEntropy matches the one
// the training script recorded with PyTorch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import { CharModel, Generation, validationLoss } from '../../web/playground-core.mjs';
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

test('validation perplexity with logitkit crossEntropy matches the training script', async () => {
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
