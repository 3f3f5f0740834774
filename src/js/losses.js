// Loss functions with PyTorch semantics (src/core/ops/losses.h): cross-entropy,
// NLL, BCE with logits and KL divergence, from typed arrays.
import { checkNumber, checkOptions, describe, optionKeys } from './errors.js';
import { LogitBuffer } from './buffer.js';
import { SLOTS } from './scratch.js';

const SLOT = SLOTS.losses;

const REDUCTIONS = { none: 0, mean: 1, sum: 2, batchmean: 3 };
const CLASS_LOSS = ['classes', 'weight', 'reduction', 'out'];
const KEYS = {
  crossEntropy: optionKeys('crossEntropy', [...CLASS_LOSS, 'ignoreIndex', 'labelSmoothing']),
  nllLoss: optionKeys('nllLoss', [...CLASS_LOSS, 'ignoreIndex']),
  bceWithLogits: optionKeys('bceWithLogits', [...CLASS_LOSS, 'posWeight']),
  klDiv: optionKeys('klDiv', ['classes', 'logTarget', 'reduction', 'out']),
};

function reductionOf(value, allowBatchmean) {
  const r = value === undefined ? 'mean' : value;
  const allowed = allowBatchmean ? "'none', 'mean', 'sum' or 'batchmean'" : "'none', 'mean' or 'sum'";
  if (typeof r !== 'string') throw new TypeError(`options.reduction must be ${allowed} (got ${describe(r)})`);
  // Own keys only: 'toString' is not a reduction.
  if (!Object.hasOwn(REDUCTIONS, r) || (r === 'batchmean' && !allowBatchmean)) {
    throw new RangeError(`options.reduction must be ${allowed}, got '${r}'`);
  }
  return REDUCTIONS[r];
}

