// Calibration (src/core/calibration/calibration_metrics.h, temperature_scaling.h,
// platt_scaling.h, vector_scaling.h, histogram_binning.h,
// isotonic_regression.h): fit a calibrator on validation scores, apply it,
// measure ECE / MCE / NLL / Brier, serialise to JSON.
import { checkNumber, checkOptions, describe, MAX_TEMPERATURE, optionKeys } from './errors.js';
import { keepName, Status } from './logitkit.js';
import { SLOTS } from './scratch.js';

const SLOT = SLOTS.calibration;

const KINDS = ['temperature', 'platt', 'vector', 'histogram', 'isotonic'];
const INPUTS = { logits: 0, probabilities: 1 };
const KEYS = {
  calibrationMetrics: optionKeys('calibrationMetrics', ['classes', 'input', 'bins', 'temperature']),
  fitTemperature: optionKeys('fitTemperature', ['classes', 'min', 'max']),
  fitPlatt: optionKeys('fitPlatt', ['classes', 'smoothTargets']),
  fitVectorScaling: optionKeys('fitVectorScaling', ['classes', 'l2']),
  fitHistogramBinning: optionKeys('fitHistogramBinning', ['classes', 'input', 'bins']),
  fitIsotonic: optionKeys('fitIsotonic', ['classes', 'input']),
  apply: optionKeys('Calibrator.apply', ['out']),
};

function checkInput(v, name = 'options.input', required = false) {
  if (v === undefined && !required) return 'logits';
  if (typeof v !== 'string') throw new TypeError(`${name} must be a string (got ${describe(v)})`);
  // Own keys only: 'toString' or 'constructor' is not an input kind.
  if (!Object.hasOwn(INPUTS, v)) throw new RangeError(`${name} must be 'logits' or 'probabilities', got '${v}'`);
  return v;
}

function checkBins(v) {
  return v === undefined ? 15 : checkNumber('options.bins', v, { min: 1, max: 1e6, integer: true });
}

function numberArray(name, v, length) {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new TypeError(`${name} must be an array of numbers (got ${describe(v)})`);
  if (length !== undefined && v.length !== length) throw new RangeError(`${name} must hold ${length} numbers, got ${v.length}`);
  const out = Float64Array.from(v, (x, i) => {
    if (typeof x !== 'number') throw new TypeError(`${name}[${i}] must be a number (got ${describe(x)})`);
    if (!Number.isFinite(x)) throw new RangeError(`${name}[${i}] must be finite, got ${x}`);
    return x;
  });
  return out;
}

/** The values of a restored table: probabilities in [0, 1]. */
function probabilities(name, values) {
  const i = values.findIndex((v) => !(v >= 0 && v <= 1));
  if (i >= 0) throw new RangeError(`${name}[${i}] must be a probability in [0, 1], got ${values[i]}`);
  return values;
}

/**
 * A fitted calibrator: `apply(scores)` gives calibrated probabilities
 * [n × classes] (one column for binary input), `toJSON()` its parameters.
 */
export class Calibrator {
  #lk;

  constructor(lk, params) {
    this.#lk = lk;
    Object.assign(this, params);
  }

  /** Calibrated probabilities of new scores (the same input kind the calibrator was fitted on). */
  apply(scores, options) {
    return this.#lk._applyCalibrator(this, scores, options);
  }

  /** Plain parameters; `lk.calibratorFromJSON(json)` restores the calibrator. */
  toJSON() {
    const json = {};
    for (const [k, v] of Object.entries(this)) json[k] = ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map((a) => (ArrayBuffer.isView(a) ? Array.from(a) : a)) : v;
    return json;
  }
}

keepName(Calibrator, 'Calibrator');

