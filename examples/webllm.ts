// logitkit as WebLLM's logit processor: every logitkit control (min-p, typical,
// DRY, penalties, ...) and a seeded, reproducible draw, on the CPU copy of the
// logits WebLLM hands to a LogitProcessor. `npm test` type-checks this file
// against @mlc-ai/web-llm's own .d.ts and runs it; in Node (no WebGPU) the
// engine is replaced by a stand-in that calls the processor as WebLLM does.
import type { LogitProcessor, MLCEngineInterface } from '@mlc-ai/web-llm';
import { load } from 'logitkit';
import { logitProcessor } from 'logitkit/webllm';

const MODEL = 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC';
const lk = await load();
// mode 'sample': logitkit draws the token (seed 7); WebLLM just commits it.
const processor = logitProcessor(lk, { mode: 'sample', seed: 7, temperature: 0.7, minP: 0.05, dryMultiplier: 0.8 });

async function engine(registry: Map<string, LogitProcessor>): Promise<Pick<MLCEngineInterface, 'forwardTokensAndSample' | 'resetChat'>> {
  if (typeof navigator !== 'undefined' && 'gpu' in navigator) {
    const { CreateMLCEngine } = await import('@mlc-ai/web-llm');
    return CreateMLCEngine(MODEL, { logitProcessorRegistry: registry });
  }
  // Stand-in for Node: logits from a fixed function of the last token.
  const p = registry.get(MODEL)!;
  const vocab = 1000;
  let last = 0;
  return {
    async forwardTokensAndSample(inputIds: number[]) {
      last = inputIds.at(-1) ?? last;
      const logits = Float32Array.from({ length: vocab }, (_, i) => Math.sin(i * 0.01 * (last + 1)) * 5);
      const processed = p.processLogits(logits);
      const token = processed.indexOf(Math.max(...processed)); // WebLLM's draw: only one token is possible
      p.processSampledToken(token);
      return token;
    },
    async resetChat() {
      p.resetState();
    },
  };
}

const llm = await engine(new Map([[MODEL, processor]]));
const tokens = [await llm.forwardTokensAndSample([151644, 872, 198], true)];
for (let i = 0; i < 7; i++) tokens.push(await llm.forwardTokensAndSample([tokens.at(-1)!], false));
console.log(`webllm example: tokens ${tokens.join(' ')}; last logprob ${processor.lastResult?.logprob.toFixed(4)}`);
await llm.resetChat();
processor.dispose();