export function installLosses(Logitkit) {
  const proto = Logitkit.prototype;

  // Rows n and classes c of an [n × c] input from options.classes (or a default).
  proto._lossShape = function (name, length, classes, fallback) {
    const c = classes === undefined ? fallback : checkNumber('options.classes', classes, { min: 1, integer: true });
    if (!Number.isInteger(c) || c < 1 || length % c !== 0) {
      throw new RangeError(`${name}.length (${length}) must be a multiple of the class count (${c})`);
    }
    return { n: length / c, c };
  };

  proto._lossWeight = function (name, w, slot, lengths) {
    if (w === undefined) return { ptr: 0, length: 0 };
    const input = this._in(name, w, slot);
    if (!lengths.includes(input.length)) {
      throw new RangeError(`${name} must hold ${lengths.join(' or ')} elements, got ${input.length}`);
    }
    return input;
  };

  // Runs a loss binding; returns a number, or the per-sample Float32Array for 'none'.
  proto._lossRun = function (reduction, perLength, out, call, ctx) {
    // out holds the per-sample losses of reduction 'none'; with a reduction it
    // would be silently left unwritten.
    if (out !== undefined && reduction !== REDUCTIONS.none) {
      throw new RangeError("options.out is the per-sample output of reduction 'none'; with 'mean', 'sum' or 'batchmean' the loss is the returned number");
    }
    const per = this._out('options.out', reduction === REDUCTIONS.none ? out : undefined, perLength, SLOT.out);
    const resultPtr = this._scratchPtr(SLOT.result, 8);
    this._check(call(per.ptr, resultPtr), ctx);
    if (reduction === REDUCTIONS.none) return per.finish();
    return new Float64Array(this._m.HEAPU8.buffer, resultPtr, 1)[0];
  };

  function weightError(name) {
    return (idx) => `${name}[${idx}] must be finite and >= 0`;
  }
  const targetError = (idx) => `target[${idx}] must be a probability in [0, 1]`;

  /**
   * torch.nn.functional.cross_entropy. target: Int32Array of class indices
   * (n = target.length) or Float32Array of class probabilities (soft labels,
   * same length as logits).
   */
  proto.crossEntropy = function (logits, target, options) {
    const o = checkOptions('options', options, KEYS.crossEntropy);
    const reduction = reductionOf(o.reduction, false);
    const smoothing = o.labelSmoothing === undefined ? 0 : checkNumber('options.labelSmoothing', o.labelSmoothing, { min: 0, max: 1 });
    const x = this._in('logits', logits, SLOT.input);
    const probTargets = target instanceof Float32Array || target instanceof LogitBuffer;
    if (!probTargets && !(target instanceof Int32Array)) {
      throw new TypeError(`target must be an Int32Array of class indices or a Float32Array of probabilities (got ${describe(target)})`);
    }
    if (probTargets) {
      if (o.ignoreIndex !== undefined) throw new RangeError('options.ignoreIndex applies to class-index targets only (as in PyTorch)');
      const { n, c } = this._lossShape('logits', x.length, o.classes, x.length);
      const t = this._in('target', target, SLOT.target);
      if (t.length !== x.length) throw new RangeError(`target must hold ${x.length} probabilities (one per logit), got ${t.length}`);
      const w = this._lossWeight('options.weight', o.weight, SLOT.weight, [c]);
      return this._lossRun(reduction, n, o.out, (per, res) =>
        this._m.crossEntropyProbs(x.ptr, n, c, t.ptr, w.ptr, smoothing, reduction, per, res), {
        cols: c, other: weightError('options.weight'), probability: targetError,
      });
    }
    const n = target.length;
    if (o.classes !== undefined) checkNumber('options.classes', o.classes, { min: 1, integer: true });
    const c = n === 0 ? (o.classes ?? 1) : x.length / n;
    // No target: logits must be empty too (else they would be ignored).
    if (!Number.isInteger(c) || c < 1 || (o.classes !== undefined && o.classes !== c) || x.length !== n * c) {
      throw new RangeError(`logits.length (${x.length}) must be target.length (${n}) × the class count${o.classes !== undefined ? ` (${o.classes})` : ''}`);
    }
    const ignoreIndex = o.ignoreIndex === undefined ? -100 : checkNumber('options.ignoreIndex', o.ignoreIndex, { integer: true, min: -(2 ** 31), max: 2 ** 31 - 1 });
    const t = this._in('target', target, SLOT.target, Int32Array);
    const w = this._lossWeight('options.weight', o.weight, SLOT.weight, [c]);
    return this._lossRun(reduction, n, o.out, (per, res) =>
      this._m.crossEntropy(x.ptr, n, c, t.ptr, w.ptr, ignoreIndex, smoothing, reduction, per, res), {
      cols: c,
      label: (i) => `target[${i}] = ${target[i]} is not a class index in [0, ${c}) nor options.ignoreIndex (${ignoreIndex})`,
      other: weightError('options.weight'),
    });
  };

  /** torch.nn.functional.nll_loss on log-probabilities [n × c] with class-index targets. */
  proto.nllLoss = function (logProbs, target, options) {
    const o = checkOptions('options', options, KEYS.nllLoss);
    const reduction = reductionOf(o.reduction, false);
    const x = this._in('logProbs', logProbs, SLOT.input);
    if (!(target instanceof Int32Array)) throw new TypeError(`target must be an Int32Array of class indices (got ${describe(target)})`);
    const n = target.length;
    if (o.classes !== undefined) checkNumber('options.classes', o.classes, { min: 1, integer: true });
    const c = n === 0 ? (o.classes ?? 1) : x.length / n;
    if (!Number.isInteger(c) || c < 1 || (o.classes !== undefined && o.classes !== c) || x.length !== n * c) {
      throw new RangeError(`logProbs.length (${x.length}) must be target.length (${n}) × the class count${o.classes !== undefined ? ` (${o.classes})` : ''}`);
    }
    const ignoreIndex = o.ignoreIndex === undefined ? -100 : checkNumber('options.ignoreIndex', o.ignoreIndex, { integer: true, min: -(2 ** 31), max: 2 ** 31 - 1 });
    const t = this._in('target', target, SLOT.target, Int32Array);
    const w = this._lossWeight('options.weight', o.weight, SLOT.weight, [c]);
    return this._lossRun(reduction, n, o.out, (per, res) =>
      this._m.nllLoss(x.ptr, n, c, t.ptr, w.ptr, ignoreIndex, reduction, per, res), {
      input: 'logProbs', cols: c,
      label: (i) => `target[${i}] = ${target[i]} is not a class index in [0, ${c}) nor options.ignoreIndex (${ignoreIndex})`,
      other: weightError('options.weight'),
    });
  };

  /**
   * torch.nn.functional.binary_cross_entropy_with_logits over [n × classes];
   * classes defaults to posWeight's length, else 1.
   */
  proto.bceWithLogits = function (logits, target, options) {
    const o = checkOptions('options', options, KEYS.bceWithLogits);
    const reduction = reductionOf(o.reduction, false);
    const x = this._in('logits', logits, SLOT.input);
    const fallback = o.posWeight instanceof Float32Array || o.posWeight instanceof LogitBuffer ? o.posWeight.length : 1;
    const { n, c } = this._lossShape('logits', x.length, o.classes, fallback);
    const t = this._in('target', target, SLOT.target);
    if (t.length !== x.length) throw new RangeError(`target must hold ${x.length} elements (one per logit), got ${t.length}`);
    const w = this._lossWeight('options.weight', o.weight, SLOT.weight, c === x.length ? [c] : [c, x.length]);
    const pw = this._lossWeight('options.posWeight', o.posWeight, SLOT.posWeight, [c]);
    return this._lossRun(reduction, x.length, o.out, (per, res) =>
      this._m.bceWithLogits(x.ptr, t.ptr, n, c, w.ptr, w.length, pw.ptr, reduction, per, res), {
      cols: c, probability: targetError,
      // The core reports posWeight[k] as index weight.length + k.
      other: (i) => (i >= w.length ? weightError('options.posWeight')(i - w.length) : weightError('options.weight')(i)),
    });
  };

  /**
   * torch.nn.functional.kl_div(input, target): input holds log-probabilities;
   * target probabilities (or log-probabilities with logTarget). 'batchmean'
   * divides by the row count n = length / classes (classes default: one row).
   */
  proto.klDiv = function (input, target, options) {
    const o = checkOptions('options', options, KEYS.klDiv);
    const reduction = reductionOf(o.reduction, true);
    const logTarget = o.logTarget === undefined ? false : o.logTarget;
    if (typeof logTarget !== 'boolean') throw new TypeError(`options.logTarget must be a boolean (got ${describe(logTarget)})`);
    const x = this._in('input', input, SLOT.input);
    const { n, c } = this._lossShape('input', x.length, o.classes, x.length || 1);
    const t = this._in('target', target, SLOT.target);
    if (t.length !== x.length) throw new RangeError(`target must hold ${x.length} elements (one per input), got ${t.length}`);
    return this._lossRun(reduction, x.length, o.out, (per, res) =>
      this._m.klDiv(x.ptr, t.ptr, n, c, logTarget, reduction, per, res), {
      input: 'input', cols: c,
      probability: logTarget ? (i) => `target[${i}] must be a log-probability (not NaN or +Infinity)` : targetError,
    });
  };
}
