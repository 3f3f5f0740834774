// Vector scaling (Guo et al. 2017): per-class scale w and bias b,
// calibrated probabilities softmax(w ⊙ z + b), fitted to N labelled rows of
// logits by minimising mean NLL + (l2/2)·Σ_c ((w_c − 1)² + b_c²).
//
// Optimiser: Newton's method on the 2C parameters from w = 1, b = 0 (the
// identity), Hessian solved by Cholesky with a 1e-9 ridge (the common shift of
// all b is a flat direction), backtracking line search. Float64 with
// lk::dexp/dlog, fixed summation order: the same parameters on every build.
// Stops when the gradient's max-norm is <= 1e-10 or a step changes nothing,
// at most 100 iterations. Cost per iteration O(N·C² + C³): meant for up to a
// few hundred classes. Without l2, separable data have no finite optimum and
// the iteration cap ends the fit (use l2 > 0).
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

struct VectorScalingFit {
  double nll_before, nll_after;  // mean NLL (without the l2 term) at the identity and at the fit
  int32_t iterations;
};

// scale, bias: `classes` doubles each (written). classes >= 2 (else kBadShape);
// l2 >= 0 and finite (else kBadArgument); data errors as check_scores.
Status fit_vector_scaling(const float* logits, const int32_t* labels, size_t n, size_t classes, double l2,
                          double* scale, double* bias, VectorScalingFit* out);

// out = softmax(scale ⊙ z + bias) per row, float64 inside, float32 out.
Status apply_vector_scaling(const float* logits, size_t n, size_t classes, const double* scale,
                            const double* bias, float* out);

}  // namespace lk
