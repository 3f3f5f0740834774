// An ES module consumer: `import` of the main entry and the four adapters.
import { load, type Logitkit, type SampleResult } from 'logitkit';
import { logitsProcessor, type TensorLike } from 'logitkit/transformers';
import { logitProcessor } from 'logitkit/webllm';
import { lastLogits, lastLogitsBuffer } from 'logitkit/onnx';
import { grammarSampler, allowedCount, type GrammarMatcherLike, type GrammarSampleResult } from 'logitkit/xgrammar';
const lk: Logitkit = await load({ wasmUrl: (file) => new URL(file, 'https://cdn.example/logitkit/') });
const t: TensorLike = { data: new Float32Array(6), dims: [1, 2, 3], type: 'float32' };
const rows: Float32Array[] = lastLogits(t);
const r: SampleResult = lk.sampler({ topP: 0.9 }).sample(lastLogitsBuffer(lk, t));
const same: TensorLike = logitsProcessor(lk, { minP: 0.1 })([[1n, 2n]], t);
const out: Float32Array = logitProcessor(lk, { mode: 'sample', seed: 3 }).processLogits(rows[0]);
// @ts-expect-error: mode is 'distribution' or 'sample'
logitProcessor(lk, { mode: 'greedy' });
const matcher: GrammarMatcherLike = { getNextTokenBitmask: async () => new Int32Array(1), acceptToken: () => true, isTerminated: () => false, reset() {} };
const g = grammarSampler(lk, matcher, { topP: 0.9, unconstrainedLogprob: true });
const step: GrammarSampleResult & { done: boolean } = await g.next(rows[0]);
const allowed: number = allowedCount(step.bitmask, 3);
// @ts-expect-error: unconstrainedLogprob is a boolean
grammarSampler(lk, matcher, { unconstrainedLogprob: 1 });
const masked: Float32Array = logitsProcessor(lk, { bitmask: () => new Int32Array(1) })([[1n]], { data: rows[0], dims: [1, 3] }).data as Float32Array;
lk.buffer(8).dispose();
void [r, same, out, allowed, masked];
