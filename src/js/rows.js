// The row and element-wise operations (src/core/ops/rows.h, elementwise.h,
// linear.h): softmax, log-softmax, logsumexp, entropy, argmax, sigmoid,
// logit, exp, log and the LM head, as an area like the others.
import { checkNumber, checkOptions, checkTemperature, optionKeys } from './errors.js';
import { LogitBuffer } from './buffer.js';
import { Status } from './logitkit.js';
import { SLOTS } from './scratch.js';

const SLOT = SLOTS.rows;

const ROW_KEYS = {
  softmax: optionKeys('softmax', ['cols', 'temperature', 'out']),
  logSoftmax: optionKeys('logSoftmax', ['cols', 'temperature', 'out']),
  logsumexp: optionKeys('logsumexp', ['cols', 'temperature', 'out']),
  entropy: optionKeys('entropy', ['cols', 'temperature', 'out']),
};
const ARGMAX_KEYS = optionKeys('argmax', ['cols', 'out']);
// Element-wise ops (this file's and classify.js's) take only `out`; logit adds eps.
const ELEMENTWISE_KEYS = new Set(['out']);
for (const op of ['sigmoid', 'exp', 'log', 'softplus', 'logSigmoid', 'log1mSigmoid']) optionKeys(op, ELEMENTWISE_KEYS);
const LOGIT_KEYS = optionKeys('logit', ['out', 'eps']);
const LINEAR_KEYS = optionKeys('linear', ['inFeatures', 'bias', 'out']);

export function installRows(Logitkit) {
  const proto = Logitkit.prototype;

  proto._rowwise = function (op, x, options, perRow) {
    const o = checkOptions('options', options, ROW_KEYS[op]);
    const t = checkTemperature(o.temperature);
    // The opt-in guard of classify.js (probabilities passed as logits).
    if (this._guardWarn && (op === 'softmax' || op === 'logSoftmax')) this._guardCheck(x, options);
    // Below 2^-64 the other row operations take the T -> 0 limit (greedy);
    // logsumexp has none, so it refuses those temperatures by their rule.
    if (op === 'logsumexp' && t < 2 ** -64) {
      throw new RangeError(`options.temperature must be > 0 for logsumexp, and >= 2^-64 (log Σ exp(x/T) has no T -> 0 limit), got ${t}`);
    }
    const inp = this._in('logits', x, SLOT.logits);
    const { rows, cols } = this._shape('logits', inp.length, o.cols);
    const out = this._out('options.out', o.out, perRow ? rows : inp.length, SLOT.out);
    this._check(this._m[op](inp.ptr, out.ptr, rows, cols, t), { cols });
    return out.finish();
  };

  /** softmax(x / T) of each row. */
  proto.softmax = function (logits, options) {
    return this._rowwise('softmax', logits, options, false);
  };

  /** log softmax(x / T) of each row. */
  proto.logSoftmax = function (logits, options) {
    return this._rowwise('logSoftmax', logits, options, false);
  };

  /** log Σ exp(x / T) of each row (T >= 2^-64 and <= 2^64: no T -> 0 limit). */
  proto.logsumexp = function (logits, options) {
    return this._rowwise('logsumexp', logits, options, true);
  };

  /** Entropy in nats of softmax(x / T), per row. */
  proto.entropy = function (logits, options) {
    return this._rowwise('entropy', logits, options, true);
  };

  /** First index of each row's maximum. */
  proto.argmax = function (logits, options) {
    const o = checkOptions('options', options, ARGMAX_KEYS);
    const inp = this._in('logits', logits, SLOT.logits);
    const { rows, cols } = this._shape('logits', inp.length, o.cols);
    const out = this._out('options.out', o.out, rows, SLOT.out, Int32Array);
    this._check(this._m._lk_argmax(inp.ptr, out.ptr, rows, cols), { cols, empty: 'logits: argmax of an empty row is undefined' });
    return out.finish();
  };

  proto._elementwise = function (op, name, x, options, extra) {
    const o = checkOptions('options', options, extra === undefined ? ELEMENTWISE_KEYS : LOGIT_KEYS);
    const inp = this._in(name, x, SLOT.logits);
    const out = this._out('options.out', o.out, inp.length, SLOT.out);
    const code = extra === undefined ? this._m[op](inp.ptr, out.ptr, inp.length) : this._m[op](inp.ptr, out.ptr, inp.length, extra);
    this._check(code ?? Status.ok, { input: name });
    return out.finish();
  };

  /** σ(x) = 1 / (1 + e^-x), element-wise. */
  proto.sigmoid = function (logits, options) {
    return this._elementwise('sigmoid', 'logits', logits, options);
  };

  /** log(p / (1 - p)), element-wise; options.eps clamps p to [eps, 1 - eps] first (torch.logit). */
  proto.logit = function (p, options) {
    const o = checkOptions('options', options, LOGIT_KEYS);
    let eps = -1;
    if (o.eps !== undefined && o.eps !== null) eps = checkNumber('options.eps', o.eps, { min: 0, max: 0.5 });
    return this._elementwise('logit', 'p', p, o, eps);
  };

  /** The project's float32 exp (<= 1 ULP), element-wise. */
  proto.exp = function (x, options) {
    return this._elementwise('exp', 'x', x, options);
  };

  /** The project's float32 natural log (<= 1 ULP), element-wise. */
  proto.log = function (x, options) {
    return this._elementwise('log', 'x', x, options);
  };

  /**
   * The LM head: logits = hidden · weightᵀ + bias, with weight
   * [outFeatures × inFeatures] (torch.nn.Linear layout) and hidden
   * [rows × inFeatures].
   */
  proto.linear = function (weight, hidden, options) {
    const o = checkOptions('options', options, LINEAR_KEYS);
    const inFeatures = checkNumber('options.inFeatures', o.inFeatures, { min: 1, integer: true });
    const w = this._in('weight', weight, SLOT.weight);
    if (w.length % inFeatures !== 0) {
      throw new RangeError(`weight.length (${w.length}) must be a multiple of options.inFeatures (${inFeatures})`);
    }
    const outFeatures = w.length / inFeatures;
    const h = this._in('hidden', hidden, SLOT.hidden);
    if (h.length % inFeatures !== 0) {
      throw new RangeError(`hidden.length (${h.length}) must be a multiple of options.inFeatures (${inFeatures})`);
    }
    const rows = h.length / inFeatures;
    let bPtr = 0;
    if (o.bias !== undefined) {
      const b = this._in('options.bias', o.bias, SLOT.bias);
      if (b.length !== outFeatures) throw new RangeError(`options.bias must hold ${outFeatures} elements, got ${b.length}`);
      bPtr = b.ptr;
    }
    const out = this._out('options.out', o.out, rows * outFeatures, SLOT.out);
    if (o.out instanceof LogitBuffer && (o.out === hidden || o.out === weight)) {
      throw new RangeError('options.out must not be the weight or hidden buffer');
    }
    this._check(this._m.linear(w.ptr, bPtr, h.ptr, out.ptr, rows, inFeatures, outFeatures));
    return out.finish();
  };
}
