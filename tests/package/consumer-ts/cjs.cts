// A CommonJS consumer: `import = require` of the main entry and the four adapters
// (the "require" condition: dist/index.d.cts and dist/adapters/*.d.cts).
import logitkit = require('logitkit');
import transformers = require('logitkit/transformers');
import webllm = require('logitkit/webllm');
import onnx = require('logitkit/onnx');
import xgrammar = require('logitkit/xgrammar');
export async function main(): Promise<number> {
  const lk: logitkit.Logitkit = await logitkit.load({ simd: false });
  const s: transformers.LogitkitSampler = transformers.logitsSampler(lk, { temperature: 0 });
  const [[token]] = await s({ data: onnx.lastLogits({ data: new Float32Array(3), dims: [1, 3] })[0], dims: [3] });
  const w: webllm.LogitkitLogitProcessor = new webllm.LogitkitLogitProcessor(lk, { mode: 'sample' });
  w.dispose();
  const streamer: xgrammar.GrammarStreamer = xgrammar.grammarStreamer({ getNextTokenBitmask: () => new Int32Array(1), acceptToken: () => true, isTerminated: () => false, reset() {} });
  transformers.logitsProcessor(lk, { bitmask: streamer.bitmask }).dispose();
  // @ts-expect-error: topK is a number
  transformers.logitsSampler(lk, { topK: '5' });
  s.dispose();
  return Number(token);
}
