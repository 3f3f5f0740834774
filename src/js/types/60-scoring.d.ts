
// ---- Scoring given text (docs/scoring.md) ----

export interface ScoreOptions {
  /** Vocabulary size V (row length); default logits.length / tokens.length. */
  cols?: number;
  /** Score under softmax(x / T); 0 = the greedy limit. Finite, >= 0; default 1. */
  temperature?: number;
  /** Also return the N most likely tokens of each row and their log-probabilities; 0 … 20, default 0. */
  topLogprobs?: number;
  /** Also return each row's entropy in nats; default false. */
  entropy?: boolean;
  /** Where to write the per-token log-probabilities (length T). */
  out?: Float64Array;
}

export interface TokenScores {
  /** log p of tokens[r] under row r, float64; within 2^-23 absolute + 2^-52 relative of float64 (rounded to float32 it equals logSoftmax's value). */
  logprobs: Float64Array;
  /** Rank of tokens[r] in row r: 1 = most likely; equal logits rank the lower id first. */
  ranks: Int32Array;
  /** Entropy of each row in nats (with options.entropy). */
  entropy?: Float64Array;
  /** N (with options.topLogprobs > 0). */
  topN?: number;
  /** [T × N] the N most likely tokens of each row, best first (ties: lower id). */
  topTokens?: Int32Array;
  /** [T × N] their log-probabilities. */
  topLogprobs?: Float64Array;
  /** T, the number of tokens scored. */
  count: number;
  /** Σ logprobs (the log-likelihood of the whole sequence); within T·(2^-23 absolute + 2^-52 relative) of float64: the tokens' errors can add up. */
  sum: number;
  /** sum / T (nats per token). */
  mean: number;
  /** exp(-mean). */
  perplexity: number;
}

export interface ContinuationScore {
  /** Σ log p of the continuation's tokens (lm-eval's loglikelihood); within count·(2^-23 absolute + 2^-52 relative) of float64. */
  sum: number;
  /** Number of tokens. */
  count: number;
  /** sum / count. */
  mean: number;
  /** sum / length: options.lengths[i] (e.g. characters, lm-eval's acc_norm), else the token count. */
  normalized: number;
  perplexity: number;
  /** Every token was the most likely one (lm-eval's is_greedy). */
  greedy: boolean;
}

export interface Logitkit {
  /**
   * Scores given tokens: row r of the [T × V] logits predicts tokens[r]. Per token its log-probability,
   * rank, and optionally the top-N alternatives and the entropy; plus sum, mean and perplexity.
   * No [T × V] output is made.
   */
  scoreTokens(logits: Floats, tokens: TokenIds, options?: ScoreOptions): TokenScores;
  /**
   * Multiple choice: each choice is a continuation's [n × V] logits and its n tokens. `best` has the
   * largest sum, `bestNormalized` the largest length-normalised sum (ties: the earlier choice).
   */
  compareContinuations(
    choices: { logits: Floats; tokens: TokenIds }[],
    options?: { cols?: number; temperature?: number; lengths?: ArrayLike<number> },
  ): { scores: ContinuationScore[]; best: number; bestNormalized: number };
}
