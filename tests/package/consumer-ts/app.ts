// A .ts file: an ES module under bundler resolution, CommonJS under node16 and
// nodenext (the consumer's package.json has no "type").
import { load, LogitBuffer } from 'logitkit';
import { LogitkitLogitProcessor } from 'logitkit/webllm';
export async function run(): Promise<LogitBuffer> {
  const lk = await load();
  const p = new LogitkitLogitProcessor(lk, { topK: 5 });
  p.processSampledToken(1);
  return lk.buffer(8);
}
