// Platt scaling (Platt 1999) for binary classifiers: p = σ(a·z + b) fitted to
// N logits z with labels in {0, 1} by minimising the cross-entropy.
//
// Targets: by default Platt's smoothed targets t+ = (N+ + 1)/(N+ + 2) and
// t− = 1/(N− + 2) (as sklearn's CalibratedClassifierCV(method='sigmoid'));
// smooth_targets = false uses the labels themselves. Optimiser: Newton's
// method with backtracking line search from a = 0, b = log((N+ + 1)/(N− + 1))
// (Lin, Lin & Weng 2007), float64 throughout with lk::dexp/dlog1p; stops when
// the gradient's max-norm is <= 1e-12·N or a step changes nothing, at most
// 100 iterations. The optimum is unique whenever both classes occur (with
// smoothed targets, always).
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

struct PlattFit {
  double a, b;         // p = σ(a·z + b)
  double nll_before;   // mean NLL of σ(z) against the labels
  double nll_after;    // mean NLL of σ(a·z + b) against the labels
  int32_t iterations;
};

// Errors: kEmpty, kNaN, kBadArgument (±inf logit, index), kBadLabel (not 0/1).
Status fit_platt(const float* z, const int32_t* labels, size_t n, bool smooth_targets, PlattFit* out);

// out_i = σ(a·z_i + b) as float32 (float64 inside). kNaN / kBadArgument on non-finite z.
Status apply_platt(const float* z, size_t n, double a, double b, float* out);

}  // namespace lk
