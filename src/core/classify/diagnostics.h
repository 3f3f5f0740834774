// What a developer looks at when a model's logits seem wrong: per row the
// top class, the margin between the top two logits and the entropy; for
// the batch the mean, spread and range of the logits; and a guess at what
// kind of numbers a row holds, to catch probabilities or log-probabilities
// passed where logits are expected.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

// What a row looks like (input_kind). Genuine logits are almost never
// caught: a probability row needs every value in [0, 1] and a sum within
// kKindTolerance of 1; a log-probability row needs max <= 0 and
// |logsumexp| <= kKindTolerance.
enum class InputKind : int32_t {
  kLogits = 0,
  kProbabilities = 1,     // softmax of these flattens them: the classic double softmax
  kLogProbabilities = 2,  // already normalised; softmax gives exp, log_softmax is a no-op
  kSingleColumn = 3,      // cols = 1: softmax is always 1; a binary logit wants sigmoid
};
constexpr double kKindTolerance = 1e-3;  // loose enough for float16 probabilities

// One pass over the row (plus an exp pass when max <= 0). NaN is kNaN.
Status input_kind(const float* row, size_t cols, InputKind* kind);

// Batch summary over the finite logits (±inf masks are counted, not averaged).
struct LogitSummary {
  double count;      // finite values
  double nonfinite;  // ±inf values
  double mean;
  double std;        // population standard deviation (the spread)
  double min;        // smallest finite value (+inf if none)
  double max;        // largest finite value (-inf if none)
};

// Per row: top = first index of the maximum; margin = max - second largest
// (0 for a tied maximum, +inf with one column or a single non-masked entry,
// 0 for an all -inf row); entropy (nats) of softmax(row); kind as input_kind.
// Any output pointer may be null. NaN is kNaN with its flat index. cols = 0
// with rows > 0 is kEmpty. The mean and std use float64 row sums merged
// with Chan's formula (relative error ~1e-16 · (mean/std)²).
Status diagnose(const float* x, size_t rows, size_t cols, int32_t* top, float* margin, float* entropy,
                int32_t* kind, LogitSummary* summary);

}  // namespace lk
