// Binary and multi-label outputs: one independent sigmoid per logit.
//
// The log forms stay finite where σ itself rounds to 0 or 1:
//   softplus(z)      = log(1 + e^z)
//   log_sigmoid(z)   = log σ(z)      = -softplus(-z)   (torch.nn.functional.logsigmoid)
//   log1m_sigmoid(z) = log(1 - σ(z)) = -softplus(z)
// computed in float64 as max(z, 0) + log1p(exp(-|z|)) with the project's
// dexp / dlog1p and rounded once: <= 1 ULP from float64 (0.5 ULP + 2^-50
// measured bound). ±inf give the limits (softplus(+inf) = +inf,
// softplus(-inf) = 0); a NaN returns kNaN with its index. out may alias x.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

Status softplus(const float* x, float* out, size_t n);
Status log_sigmoid(const float* x, float* out, size_t n);
Status log1m_sigmoid(const float* x, float* out, size_t n);

// Per-class decisions on a [rows × cols] logit matrix: prob = σ(x) (the
// sigmoid kernel, <= 3 ULP) and decision = prob >= threshold, comparing the
// float32 probability that is returned (so a caller re-checking prob[i] >=
// t gets the same answer). thresholds (float64): one per class (n_thresholds = cols) or
// one for all (n_thresholds = 1), each in [0, 1] (kBadProbability with its
// index; NaN is kBadProbability too). prob may be null.
Status multi_label(const float* x, size_t rows, size_t cols, const double* thresholds, size_t n_thresholds,
                   float* prob, uint8_t* decision);

}  // namespace lk
