// Element-wise functions over n float32 values. out may alias x.
#pragma once
#include <cstddef>

#include "status.h"

namespace lk {

// σ(x) = 1 / (1 + e^-x). Max error 3 ULP (exp kernel, one add, one divide).
// σ(+inf) = 1, σ(-inf) = 0; a NaN returns kNaN with its index.
Status sigmoid(const float* x, float* out, size_t n);

// log(p / (1 - p)) (torch.logit). With eps >= 0, p is first clamped to
// [eps, 1 - eps] (float32, as torch does); eps < 0 means no clamp. p must lie
// in [0, 1] (kBadProbability with the index otherwise; NaN is kNaN);
// logit(0) = -inf, logit(1) = +inf. Computed in float64: <= 0.5 ULP + 2^-50.
Status logit(const float* p, float* out, size_t n, double eps = -1.0);

// The project's float32 exp and log, exposed for users and the sweep test.
// exp  Max error 1 ULP (sweep); valid range all floats: x < -103.97 -> 0
//      (subnormal results rounded once), x > 88.72 -> +inf, NaN -> NaN.
// log  Max error 1 ULP (sweep); all floats: 0 -> -inf, x < 0 -> NaN.
void exp(const float* x, float* out, size_t n);
void log(const float* x, float* out, size_t n);

}  // namespace lk
