// Type-checked (tsc --noEmit) against dist/index.d.ts: the classification,
// retrieval and diagnostics signatures (src/js/types/50-classify.d.ts). Never run.
import { load, type Logitkit, type LogitWarning } from 'logitkit';

async function main(): Promise<number> {
  const lk: Logitkit = await load();
  const logits = new Float32Array([4.5, -1.2, 0.8]);
  const top = lk.topClasses(logits, { k: 2, temperature: 1 });
  const idx: Int32Array = top.indices;
  const d = lk.decide(logits, { threshold: 0.95 });
  const ml = lk.multiLabel(logits, { threshold: [0.5, 0.2, 0.7] });
  const dec: Uint8Array = ml.decisions;
  const ls: Float32Array = lk.logSigmoid(logits);
  const docs = lk.buffer(6);
  const sim: Float32Array = lk.similarity(new Float32Array(2), docs, { dim: 2, metric: 'dot', scale: 100 });
  const r = lk.retrieve(new Float32Array(2), docs, { dim: 2, k: 1 });
  const diag = lk.diagnose(logits, { tornMargin: 0.5 });
  const w: LogitWarning[] = diag.warnings;
  lk.guard((warning) => console.log(warning.code)).guard(false);
  // @ts-expect-error: dim is required
  lk.similarity(logits, logits, {});
  // @ts-expect-error: unknown metric
  lk.similarity(logits, logits, { dim: 3, metric: 'l2' });
  return idx[0] + d.labels[0] + dec[0] + ls[0] + sim[0] + r.probs[0] + diag.summary.mean + w.length + lk.log1mSigmoid(logits)[0] + lk.softplus(logits)[0];
}
void main();
