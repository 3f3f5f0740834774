// Scoring given text: the log-probability of tokens that were given, not
// sampled (lm-eval's loglikelihood and multiple-choice tasks, perplexity),
// from a row-major [rows × cols] block of logits where row r is the model's
// prediction for tokens[r]. Nothing of size rows × cols is written.
//
// Per row r, with t = tokens[r] and p = softmax(x_r / T):
//   logprob[r]  log p_t in float64: (x_t − max)·(1/T) − log Σ exp((x − max)/T),
//               the formula of log_softmax (rows.h) before its float32
//               rounding, so float(logprob[r]) is bit-identical to
//               log_softmax(x_r)[t]. Error vs float64: <= 2^-23 absolute +
//               2^-52 relative (the float32 exps in the float64 sum bound
//               log S absolutely; the rest is float64). -inf for a masked
//               token (x_t = -inf) or an all -inf row.
//   rank[r]     1 + #{j : x_j > x_t} + #{j < t : x_j == x_t}: 1 = most likely,
//               ties to the lower id (as top_k and the sampler order them).
//               Independent of T.
//   entropy[r]  (when entropy is not null) entropy of p in nats, as
//               rows.h entropy() computes it before its float32 rounding.
//   top_index / top_logprob [rows × top_n] (when top_n > 0): the top_n most
//               likely tokens of the row (top_k's order) and their log p.
// T follows rows.h: T = 0 (or < 2^-64) and a +inf maximum are the limits in
// which the maxima share the mass (log p = -log count for them, -inf for the
// rest). Totals: sum of logprob over the rows (in row order), within
// rows·(2^-23 absolute + 2^-52 relative) of float64: the rows' errors can all
// have one sign (rows of one value and an outlier, where every exp rounds the
// same way), so they add up; and perplexity exp(-sum / rows).
//
// Errors: kNaN (flat index of the first NaN), kBadToken (index = the row of a
// token outside [0, cols)), kBadTemperature, kEmpty (rows > 0 and cols = 0),
// kBadArgument (top_n > cols).
// Cost per row: one max pass, one exp pass, one compare pass for the rank,
// and one top_k selection pass when top_n > 0; O(cols), no sort.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

struct ScoreTotals {
  double sum = 0;         // Σ logprob
  double perplexity = 1;  // exp(-sum / rows); 1 for rows = 0
};

Status score_tokens(const float* x, size_t rows, size_t cols, const int32_t* tokens, double temperature,
                    size_t top_n, double* logprob, int32_t* rank, double* entropy, int32_t* top_index,
                    double* top_logprob, ScoreTotals* totals);

}  // namespace lk
