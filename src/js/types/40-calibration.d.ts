
// ---- Calibration (docs/calibration.md) ----
// Scores are a row-major [n × classes] Float32Array (or LogitBuffer) of logits
// or, with `input: 'probabilities'`, of probabilities; labels an Int32Array of n
// class indices. classes = scores.length / labels.length unless `classes` is
// given. One column (classes = 1) is binary: the logit (or probability) of
// class 1, labels in {0, 1}.

export type CalibrationInput = 'logits' | 'probabilities';

export interface CalibrationDataOptions {
  /** Columns per row; default scores.length / labels.length. */
  classes?: number;
}

/** One equal-width bin (lower, upper] of the reliability diagram. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean max-probability confidence of the bin's samples; NaN when count = 0. */
  confidence: number;
  /** Fraction of the bin's samples whose argmax is the label; NaN when count = 0. */
  accuracy: number;
}

export interface CalibrationMetrics {
  accuracy: number;
  /** Mean negative log-likelihood (nats); Infinity when a probability input gives a label p = 0. */
  nll: number;
  /** Mean Σ_c (p_c − y_c)²; one-column binary input: mean (p − y)². */
  brier: number;
  /** Expected calibration error, equal-width bins over max-probability confidence (Guo et al. 2017). */
  ece: number;
  /** Maximum calibration error over non-empty bins. */
  mce: number;
  /** ECE over equal-mass bins (samples sorted by confidence). */
  adaptiveEce: number;
  /** Mean over classes of each class's ECE of p_c (Kull et al. 2019). */
  classwiseEce: number;
  reliability: ReliabilityBin[];
}

export interface CalibrationMetricsOptions extends CalibrationDataOptions {
  input?: CalibrationInput;
  /** Bins for ECE, MCE, adaptive and classwise ECE and the diagram; default 15. */
  bins?: number;
  /** Measure softmax(z / T) instead of softmax(z): > 0, <= 2^64, logits only (a RangeError with input 'probabilities'); default 1. */
  temperature?: number;
}

interface CalibratorBase {
  classes: number;
  /** Calibrated probabilities [n × classes] (one column for binary input). */
  apply<O extends Floats = Float32Array>(scores: Floats, options?: { out?: O }): O;
  /** The parameters as plain JSON; `lk.calibratorFromJSON(json)` restores the calibrator. */
  toJSON(): CalibratorJSON;
}

export interface TemperatureCalibrator extends CalibratorBase {
  kind: 'temperature';
  temperature: number;
  /** Mean NLL at T = 1 and at the fitted T. */
  nllBefore: number;
  nllAfter: number;
  iterations: number;
  /** The optimum lies at or beyond options.min / options.max (the bound is returned). */
  atBound: boolean;
}
export interface PlattCalibrator extends CalibratorBase {
  kind: 'platt';
  /** p = σ(a·z + b). */
  a: number;
  b: number;
  nllBefore: number;
  nllAfter: number;
  iterations: number;
}
export interface VectorScalingCalibrator extends CalibratorBase {
  kind: 'vector';
  /** p = softmax(scale ⊙ z + bias). */
  scale: number[];
  bias: number[];
  l2: number;
  nllBefore: number;
  nllAfter: number;
  iterations: number;
}
export interface HistogramCalibrator extends CalibratorBase {
  kind: 'histogram';
  input: CalibrationInput;
  bins: number;
  /** values[c][b]: calibrated probability of class c in bin b. */
  values: number[][];
}
export interface IsotonicCalibrator extends CalibratorBase {
  kind: 'isotonic';
  input: CalibrationInput;
  /** Breakpoints of each class's non-decreasing map (x strictly increasing). */
  x: number[][];
  y: number[][];
}
export type AnyCalibrator =
  | TemperatureCalibrator
  | PlattCalibrator
  | VectorScalingCalibrator
  | HistogramCalibrator
  | IsotonicCalibrator;
export type CalibratorJSON = Omit<AnyCalibrator, 'apply' | 'toJSON'>;

export interface Logitkit {
  /** Accuracy, NLL, Brier, ECE, MCE, adaptive and classwise ECE, and reliability-diagram bins. */
  calibrationMetrics(scores: Floats, labels: Int32Array, options?: CalibrationMetricsOptions): CalibrationMetrics;
  /**
   * Temperature scaling: the T minimising mean NLL of softmax(z / T), to ~1e-12 relative.
   * T is searched in [min, max], default [1e-3, 1e3].
   */
  fitTemperature(
    logits: Floats,
    labels: Int32Array,
    options?: CalibrationDataOptions & { min?: number; max?: number },
  ): TemperatureCalibrator;
  /** Platt scaling of one logit per sample; Platt's smoothed targets unless smoothTargets is false. */
  fitPlatt(logits: Floats, labels: Int32Array, options?: { classes?: 1; smoothTargets?: boolean }): PlattCalibrator;
  /** Vector scaling: per-class scale and bias (classes >= 2); optional L2 penalty towards the identity. */
  fitVectorScaling(logits: Floats, labels: Int32Array, options?: CalibrationDataOptions & { l2?: number }): VectorScalingCalibrator;
  /** Histogram binning, one-vs-rest, equal-width bins (default 15). */
  fitHistogramBinning(
    scores: Floats,
    labels: Int32Array,
    options?: CalibrationDataOptions & { input?: CalibrationInput; bins?: number },
  ): HistogramCalibrator;
  /** Isotonic regression (PAV), one-vs-rest, sklearn's IsotonicRegression(out_of_bounds='clip'). */
  fitIsotonic(scores: Floats, labels: Int32Array, options?: CalibrationDataOptions & { input?: CalibrationInput }): IsotonicCalibrator;
  /** Restores a calibrator from its toJSON() output (object or JSON string). */
  calibratorFromJSON(json: CalibratorJSON | string): AnyCalibrator;
}
