// Beam search for a transformers.js causal LM, through its forward pass:
// transformers.js 4.x accepts `num_beams` in generate() but keeps one
// continuation per prompt, so this recipe runs the model itself. Each step:
// one forward with batch = numBeams, the last position's logits to
// lk.beamSearch, then the new past key values (present.* → past_key_values.*)
// gathered along the batch axis by `parents`, and the chosen tokens fed next.
// Works for models whose cache tensors are on the CPU (device 'cpu' or 'wasm');
// a WebGPU cache ('gpu-buffer' tensors) would need a gather on the GPU.
// `npm test` runs this recipe in tests/ecosystem/beam-transformers.test.mjs
// against a float64 reference of HF's beam search.
import { DynamicCache, Tensor } from '@huggingface/transformers';

/** Rows of a [rows × …] tensor picked by `rows` (index_select on axis 0). */
export function selectRows(tensor, rows) {
  const size = tensor.dims.slice(1).reduce((a, b) => a * b, 1);
  const data = new tensor.data.constructor(rows.length * size);
  rows.forEach((from, r) => data.set(tensor.data.subarray(from * size, (from + 1) * size), r * size));
  return new Tensor(tensor.type, data, [rows.length, ...tensor.dims.slice(1)]);
}

/**
 * Beam-decodes one prompt (token ids) with `model` (from AutoModelForCausalLM);
 * options are lk.beamSearch's (vocabSize defaults to the model's logits width).
 * Returns finalize()'s hypotheses for the prompt, best first.
 */
export async function beamGenerate(lk, model, prompt, options = {}) {
  const rows = options.numBeams ?? 1;
  // The prompt once per beam (HF expands input_ids to numBeams rows too).
  let ids = new Tensor('int64', BigInt64Array.from({ length: rows * prompt.length }, (_, i) => BigInt(prompt[i % prompt.length])), [rows, prompt.length]);
  let past = null, length = prompt.length, bs = null;
  try {
    for (;;) {
      const attention_mask = new Tensor('int64', new BigInt64Array(rows * length).fill(1n), [rows, length]);
      const out = await model.forward({ input_ids: ids, attention_mask, past_key_values: past });
      const [, seq, V] = out.logits.dims;
      const logits = new Float32Array(rows * V); // the last position of each row
      for (let r = 0; r < rows; r++) logits.set(out.logits.data.subarray((r * seq + seq - 1) * V, (r * seq + seq) * V), r * V);
      bs ??= lk.beamSearch({ vocabSize: V, prompts: [prompt], ...options });
      const { parents, tokens, done } = bs.step(logits);
      if (done) break;
      const entries = {};
      for (const name of Object.keys(out)) {
        if (name.startsWith('present')) entries[name.replace('present', 'past_key_values')] = selectRows(out[name], parents);
      }
      past = new DynamicCache(entries);
      ids = new Tensor('int64', BigInt64Array.from(tokens, BigInt), [rows, 1]);
      length += 1;
    }
    return bs.finalize().hypotheses[0];
  } finally {
    bs?.dispose();
  }
}