export function installCalibration(Logitkit) {
  const P = Logitkit.prototype;

  // Scores, labels and the class count: classes = scores.length / labels.length
  // unless options.classes says it (then it must fit).
  P._calData = function (scores, labels, o) {
    const x = this._in('scores', scores, SLOT.scores);
    if (!(labels instanceof Int32Array)) throw new TypeError(`labels must be an Int32Array (got ${describe(labels)})`);
    const n = labels.length;
    if (n === 0 || x.length === 0) throw new RangeError('scores and labels must not be empty');
    let classes;
    if (o.classes !== undefined) {
      classes = checkNumber('options.classes', o.classes, { min: 1, integer: true });
      if (x.length !== n * classes) {
        throw new RangeError(`scores.length (${x.length}) must be labels.length × options.classes (${n} × ${classes} = ${n * classes})`);
      }
    } else {
      if (x.length % n !== 0) {
        throw new RangeError(`scores.length (${x.length}) must be a multiple of labels.length (${n}): one row of scores per label`);
      }
      classes = x.length / n;
    }
    const y = this._in('labels', labels, SLOT.labels, Int32Array);
    return { x, y, n, classes };
  };

  // A core status as a named error (through the one translator, Logitkit._check);
  // the index is a flat index into scores, or a sample index for labels.
  P._calCheck = function (code, { classes, labels, input = 'logits' }) {
    const where = (i) => (classes > 1 ? `scores[${i}] (row ${Math.floor(i / classes)}, column ${i % classes})` : `scores[${i}]`);
    this._check(code, {
      input: 'scores',
      cols: classes > 1 ? classes : undefined,
      other: (i) => `${where(i)} is not finite; ${input} must be finite numbers`,
      probability: (i) => `${where(i)} is outside [0, 1]; with options.input 'probabilities' scores must be probabilities`,
      label: (i) => `labels[${i}] is ${labels[i]}; labels must be class indices in [0, ${classes === 1 ? 2 : classes})`,
      empty: 'scores and labels must not be empty',
      shape: `vector scaling needs at least 2 classes (got ${classes}); for binary logits use fitPlatt`,
    });
  };

  P._f64 = function (slot, length) {
    const ptr = this._scratchPtr(slot, Math.max(8, length * 8));
    return { ptr, read: () => new Float64Array(this._m.HEAPU8.buffer, ptr, length).slice() };
  };

  P._f64In = function (slot, values) {
    const ptr = this._scratchPtr(slot, Math.max(8, values.length * 8));
    new Float64Array(this._m.HEAPU8.buffer, ptr, values.length).set(values);
    return ptr;
  };

  /** Accuracy, NLL, Brier, ECE, MCE, adaptive and classwise ECE, reliability diagram. */
  P.calibrationMetrics = function (scores, labels, options) {
    const o = checkOptions('options', options, KEYS.calibrationMetrics);
    const input = checkInput(o.input);
    const bins = checkBins(o.bins);
    let t = 1;
    if (o.temperature !== undefined) {
      t = checkNumber('options.temperature', o.temperature, { min: 0, minExclusive: true, max: MAX_TEMPERATURE });
      // It divides logits; probabilities would be measured as given, the option ignored.
      if (input === 'probabilities') throw new RangeError("options.temperature applies to logits only, not to options.input 'probabilities'");
    }
    const { x, y, n, classes } = this._calData(scores, labels, o);
    const out = this._f64(SLOT.table, 7 + 3 * bins);
    this._calCheck(this._m.calibrationMetrics(x.ptr, y.ptr, n, classes, INPUTS[input], bins, t, out.ptr), { classes, labels, input });
    const r = out.read();
    const reliability = [];
    for (let b = 0; b < bins; b++) {
      const count = r[7 + 3 * b];
      reliability.push({ lower: b / bins, upper: (b + 1) / bins, count, confidence: count ? r[8 + 3 * b] : NaN, accuracy: count ? r[9 + 3 * b] : NaN });
    }
    return { accuracy: r[0], nll: r[1], brier: r[2], ece: r[3], mce: r[4], adaptiveEce: r[5], classwiseEce: r[6], reliability };
  };

  /** Temperature scaling: the T > 0 minimising mean NLL of softmax(z / T). */
  P.fitTemperature = function (logits, labels, options) {
    const o = checkOptions('options', options, KEYS.fitTemperature);
    const tMin = o.min === undefined ? 1e-3 : checkNumber('options.min', o.min, { min: 0, minExclusive: true, max: MAX_TEMPERATURE });
    const tMax = o.max === undefined ? 1e3 : checkNumber('options.max', o.max, { min: tMin, minExclusive: true, max: MAX_TEMPERATURE });
    const { x, y, n, classes } = this._calData(logits, labels, o);
    const out = this._f64(SLOT.table, 5);
    this._calCheck(this._m.fitTemperature(x.ptr, y.ptr, n, classes, tMin, tMax, out.ptr), { classes, labels });
    const r = out.read();
    return new Calibrator(this, { kind: 'temperature', classes, temperature: r[0], nllBefore: r[1], nllAfter: r[2], iterations: r[3], atBound: r[4] === 1 });
  };

  /** Platt scaling of binary logits: p = σ(a·z + b). */
  P.fitPlatt = function (logits, labels, options) {
    const o = checkOptions('options', options, KEYS.fitPlatt);
    const smooth = o.smoothTargets === undefined ? true : o.smoothTargets;
    if (typeof smooth !== 'boolean') throw new TypeError(`options.smoothTargets must be a boolean (got ${describe(smooth)})`);
    const { x, y, n, classes } = this._calData(logits, labels, { ...o, classes: o.classes === undefined ? 1 : o.classes });
    if (classes !== 1) throw new RangeError(`Platt scaling takes one logit per sample (options.classes must be 1, got ${classes})`);
    const out = this._f64(SLOT.table, 5);
    this._calCheck(this._m.fitPlatt(x.ptr, y.ptr, n, smooth, out.ptr), { classes, labels });
    const r = out.read();
    return new Calibrator(this, { kind: 'platt', classes: 1, a: r[0], b: r[1], nllBefore: r[2], nllAfter: r[3], iterations: r[4] });
  };

  /** Vector scaling: softmax(scale ⊙ z + bias), per-class scale and bias. */
  P.fitVectorScaling = function (logits, labels, options) {
    const o = checkOptions('options', options, KEYS.fitVectorScaling);
    const l2 = o.l2 === undefined ? 0 : checkNumber('options.l2', o.l2, { min: 0, max: Number.MAX_VALUE });
    const { x, y, n, classes } = this._calData(logits, labels, o);
    const out = this._f64(SLOT.table, 3 + 2 * classes);
    this._calCheck(this._m.fitVectorScaling(x.ptr, y.ptr, n, classes, l2, out.ptr), { classes, labels });
    const r = out.read();
    return new Calibrator(this, {
      kind: 'vector', classes, scale: Array.from(r.subarray(3, 3 + classes)), bias: Array.from(r.subarray(3 + classes)),
      l2, nllBefore: r[0], nllAfter: r[1], iterations: r[2],
    });
  };

  /** Histogram binning, one-vs-rest over equal-width bins of each class probability. */
  P.fitHistogramBinning = function (scores, labels, options) {
    const o = checkOptions('options', options, KEYS.fitHistogramBinning);
    const input = checkInput(o.input);
    const bins = checkBins(o.bins);
    const { x, y, n, classes } = this._calData(scores, labels, o);
    const out = this._f64(SLOT.table, classes * bins);
    this._calCheck(this._m.fitHistogramBinning(x.ptr, y.ptr, n, classes, INPUTS[input], bins, out.ptr), { classes, labels, input });
    const r = out.read();
    const values = [];
    for (let c = 0; c < classes; c++) values.push(Array.from(r.subarray(c * bins, (c + 1) * bins)));
    return new Calibrator(this, { kind: 'histogram', classes, input, bins, values });
  };

  /** Isotonic regression (PAV), one-vs-rest, as sklearn's IsotonicRegression(out_of_bounds='clip'). */
  P.fitIsotonic = function (scores, labels, options) {
    const o = checkOptions('options', options, KEYS.fitIsotonic);
    const input = checkInput(o.input);
    const { x, y, n, classes } = this._calData(scores, labels, o);
    const bx = this._f64(SLOT.table, classes * n), by = this._f64(SLOT.table2, classes * n);
    const cptr = this._scratchPtr(SLOT.counts, classes * 4);
    this._calCheck(this._m.fitIsotonic(x.ptr, y.ptr, n, classes, INPUTS[input], bx.ptr, by.ptr, cptr), { classes, labels, input });
    const counts = new Uint32Array(this._m.HEAPU8.buffer, cptr, classes).slice();
    const ax = bx.read(), ay = by.read();
    const px = [], py = [];
    for (let c = 0; c < classes; c++) {
      px.push(Array.from(ax.subarray(c * n, c * n + counts[c])));
      py.push(Array.from(ay.subarray(c * n, c * n + counts[c])));
    }
    return new Calibrator(this, { kind: 'isotonic', classes, input, x: px, y: py });
  };

  /** Restores a calibrator from `toJSON()` output (an object or a JSON string). */
  P.calibratorFromJSON = function (json) {
    let j = json;
    if (typeof json === 'string') {
      try {
        j = JSON.parse(json);
      } catch (err) {
        throw new TypeError(`json must be a calibrator's toJSON() (an object or its JSON string); the string does not parse: ${err.message}`);
      }
    }
    if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new TypeError(`json must be an object or a JSON string (got ${describe(json)})`);
    if (!KINDS.includes(j.kind)) throw new RangeError(`json.kind must be one of ${KINDS.join(', ')}, got ${describe(j.kind)}`);
    const classes = checkNumber('json.classes', j.classes, { min: 1, max: 2 ** 28, integer: true });
    const p = { kind: j.kind, classes };
    switch (j.kind) {
      case 'temperature':
        p.temperature = checkNumber('json.temperature', j.temperature, { min: 0, minExclusive: true, max: MAX_TEMPERATURE });
        break;
      case 'platt':
        if (classes !== 1) throw new RangeError(`json.classes must be 1 for Platt scaling, got ${classes}`);
        p.a = checkNumber('json.a', j.a, { min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
        p.b = checkNumber('json.b', j.b, { min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
        break;
      case 'vector':
        p.scale = Array.from(numberArray('json.scale', j.scale, classes));
        p.bias = Array.from(numberArray('json.bias', j.bias, classes));
        break;
      case 'histogram':
        p.input = checkInput(j.input, 'json.input', true);
        p.bins = checkNumber('json.bins', j.bins, { min: 1, integer: true });
        if (!Array.isArray(j.values) || j.values.length !== classes) throw new RangeError(`json.values must be an array of ${classes} arrays`);
        p.values = j.values.map((v, c) => Array.from(probabilities(`json.values[${c}]`, numberArray(`json.values[${c}]`, v, p.bins))));
        break;
      case 'isotonic':
        p.input = checkInput(j.input, 'json.input', true);
        for (const key of ['x', 'y']) {
          if (!Array.isArray(j[key]) || j[key].length !== classes) throw new RangeError(`json.${key} must be an array of ${classes} arrays`);
        }
        p.x = j.x.map((v, c) => Array.from(numberArray(`json.x[${c}]`, v)));
        p.y = j.y.map((v, c) => Array.from(probabilities(`json.y[${c}]`, numberArray(`json.y[${c}]`, v, p.x[c].length))));
        p.y.forEach((ys, c) => {
          for (let i = 1; i < ys.length; i++) if (!(ys[i] >= ys[i - 1])) throw new RangeError(`json.y[${c}] must be non-decreasing (an isotonic map)`);
        });
        p.x.forEach((xs, c) => {
          if (xs.length === 0) throw new RangeError(`json.x[${c}] must not be empty`);
          for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) throw new RangeError(`json.x[${c}] must be strictly increasing`);
        });
        break;
    }
    // Fit diagnostics travel along unchanged when present.
    for (const key of ['l2', 'nllBefore', 'nllAfter', 'iterations', 'atBound']) {
      if (typeof j[key] === 'number' || typeof j[key] === 'boolean') p[key] = j[key];
    }
    return new Calibrator(this, p);
  };

  P._applyCalibrator = function (cal, scores, options) {
    const o = checkOptions('options', options, KEYS.apply);
    const x = this._in('scores', scores, SLOT.scores);
    const classes = cal.classes;
    if (x.length % classes !== 0) throw new RangeError(`scores.length (${x.length}) must be a multiple of the calibrator's classes (${classes})`);
    const n = x.length / classes;
    const out = this._out('options.out', o.out, x.length, SLOT.out);
    const input = cal.input ?? 'logits';
    const ctx = { classes, input };
    let code;
    switch (cal.kind) {
      case 'temperature':
        if (classes === 1) code = this._m.applyPlatt(x.ptr, n, 1 / cal.temperature, 0, out.ptr);
        else {
          // softmax(z / T) per row; calibration rejects ±inf logits as fitting does.
          for (let i = 0; i < x.length; i++) {
            const v = (x.data ?? x.buffer.view)[i];
            if (v === Infinity || v === -Infinity) this._calCheck(Status.badArgument, ctx);
          }
          code = this._m.softmax(x.ptr, out.ptr, n, classes, cal.temperature);
        }
        break;
      case 'platt':
        code = this._m.applyPlatt(x.ptr, n, cal.a, cal.b, out.ptr);
        break;
      case 'vector':
        code = this._m.applyVectorScaling(x.ptr, n, classes, this._f64In(SLOT.table, cal.scale), this._f64In(SLOT.table2, cal.bias), out.ptr);
        break;
      case 'histogram':
        code = this._m.applyHistogramBinning(x.ptr, n, classes, INPUTS[input], cal.bins, this._f64In(SLOT.table, cal.values.flat()), out.ptr);
        break;
      case 'isotonic': {
        const offsets = new Uint32Array(classes + 1);
        cal.x.forEach((xs, c) => { offsets[c + 1] = offsets[c] + xs.length; });
        const optr = this._scratchPtr(SLOT.counts, offsets.length * 4);
        const bx = this._f64In(SLOT.table, cal.x.flat()), by = this._f64In(SLOT.table2, cal.y.flat());
        new Uint32Array(this._m.HEAPU8.buffer, optr, offsets.length).set(offsets);
        code = this._m.applyIsotonic(x.ptr, n, classes, INPUTS[input], bx, by, optr, out.ptr);
        break;
      }
      default:
        throw new RangeError(`unknown calibrator kind ${describe(cal.kind)}`);
    }
    this._calCheck(code, ctx);
    return out.finish();
  };
}
