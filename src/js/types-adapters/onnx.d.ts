// logitkit/onnx: the last position of ONNX Runtime logits [batch, seq, vocab], with no
// dependency on onnxruntime-web. Tensors are duck-typed: anything with these fields.
import type { Logitkit, LogitBuffer } from '../index.js';

/** The fields of an onnxruntime Tensor (or transformers.js Tensor) that logitkit reads. */
export interface TensorLike {
  readonly data: Float32Array | ArrayLike<unknown>;
  readonly dims: readonly number[];
  readonly type?: string;
  readonly location?: string;
}

/** The last position of each batch row as Float32Array views of tensor.data (no copy). */
export function lastLogits(tensor: TensorLike): Float32Array[];
/**
 * The last position of each batch row copied straight into wasm memory: a LogitBuffer
 * [batch × vocab] (`out` reused when given) for lk.softmax(buf, { cols }), lk.sampleRows(...).
 */
export function lastLogitsBuffer(lk: Logitkit, tensor: TensorLike, out?: LogitBuffer): LogitBuffer;
