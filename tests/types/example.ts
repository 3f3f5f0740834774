// Type-checked (tsc --noEmit) against dist/index.d.ts through the package's
// own "exports" map; never run. A wrong signature in the .d.ts fails here.
import { load, LogitBuffer, type Logitkit } from 'logitkit';

async function main(): Promise<number> {
  const lk: Logitkit = await load({ simd: 'auto' });
  const logits = new Float32Array([4.5, -1.2, 0.8]);
  const p: Float32Array = lk.softmax(logits, { temperature: 0.7 });
  const buf: LogitBuffer = lk.buffer(3);
  buf.view.set(logits);
  const same: LogitBuffer = lk.logSoftmax(buf, { out: buf });
  const lse: Float32Array = lk.logsumexp(logits, { cols: 3 });
  const best: Int32Array = lk.argmax(logits);
  const y: Float32Array = lk.linear(new Float32Array(6), new Float32Array(2), { inFeatures: 2 });
  const z: Float32Array = lk.logit(lk.sigmoid(logits), { eps: 1e-6 });
  const ce: number = lk.crossEntropy(logits, new Int32Array([0]), { labelSmoothing: 0.1 });
  const perSample: Float32Array = lk.crossEntropy(logits, new Int32Array([0]), { reduction: 'none' });
  const bce: number = lk.bceWithLogits(logits, new Float32Array([1, 0, 1]), { posWeight: new Float32Array([2, 1, 1]) });
  const kl: number = lk.klDiv(lk.logSoftmax(logits), p, { reduction: 'batchmean' });
  void [ce, perSample, bce, kl];
  const s = lk.sampler({ temperature: 0.8, topK: 50, topP: 0.9, minP: 0.05, seed: 42, topLogprobs: 5, order: 'hf' });
  const step = s.next(logits, { bitmask: new Uint32Array([7]) });
  const alt: number = step.topLogprobs[0].logprob;
  const again = lk.samplerFromJSON(s.toJSON());
  const { ids, probs } = again.distribution(logits);
  void [alt, ids, probs];
  // @ts-expect-error: unknown stage name
  lk.sampler({ order: ['nucleus'] });
  // @ts-expect-error: a plain array is not accepted
  lk.softmax([1, 2, 3]);
  // @ts-expect-error: inFeatures is required
  lk.linear(logits, logits, {});
  same.dispose();
  s.dispose();
  return p[0] + lse[0] + best[0] + y[0] + z[0] + lk.entropy(logits)[0];
}
void main();
