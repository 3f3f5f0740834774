// ONNX Runtime Web adapter, with no import of it: the logits output of a
// causal LM is a tensor [batch, seq, vocab] (duck-typed: .data, .dims, .type);
// decoding needs only its last position, one row per batch entry.
import { describe } from '../errors.js';
import { checkLogitkit, rowView, tensorRows } from './rows.js';

function lastPosition(tensor) {
  const { data, vocab } = tensorRows('logits', tensor);
  const dims = tensor.dims.map(Number);
  if (dims.length !== 3 && dims.length !== 2) {
    throw new RangeError(`logits.dims must be [batch, seq, vocab] or [batch, vocab], got [${dims.join(', ')}]`);
  }
  const batch = dims[0];
  const seq = dims.length === 3 ? dims[1] : 1;
  if (seq === 0) throw new RangeError('logits has no position (seq = 0)');
  return { data, batch, seq, vocab };
}

/** The last position of each batch row as Float32Array views of tensor.data (no copy). */
export function lastLogits(tensor) {
  const { data, batch, seq, vocab } = lastPosition(tensor);
  return Array.from({ length: batch }, (_, b) => rowView(data, b * seq + seq - 1, vocab));
}

/**
 * The last position of each batch row copied straight into wasm memory, as a
 * LogitBuffer [batch × vocab] (`out`, when given, is reused) for
 * lk.softmax(buf, { cols: vocab }), lk.sampleRows(samplers, buf), ... with no
 * further copy.
 */
export function lastLogitsBuffer(lk, tensor, out) {
  checkLogitkit(lk, 'lastLogitsBuffer(lk, tensor)');
  const { data, batch, seq, vocab } = lastPosition(tensor);
  if (out !== undefined) {
    if (out === null || typeof out !== 'object' || typeof out._ptr !== 'function') {
      throw new TypeError(`out must be a LogitBuffer made by lk.buffer() (got ${describe(out)})`);
    }
    out._ptr('out', lk); // a disposed buffer, or one of another instance: a TypeError naming out
    if (out.length !== batch * vocab) throw new RangeError(`out must hold batch × vocab = ${batch * vocab} elements, got ${out.length}`);
  }
  const buf = out ?? lk.buffer(batch * vocab);
  const view = buf.view;
  for (let b = 0; b < batch; b++) view.set(rowView(data, b * seq + seq - 1, vocab), b * vocab);
  return buf;
}
