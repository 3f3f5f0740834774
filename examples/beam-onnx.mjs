// Beam search with ONNX Runtime Web: the playground's character model
// (data/model/charlm.onnx, made by model/train.py) run with batch = numBeams,
// logitkit's beamSearch deciding every step. The model has no KV cache (each
// run takes the whole window of the last `context` characters), so the beams'
// prefixes are what gets reordered by `parents`; with a KV cache, its tensors
// would be gathered along the batch axis the same way.
// Logits come as in the playground: logitkit's linear (the LM head in
// lm-head.bin) on the last position's normed hidden state of each row.
// `npm test` runs this file; tests/ecosystem/beam-onnx.test.mjs checks
// beamDecode against a float64 reference of HF's beam search.
import { readFile } from 'node:fs/promises';

const dataDir = new URL('../data/model/', import.meta.url);

/** The session, vocabulary and LM head of the character model. */
export async function loadCharModel(ort) {
  const [bytes, metaText, head] = await Promise.all(['charlm.onnx', 'charlm.json', 'lm-head.bin'].map((f) => readFile(new URL(f, dataDir))));
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const meta = JSON.parse(metaText.toString('utf8'));
  const V = meta.vocab.length, d = meta.config.d_model;
  const floats = new Float32Array(head.buffer, head.byteOffset, head.byteLength / 4);
  return {
    ort, session, vocab: meta.vocab, V, d, layers: meta.config.layers, context: meta.config.context,
    weight: floats.slice(0, V * d), bias: floats.slice(V * d),
    encode: (text) => Array.from(text, (c) => meta.vocab.indexOf(c)),
    decode: (ids) => Array.from(ids, (i) => meta.vocab[i]).join(''),
  };
}

/**
 * Next-token logits of each row of `prefixes` (arrays of ids, all the same
 * length): one ONNX run with batch = prefixes.length, [rows × V].
 */
export async function nextLogits(lk, m, prefixes) {
  const B = prefixes.length;
  const T = Math.min(prefixes[0].length, m.context);
  const ids = new BigInt64Array(B * T);
  prefixes.forEach((p, r) => { for (let t = 0; t < T; t++) ids[r * T + t] = BigInt(p[p.length - T + t]); });
  const out = await m.session.run({ input_ids: new m.ort.Tensor('int64', ids, [B, T]) });
  const states = out.normed_hidden_states.data; // [layers + 1, B, T, d]
  const hidden = new Float32Array(B * m.d);
  for (let r = 0; r < B; r++) {
    const at = ((m.layers * B + r) * T + T - 1) * m.d;
    hidden.set(states.subarray(at, at + m.d), r * m.d);
  }
  return lk.linear(m.weight, hidden, { inFeatures: m.d, bias: m.bias });
}

/** Beam-decodes `prompt`; options are lk.beamSearch's (vocabSize is the model's). */
export async function beamDecode(lk, m, prompt, options) {
  const ids = m.encode(prompt);
  const bs = lk.beamSearch({ vocabSize: m.V, prompts: [ids], ...options });
  try {
    let rows = Array.from({ length: bs.rows }, () => ids); // every beam starts from the prompt
    while (!bs.done) {
      const { parents, tokens } = bs.step(await nextLogits(lk, m, rows));
      rows = Array.from(tokens, (t, r) => [...rows[parents[r]], t]); // reorder by parents, then append
    }
    return bs.finalize().hypotheses[0].map((h) => ({ ...h, text: m.decode(h.tokens) }));
  } finally {
    bs.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ort = await import('onnxruntime-web');
  const { load } = await import('logitkit');
  ort.env.wasm.numThreads = 1;
  const lk = await load();
  const m = await loadCharModel(ort);
  const prompt = 'The meaning of life is';
  const eol = m.vocab.indexOf('\n');
  const hyps = await beamDecode(lk, m, prompt, { numBeams: 4, numReturnSequences: 4, maxNewTokens: 48, eosTokenId: eol });
  console.log(`beam-onnx example: ${JSON.stringify(prompt)}, 4 beams, best first`);
  for (const h of hyps) console.log(`  ${h.score.toFixed(4)}  ${JSON.stringify(h.text)}`);
  await m.session.release();
}
