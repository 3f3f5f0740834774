// What the adapters share: duck-typed tensors ({ data, dims, type }, as in
// ONNX Runtime and transformers.js) read as rows without copying, and a
// sampler's final distribution written back into a row as log-probabilities.
import { describe } from '../errors.js';

/** The float32 data and [rows, vocab] shape of a tensor whose last axis is the vocabulary. */
export function tensorRows(name, tensor) {
  if (tensor === null || typeof tensor !== 'object' || !Array.isArray(tensor.dims)) {
    throw new TypeError(`${name} must be a tensor with .data, .dims and .type (got ${describe(tensor)})`);
  }
  if (tensor.location !== undefined && tensor.location !== 'cpu' && tensor.location !== 'cpu-pinned') {
    throw new TypeError(`${name} lives on '${tensor.location}': download it first (await tensor.getData(), or use a 'cpu' output location)`);
  }
  if (tensor.type !== undefined && tensor.type !== 'float32') {
    throw new TypeError(`${name}.type must be 'float32' (got '${tensor.type}'); convert first, e.g. transformers.js tensor.to('float32')`);
  }
  const data = tensor.data;
  if (!(data instanceof Float32Array)) throw new TypeError(`${name}.data must be a Float32Array (got ${describe(data)})`);
  const vocab = tensor.dims.length === 0 ? 0 : Number(tensor.dims[tensor.dims.length - 1]);
  if (!(vocab > 0) || data.length % vocab !== 0) {
    throw new RangeError(`${name}.dims [${tensor.dims.join(', ')}] must end with the vocabulary size and match data.length (${data.length})`);
  }
  return { data, vocab, rows: data.length / vocab };
}

/**
 * A grammar engine's per-step bitmask in XGrammar's layout (bit t % 32 of word
 * t / 32 set = token t allowed), checked the same way in every adapter; `source`
 * names what produced it.
 */
export function checkBitmask(mask, source, orElse = '') {
  if (!(mask instanceof Uint32Array || mask instanceof Int32Array)) {
    throw new TypeError(`${source} must be a Uint32Array or Int32Array${orElse} (bit t % 32 of word t / 32 set = token t allowed) (got ${describe(mask)})`);
  }
  return mask;
}

/** Row r of a flat [rows × vocab] array, as a view. */
export function rowView(data, r, vocab) {
  return data.subarray(r * vocab, (r + 1) * vocab);
}

/**
 * Replaces `row` by the log-probabilities of the distribution { ids, probs }
 * (-inf outside it): softmax(row) is then exactly that distribution, so any
 * downstream softmax-and-draw samples from it.
 */
export function writeLogDistribution(lk, row, { ids, probs }) {
  row.fill(-Infinity);
  const logs = lk.log(probs);
  for (let k = 0; k < ids.length; k++) row[ids[k]] = logs[k];
  return row;
}

/** A function object whose calls go to its _call method (transformers.js's Callable pattern). */
export function callableInstance(proto) {
  const f = function (...args) {
    return f._call(...args);
  };
  return Object.setPrototypeOf(f, proto);
}

export function checkLogitkit(lk, where) {
  if (lk === null || typeof lk !== 'object' || typeof lk.sampler !== 'function') {
    throw new TypeError(`${where}: lk must be the Logitkit from await load() (got ${describe(lk)})`);
  }
}
