// logitkit/webllm against @mlc-ai/web-llm's own type definitions (tsc, strict)
// and driven the way WebLLM's LLMChatPipeline drives a LogitProcessor:
// processLogits(logits) on the CPU copy of the logits, then
// processSampledToken(token) with the committed token, resetState() on
// resetChat(). Compiled by scripts/test.sh and run with node.
import type { LogitProcessor, MLCEngineConfig } from '@mlc-ai/web-llm';
import assert from 'node:assert/strict';
import { load } from 'logitkit';
import { LogitkitLogitProcessor, logitProcessor } from 'logitkit/webllm';

const lk = await load({ simd: process.env.LK_SIMD !== '0' });
const V = 200;
const logitsAt = (step: number): Float32Array =>
  Float32Array.from({ length: V }, (_, i) => Math.cos(i * 0.37 + step) * 4 + (i === 13 ? 3 : 0));

// It is a LogitProcessor, and goes where WebLLM takes one.
const proc: LogitProcessor = logitProcessor(lk, { topP: 0.9, minP: 0.02, repetitionPenalty: 1.2 });
const registry = new Map<string, LogitProcessor>([['Llama-3.2-1B-Instruct-q4f16_1-MLC', proc]]);
const config: MLCEngineConfig = { logitProcessorRegistry: registry };
assert.equal(config.logitProcessorRegistry?.get('Llama-3.2-1B-Instruct-q4f16_1-MLC'), proc);
// The check is against WebLLM's real interface (were it `any`, this would not be an error).
// @ts-expect-error: processLogits must return the logits
const wrong: LogitProcessor = { processLogits: () => 0, processSampledToken() {}, resetState() {} };
void wrong;

// 'distribution' mode: softmax(processed) is logitkit's final distribution.
const twin = lk.sampler({ topP: 0.9, minP: 0.02, repetitionPenalty: 1.2 });
for (let step = 0; step < 5; step++) {
  const x = logitsAt(step);
  const { ids, probs } = twin.distribution(x);
  const out = proc.processLogits(x);
  assert.equal(out, x, 'processed in place');
  const p = lk.softmax(out);
  const kept = new Set(ids);
  p.forEach((q, i) => assert.ok(kept.has(i) ? Math.abs(q - probs[ids.indexOf(i)]) < 1e-6 : q === 0, `step ${step} token ${i}`));
  const token = ids[probs.indexOf(Math.max(...probs))]; // whatever WebLLM draws
  proc.processSampledToken(token);
  twin.accept(token);
}
twin.dispose();

// 'sample' mode: logitkit draws (seeded); only that token stays possible.
const run = (p: LogitkitLogitProcessor): number[] => {
  const tokens: number[] = [];
  for (let step = 0; step < 12; step++) {
    const out = p.processLogits(logitsAt(step));
    const token = out.findIndex((v) => v === 0);
    assert.equal(out.filter((v) => v !== -Infinity).length, 1);
    assert.equal(p.lastResult?.token, token);
    p.processSampledToken(token);
    tokens.push(token);
  }
  return tokens;
};
const seeded = new LogitkitLogitProcessor(lk, { mode: 'sample', seed: 42, temperature: 0.9, topK: 40, presencePenalty: 0.5 });
const first = run(seeded);
assert.equal(seeded.sampler.historyLength, 12);
seeded.resetState(); // MLCEngine.resetChat()
assert.equal(seeded.sampler.historyLength, 0);
assert.deepEqual(run(seeded), first, 'same seed after resetState: same tokens');
const other = logitProcessor(lk, { mode: 'sample', seed: 43, temperature: 0.9, topK: 40, presencePenalty: 0.5 });
assert.notDeepEqual(run(other), first);
assert.throws(() => logitProcessor(lk, { mode: 'greedy' as 'sample' }), /options.mode must be 'distribution' or 'sample'/);
[proc as LogitkitLogitProcessor, seeded, other].forEach((p) => p.dispose());
console.log(`webllm: LogitProcessor ok (${lk.backend}); seeded tokens ${first.join(' ')}`);
