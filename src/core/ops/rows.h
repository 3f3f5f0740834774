// Row-wise operations over a row-major [rows × cols] float32 matrix.
//
// Contract (see DESIGN.md):
// - A NaN anywhere returns StatusCode::kNaN with the flat index of the first.
// - -inf is a mask (probability 0). If a row's maximum is +inf, the +inf
//   entries share all probability equally (the limit).
// - A row with nothing left (all -inf, or cols = 0): softmax gives zeros,
//   log_softmax -inf, logsumexp -inf, entropy 0.
// - temperature T: softmax(x / T). T = 0 is the T -> 0 limit (the maxima
//   share the mass equally: greedy), and so is any T < 2^-64. T NaN,
//   negative or infinite returns kBadTemperature. logsumexp needs T > 0.
// - out may alias x (in place).
//
// Accuracy (float64 reference from the same float32 inputs, any scale up to
// |x| <= 1e30, tests/cpp/ops/test_rows.cpp and tests/js):
//   softmax      <= 2.5·2^-23 relative + 0.5 ULP (<= 5.5 ULP) for outputs
//                >= FLT_MIN: the entry's exp and the sum's exps each err by
//                <= 2^-23 relative (<= 1 ULP), possibly in opposite
//                directions, float(1/sum) by 2^-24, and the product rounds
//                once (3.75 ULP measured at the worst case the search in
//                test_rows.cpp finds: one entry's exp rounding up, the row's
//                rounding down; 2.1 on random rows);
//                below FLT_MIN (subnormal, or 0 on underflow) <= 2·2^-149
//                absolute: the stored exp is rounded once (<= 0.9·2^-149
//                when subnormal, <= 1 ULP when normal), then the scale by
//                float(1/sum) <= 1 rounds again (measured 1.36·2^-149 by
//                the sweep in test_rows.cpp over (x - max)/T in (-112, -86.3))
//   log_softmax  <= 0.5 ULP + 2^-23 absolute: the shift is exact and the
//                log is taken in float64, but the sum adds float32 exps
//                (<= 1 ULP each), which bounds log S absolutely (0.94 of
//                the bound, 1.45 ULP, measured at the worst case found:
//                rows of one value and an outlier, every exp rounding the
//                same way, where log p is near -log 2 and its ULP small)
//   logsumexp    likewise <= 0.5 ULP + 2^-23 absolute (1.45 ULP measured)
//   entropy      <= 4e-7 absolute + 2 ULP: H = log S - Σ e·y / S with the
//                float32 exps and products e·y (0.68 of the bound measured
//                at the worst case found: rows of one value and an outlier
//                whose e·y errs most, sized so H falls just below 2, 4 or 8)
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

Status softmax(const float* x, float* out, size_t rows, size_t cols, double temperature = 1.0);
Status log_softmax(const float* x, float* out, size_t rows, size_t cols, double temperature = 1.0);
// out: one value per row.
Status logsumexp(const float* x, float* out, size_t rows, size_t cols, double temperature = 1.0);
// Entropy in nats of softmax(x / T), one value per row.
Status entropy(const float* x, float* out, size_t rows, size_t cols, double temperature = 1.0);
// First index of the row maximum; an all -inf row gives 0; cols = 0 is kEmpty.
Status argmax(const float* x, int32_t* out, size_t rows, size_t cols);

// The float64 log-normaliser of one row: logsumexp(x / T) = m/T + log(sum),
// with m = max. Shared by log_softmax, losses and the sampler.
struct RowNorm {
  float max;          // row maximum (-inf if nothing is left)
  double log_sum;     // log Σ exp((x - max)/T); 0 when the max is ±inf
  size_t inf_count;   // number of entries equal to +inf (when max = +inf)
};
Status row_norm(const float* x, size_t cols, double temperature, RowNorm* norm);

// True when T is treated as the T -> 0 limit.
bool is_greedy_temperature(double t);
Status check_temperature(double t);

}  // namespace lk
