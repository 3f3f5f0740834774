// Writes tiny-lm.onnx: the smallest causal "language model" with the shape of
// a real one, for the ONNX Runtime Web test. input_ids int64 [batch, seq] →
// Gather(embedding [V × H]) → MatMul(head [H × V]) → Add(bias [V]) → logits
// float32 [batch, seq, V]. Weights come from weights(), which the test
// recomputes for its float64 reference. A hand-written protobuf encoder of
// the few ONNX messages needed (onnx.proto field numbers), no dependency.
// Run: node tests/ecosystem/make-model.mjs
import { writeFileSync } from 'node:fs';

export const VOCAB = 64;
export const HIDDEN = 8;

/** Deterministic weights in [-1, 1) (a 32-bit LCG), as float32. */
export function weights() {
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1;
  const fill = (n, scale) => Float32Array.from({ length: n }, () => next() * scale);
  return { embedding: fill(VOCAB * HIDDEN, 1), head: fill(HIDDEN * VOCAB, 2), bias: fill(VOCAB, 0.5) };
}

/** The model's logits at a position holding `token`, in float64 (it looks at one token only). */
export function referenceLogits(token) {
  const w = weights();
  return Array.from({ length: VOCAB }, (_, v) => {
    let s = w.bias[v];
    for (let h = 0; h < HIDDEN; h++) s += w.embedding[token * HIDDEN + h] * w.head[h * VOCAB + v];
    return s;
  });
}

// ---- protobuf wire format ----
const varint = (n) => {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
};
const tag = (field, wire) => varint((field << 3) | wire);
const bytes = (field, data) => [...tag(field, 2), ...varint(data.length), ...data];
const str = (field, s) => bytes(field, [...new TextEncoder().encode(s)]);
const int = (field, n) => [...tag(field, 0), ...varint(n)];
const msg = (field, parts) => bytes(field, parts.flat());

const dim = (d) => msg(1, [typeof d === 'number' ? int(1, d) : str(2, d)]);
const valueInfo = (field, name, elemType, dims) =>
  msg(field, [str(1, name), msg(2, [msg(1, [int(1, elemType), msg(2, dims.map(dim))])])]);
const FLOAT = 1;
const INT64 = 7;
const initializer = (name, dims, data) =>
  msg(5, [...dims.map((d) => int(1, d)), int(2, FLOAT), str(8, name), bytes(9, [...new Uint8Array(data.buffer)])]);
const node = (op, inputs, outputs, attrs = [], name = `${op}_0`) =>
  msg(1, [...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, name), str(4, op), ...attrs]);
const intAttr = (name, v) => msg(5, [str(1, name), int(3, v), int(20, 2 /* INT */)]);

const typedInitializer = (name, dims, type, data) =>
  msg(5, [...dims.map((d) => int(1, d)), int(2, type), str(8, name), bytes(9, [...new Uint8Array(data.buffer)])]);
const int64s = (name, values) => typedInitializer(name, [values.length], INT64, BigInt64Array.from(values, BigInt));

export function modelBytes() {
  const w = weights();
  const graph = [
    node('Gather', ['embedding', 'input_ids'], ['hidden'], [intAttr('axis', 0)]),
    node('MatMul', ['hidden', 'head'], ['scores']),
    node('Add', ['scores', 'bias'], ['logits']),
    str(2, 'tiny_lm'),
    initializer('embedding', [VOCAB, HIDDEN], w.embedding),
    initializer('head', [HIDDEN, VOCAB], w.head),
    initializer('bias', [VOCAB], w.bias),
    valueInfo(11, 'input_ids', INT64, ['batch', 'seq']),
    valueInfo(12, 'logits', FLOAT, ['batch', 'seq', VOCAB]),
  ];
  const model = [int(1, 8), str(2, 'logitkit'), msg(7, graph), msg(8, [str(1, ''), int(2, 17)])];
  return new Uint8Array(model.flat());
}

/** Weights of the cached model: key and value embeddings, head, bias. */
export function kvWeights() {
  let s = 777;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1;
  const fill = (n, scale) => Float32Array.from({ length: n }, () => next() * scale);
  return { key: fill(VOCAB * HIDDEN, 0.6), value: fill(VOCAB * HIDDEN, 0.6), head: fill(HIDDEN * VOCAB, 1.5), bias: fill(VOCAB, 0.5) };
}

