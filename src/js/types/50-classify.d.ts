
// ---- Classification, multi-label, retrieval and diagnostics (docs/classify.md) ----

export interface TopClasses {
  /** [rows × k] class indices, best first; equal logits: lower index first. */
  indices: Int32Array;
  /** [rows × k] the logits at those indices. */
  logits: Float32Array;
  /** [rows × k] softmax(x / T) at those indices; <= 2^-23 relative + 0.5 ULP from float64 (<= 2.5 ULP; 1.98 measured at the worst case found). */
  probs: Float32Array;
  rows: number;
  k: number;
}

export interface Decisions {
  /** Top class per row, or -1 where its probability is below the threshold (abstain). */
  labels: Int32Array;
  /** The top class's softmax probability per row (also for abstained rows). */
  probs: Float32Array;
  /** Number of rows that abstained. */
  abstained: number;
}

export interface MultiLabel<O> {
  /** σ(x) per logit (<= 3 ULP). */
  probs: O;
  /** 1 where probs[i] >= the threshold of its class, else 0. */
  decisions: Uint8Array;
}

export interface SimilarityOptions {
  /** Embedding dimension: query is [nq × dim], docs [n × dim], row-major. Required. */
  dim: number;
  /** 'cosine' (default): scale · q·d / max(‖q‖‖d‖, 1e-8); 'dot': scale · q·d. */
  metric?: 'cosine' | 'dot';
  /** Multiplies every similarity, e.g. CLIP's exp(logit_scale) = 100. Finite; default 1. */
  scale?: number;
}

export interface Retrieved {
  /** [nq × k] document indices, best first; equal scores: lower index first. */
  indices: Int32Array;
  /** [nq × k] their similarity logits. */
  scores: Float32Array;
  /** [nq × k] softmax(scores / T) over all n documents. */
  probs: Float32Array;
  rows: number;
  k: number;
}

export type LogitWarningCode = 'probabilities' | 'log-probabilities' | 'single-column';
export interface LogitWarning {
  code: LogitWarningCode;
  /** How many rows look like this. */
  rows: number;
  /** The first such row. */
  firstRow: number;
  /** A sentence saying what was seen and what to do. */
  message: string;
}

export interface LogitSummary {
  rows: number;
  /** Finite logits counted. */
  count: number;
  /** ±inf entries (masks), not included in mean/std/min/max. */
  nonFinite: number;
  /** Mean of the finite logits (NaN when count is 0). */
  mean: number;
  /** Population standard deviation of the finite logits (the spread; NaN when count is 0). */
  std: number;
  /** Smallest and largest finite logit (Infinity and -Infinity when count is 0). */
  min: number;
  max: number;
  /** Rows whose margin is below tornMargin. */
  tornCount: number;
  /** Mean of the finite margins (NaN when none). */
  meanMargin: number;
  /** Mean entropy in nats. */
  meanEntropy: number;
}

export interface Diagnosis {
  rows: number;
  /** First index of each row's maximum. */
  top: Int32Array;
  /** Largest minus second largest logit (0 for a tie or an all -inf row, +inf with one live entry). */
  margin: Float32Array;
  /** Entropy in nats of softmax(row). */
  entropy: Float32Array;
  /** 1 where margin < tornMargin. */
  torn: Uint8Array;
  summary: LogitSummary;
  /** Rows that look like probabilities or log-probabilities (most of the batch), or single columns. */
  warnings: LogitWarning[];
}

export interface Logitkit {
  /** Top-k classes per row with probabilities; O(cols) selection, no sort. k in [1, cols], default min(5, cols). */
  topClasses(logits: Floats, options?: RowOptions & { k?: number }): TopClasses;
  /** Top class per row, -1 (abstain) when its probability < threshold (in [0, 1], default 0). */
  decide(logits: Floats, options?: RowOptions & { threshold?: number }): Decisions;
  /** σ per logit and per-class decisions; threshold: one for all (default 0.5) or one per class. */
  multiLabel<O extends Float32Array = Float32Array>(
    logits: Floats,
    options?: { cols?: number; threshold?: number | ArrayLike<number>; out?: O },
  ): MultiLabel<O>;
  /** log(1 + e^x) element-wise, <= 1 ULP. */
  softplus<O extends Floats = Float32Array>(x: Floats, options?: ElementwiseOptions<O>): O;
  /** log σ(x) = -softplus(-x) element-wise, <= 1 ULP, finite for finite x. */
  logSigmoid<O extends Floats = Float32Array>(x: Floats, options?: ElementwiseOptions<O>): O;
  /** log(1 - σ(x)) = -softplus(x) element-wise, <= 1 ULP, finite for finite x. */
  log1mSigmoid<O extends Floats = Float32Array>(x: Floats, options?: ElementwiseOptions<O>): O;
  /** Similarity logits [nq × n] of query rows to document rows (SIMD; docs as a LogitBuffer avoid a copy). */
  similarity<O extends Floats = Float32Array>(query: Floats, docs: Floats, options: SimilarityOptions & { out?: O }): O;
  /** Top-k documents per query with softmax probabilities over all documents. */
  retrieve(query: Floats, docs: Floats, options: SimilarityOptions & { k?: number; temperature?: number }): Retrieved;
  /** Margins, entropy, torn rows, a batch summary and input-kind warnings. tornMargin >= 0, default 0.5. */
  diagnose(logits: Floats, options?: { cols?: number; tornMargin?: number }): Diagnosis;
  /**
   * Opt-in check of the first row given to softmax / logSoftmax: true warns with
   * console.warn, a function receives the warning, false turns it off. Each
   * warning code is reported once per instance.
   */
  guard(warn?: boolean | ((warning: LogitWarning) => void)): this;
}
