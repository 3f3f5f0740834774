// An ES module consumer: `import` of the main entry and the three adapters.
import { load, type Logitkit, type SampleResult } from 'logitkit';
import { logitsProcessor, type TensorLike } from 'logitkit/transformers';
import { logitProcessor } from 'logitkit/webllm';
import { lastLogits, lastLogitsBuffer } from 'logitkit/onnx';
const lk: Logitkit = await load({ wasmUrl: (file) => new URL(file, 'https://cdn.example/logitkit/') });
const t: TensorLike = { data: new Float32Array(6), dims: [1, 2, 3], type: 'float32' };
const rows: Float32Array[] = lastLogits(t);
const r: SampleResult = lk.sampler({ topP: 0.9 }).sample(lastLogitsBuffer(lk, t));
const same: TensorLike = logitsProcessor(lk, { minP: 0.1 })([[1n, 2n]], t);
const out: Float32Array = logitProcessor(lk, { mode: 'sample', seed: 3 }).processLogits(rows[0]);
// @ts-expect-error: mode is 'distribution' or 'sample'
logitProcessor(lk, { mode: 'greedy' });
lk.buffer(8).dispose();
void [r, same, out];
