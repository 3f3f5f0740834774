// Structured output: XGrammar compiles a JSON Schema for the model's
// vocabulary; logitkit/xgrammar samples every step under its token bitmask
// (applied before top-k / top-p / min-p), accepts the token into the grammar
// and stops at the grammar's end, so the text is valid JSON by construction.
// `npm test` runs this file against the real @mlc-ai/web-xgrammar.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'logitkit';
import { allowedCount, grammarSampler } from 'logitkit/xgrammar';

// In a browser or with a bundler: import * as xgr from '@mlc-ai/web-xgrammar'.
// In Node its UMD file (in a "type": "module" package) is required as CommonJS.
function loadXGrammar() {
  const dir = mkdtempSync(join(tmpdir(), 'xgrammar-'));
  try {
    copyFileSync(createRequire(import.meta.url).resolve('@mlc-ai/web-xgrammar'), join(dir, 'xgrammar.cjs'));
    return createRequire(join(dir, 'x.cjs'))('./xgrammar.cjs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const xgr = loadXGrammar();

// The model's vocabulary (here one character per token, and a stop token) and a stand-in
// for the model: any function from the tokens so far to a Float32Array of logits.
const vocab = [...'{}[]":,. -0123456789abcdefghijklmnopqrstuvwxyz', '</s>'];
const eos = vocab.length - 1;
const model = (tokens) => Float32Array.from(vocab, (_, i) => Math.sin(i * 2.1 + tokens.length * 0.7) * 2);

const schema = { type: 'object', properties: { city: { type: 'string', maxLength: 12 }, rank: { type: 'integer' } }, required: ['city', 'rank'] };
const info = await xgr.TokenizerInfo.createTokenizerInfo(vocab, 'raw', false, vocab.length, [eos]);
const compiler = await xgr.GrammarCompiler.createGrammarCompiler(info);
const compiled = await compiler.compileJSONSchema(JSON.stringify(schema), false, -1); // one line, ", " and ": "
const matcher = await xgr.GrammarMatcher.createGrammarMatcher(compiled);

const lk = await load();
const g = grammarSampler(lk, matcher, { temperature: 0.9, minP: 0.05, seed: 7, unconstrainedLogprob: true });
const tokens = [];
while (!g.done && tokens.length < 200) {
  const { token, logprob, unconstrainedLogprob, bitmask } = await g.next(model(tokens));
  if (token === eos) break; // the grammar ended with the stop token
  tokens.push(token);
  if (tokens.length === 1) console.log(`step 1: ${allowedCount(bitmask, vocab.length)} of ${vocab.length} tokens allowed, log p ${logprob} (unconstrained ${unconstrainedLogprob.toFixed(3)})`);
}
const text = tokens.map((t) => vocab[t]).join('');
const value = JSON.parse(text); // valid by construction
if (typeof value.city !== 'string' || !Number.isInteger(value.rank)) throw new Error(`not the schema: ${text}`);
console.log(`xgrammar example: ${text}`);

g.dispose();
matcher.dispose();
compiled.dispose();
compiler.dispose();
info.dispose();
