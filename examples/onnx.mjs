// logitkit after ONNX Runtime Web: seeded decoding of a causal LM
// whose `logits` output is [batch, seq, vocab]; only the last position is
// read, through views of the output tensor (no copy).
// `npm test` runs this file with tests/ecosystem/tiny-lm.onnx.
import * as ort from 'onnxruntime-web';
import { readFile } from 'node:fs/promises';
import { load } from 'logitkit';
import { lastLogits } from 'logitkit/onnx';

const lk = await load();
const session = await ort.InferenceSession.create(await readFile(new URL('../tests/ecosystem/tiny-lm.onnx', import.meta.url)));

const tokens = [1, 2, 3];
const sampler = lk.sampler({ seed: 42, temperature: 0.8, topK: 40, topP: 0.95, repetitionPenalty: 1.2, prompt: tokens });
for (let i = 0; i < 8; i++) {
  const input = new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]);
  const { logits } = await session.run({ input_ids: input });
  const [last] = lastLogits(logits); // a Float32Array view of logits.data
  tokens.push(sampler.next(last).token);
}
console.log(`onnx example: ${tokens.join(' ')}`);
sampler.dispose();
await session.release();