/**
 * A causal LM with a KV cache in transformers.js's layout (one layer, one
 * head): past_key_values.0.key/value [batch, 1, past, H] in, present.0.key/value
 * (the past with this run's rows appended) and logits [batch, seq, V] out.
 * The logits at position t are (tanh(Σ keys ≤ t) + tanh(Σ values ≤ t) + the
 * token's key embedding)·head + bias: they depend on the whole prefix only
 * through the cache, so a cache reordered wrongly gives other logits, and a
 * run without cache on the whole prefix gives the same ones.
 */
export function kvModelBytes() {
  const w = kvWeights();
  const named = (op, inputs, outputs, attrs = []) => node(op, inputs, outputs, attrs, outputs[0]);
  const graph = [
    named('Gather', ['emb_key', 'input_ids'], ['k_new'], [intAttr('axis', 0)]),
    named('Gather', ['emb_value', 'input_ids'], ['v_new'], [intAttr('axis', 0)]),
    named('Unsqueeze', ['k_new', 'axis1'], ['k_row']),
    named('Unsqueeze', ['v_new', 'axis1'], ['v_row']),
    named('Concat', ['past_key_values.0.key', 'k_row'], ['present.0.key'], [intAttr('axis', 2)]),
    named('Concat', ['past_key_values.0.value', 'v_row'], ['present.0.value'], [intAttr('axis', 2)]),
    named('CumSum', ['present.0.key', 'axis2'], ['k_sum']),
    named('CumSum', ['present.0.value', 'axis2'], ['v_sum']),
    named('Shape', ['input_ids'], ['ids_shape']),
    named('Slice', ['ids_shape', 'one', 'two'], ['seq']),
    named('Neg', ['seq'], ['minus_seq']),
    named('Slice', ['k_sum', 'minus_seq', 'end', 'axis2_1d'], ['k_last']),
    named('Slice', ['v_sum', 'minus_seq', 'end', 'axis2_1d'], ['v_last']),
    named('Squeeze', ['k_last', 'axis1'], ['k_state']),
    named('Squeeze', ['v_last', 'axis1'], ['v_state']),
    named('Tanh', ['k_state'], ['k_tanh']),
    named('Tanh', ['v_state'], ['v_tanh']),
    named('Add', ['k_tanh', 'v_tanh'], ['state']),
    named('Add', ['state', 'k_new'], ['hidden']),
    named('MatMul', ['hidden', 'head'], ['scores']),
    named('Add', ['scores', 'bias'], ['logits']),
    str(2, 'tiny_lm_kv'),
    initializer('emb_key', [VOCAB, HIDDEN], w.key),
    initializer('emb_value', [VOCAB, HIDDEN], w.value),
    initializer('head', [HIDDEN, VOCAB], w.head),
    initializer('bias', [VOCAB], w.bias),
    int64s('axis1', [1]),
    typedInitializer('axis2', [], INT64, BigInt64Array.of(2n)),
    int64s('axis2_1d', [2]),
    int64s('one', [1]),
    int64s('two', [2]),
    int64s('end', [2n ** 62n]),
    valueInfo(11, 'input_ids', INT64, ['batch_size', 'sequence_length']),
    valueInfo(11, 'past_key_values.0.key', FLOAT, ['batch_size', 1, 'past_sequence_length', HIDDEN]),
    valueInfo(11, 'past_key_values.0.value', FLOAT, ['batch_size', 1, 'past_sequence_length', HIDDEN]),
    valueInfo(12, 'logits', FLOAT, ['batch_size', 'sequence_length', VOCAB]),
    valueInfo(12, 'present.0.key', FLOAT, ['batch_size', 1, 'total_sequence_length', HIDDEN]),
    valueInfo(12, 'present.0.value', FLOAT, ['batch_size', 1, 'total_sequence_length', HIDDEN]),
  ];
  const model = [int(1, 8), str(2, 'logitkit'), msg(7, graph), msg(8, [str(1, ''), int(2, 17)])];
  return new Uint8Array(model.flat());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = new URL('./tiny-lm.onnx', import.meta.url);
  writeFileSync(out, modelBytes());
  console.log(`wrote ${out.pathname}`);
}
