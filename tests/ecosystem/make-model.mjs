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
const node = (op, inputs, outputs, attrs = []) =>
  msg(1, [...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, `${op}_0`), str(4, op), ...attrs]);
const intAttr = (name, v) => msg(5, [str(1, name), int(3, v), int(20, 2 /* INT */)]);

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

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = new URL('./tiny-lm.onnx', import.meta.url);
  writeFileSync(out, modelBytes());
  console.log(`wrote ${out.pathname}`);
}
