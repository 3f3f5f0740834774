// examples/beam-onnx.mjs (the character model run by onnxruntime-web with
// batch = numBeams, lk.beamSearch deciding) against the float64 reference of
// HF's beam search (tests/shared/beam-reference.mjs) over the same model's
// logits, taken one prefix at a time through the playground's own model code
// (web/playground-core.mjs CharModel.step, batch 1): hypotheses' tokens exactly,
// scores and log-probabilities within 2^-18. numBeams 1 is the playground's
// greedy text (temperature 0).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { load } from '../../dist/index.mjs';
import { CharModel, Generation } from '../../web/playground-core.mjs';
import { beamDecode, loadCharModel } from '../../examples/beam-onnx.mjs';
import { reference } from '../shared/beam-reference.mjs';
import { charlmFiles } from './charlm-files.mjs';

ort.env.wasm.numThreads = 1;
const lk = await load({ simd: process.env.LK_SIMD !== '0' });
const m = await loadCharModel(ort);
const playground = await CharModel.create(ort, lk, charlmFiles());
after(async () => { await m.session.release(); await playground.release(); });

const PROMPT = 'The meaning of life is';
const EOL = m.vocab.indexOf('\n');

// The reference calls its model synchronously; ONNX Runtime answers
// asynchronously. So: run it, note the prefixes whose logits are not known yet
// (they get a row of zeros), fetch those, and run it again until every row
// it read was the model's. Each pass reaches at least one step further.
async function referenceOnModel(options) {
  const prompt = playground.encode(PROMPT);
  const known = new Map();
  for (let pass = 0; ; pass++) {
    const missing = new Map();
    const model = (b, gen) => {
      const key = gen.join();
      if (!known.has(key)) missing.set(key, gen);
      return known.get(key) ?? new Float32Array(m.V);
    };
    const want = reference({ vocabSize: m.V, prompts: [Array.from(prompt)], ...options }, model);
    if (missing.size === 0) return { ...want, passes: pass + 1 };
    for (const [key, gen] of missing) {
      const ids = Int32Array.from([...prompt, ...gen]);
      known.set(key, Float32Array.from((await playground.step(ids)).logits));
    }
  }
}

async function compare(options) {
  const got = await beamDecode(lk, m, PROMPT, options);
  const want = await referenceOnModel(options);
  assert.ok(want.steps.length >= 8, `searched ${want.steps.length} steps`);
  assert.equal(got.length, want.hyps[0].length, 'hypotheses');
  let worst = 0;
  got.forEach((h, i) => {
    assert.deepEqual([...h.tokens], want.hyps[0][i].tokens, `hypothesis ${i}: ${JSON.stringify(h.text)}`);
    worst = Math.max(worst, Math.abs(h.score - want.hyps[0][i].score), Math.abs(h.logprob - want.hyps[0][i].logprob));
  });
  assert.ok(worst <= 2 ** -18, `worst score deviation ${worst}`);
  return got;
}

test("the example's beams equal the float64 reference on the character model's logits", async () => {
  // The example's own options.
  const hyps = await compare({ numBeams: 4, numReturnSequences: 4, maxNewTokens: 48, eosTokenId: EOL });
  assert.equal(hyps.length, 4);
  assert.ok(hyps.every((h) => h.tokens.at(-1) === EOL), 'all four finished a line');
  assert.equal(new Set(hyps.map((h) => h.text)).size, 4);
  assert.equal(hyps[0].text, ' of the programming of the programming of the\n'); // docs/beam-search.md quotes it
  await compare({ numBeams: 8, numReturnSequences: 3, maxNewTokens: 20, eosTokenId: [EOL, m.vocab.indexOf('.')], lengthPenalty: 2, earlyStopping: 'never' });
  await compare({ numBeams: 3, numReturnSequences: 2, maxNewTokens: 30, eosTokenId: EOL, earlyStopping: true, noRepeatNgramSize: 3, repetitionPenalty: 1.3 });
});

test("numBeams 1 gives the playground's greedy text", async () => {
  const n = 48;
  const [h] = await beamDecode(lk, m, PROMPT, { numBeams: 1, maxNewTokens: n, eosTokenId: EOL });
  const g = new Generation(playground, PROMPT, { temperature: 0 });
  let text = '';
  while (text.length < n && !text.endsWith('\n')) text += (await g.step()).char;
  g.dispose();
  assert.ok(text.length >= 16, `greedy text ${JSON.stringify(text)}`);
  assert.equal(h.text, text);
});
