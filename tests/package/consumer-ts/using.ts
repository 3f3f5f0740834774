// Only where the consumer's lib has Symbol.dispose (target esnext, or lib
// esnext.disposable / es2025+): every object that owns wasm memory is then
// Disposable, and `using` frees it.
import { load } from 'logitkit';
import { logitsProcessor, logitsSampler } from 'logitkit/transformers';
import { logitProcessor } from 'logitkit/webllm';
import { lastLogitsBuffer } from 'logitkit/onnx';
import { grammarSampler } from 'logitkit/xgrammar';
export async function run(): Promise<number> {
  const lk = await load();
  using buf = lk.buffer(8);
  using sampler = lk.sampler({ seed: 1 });
  using processor = logitsProcessor(lk);
  using drawer = logitsSampler(lk);
  using webllm = logitProcessor(lk);
  using last = lastLogitsBuffer(lk, { data: buf.view, dims: [1, 8] });
  using grammar = grammarSampler(lk, { getNextTokenBitmask: () => new Int32Array(1), acceptToken: () => true, isTerminated: () => false, reset() {} });
  const all: Disposable[] = [buf, sampler, processor, drawer, webllm, last, grammar];
  buf[Symbol.dispose]();
  return sampler.sample(last).token + all.length;
}
