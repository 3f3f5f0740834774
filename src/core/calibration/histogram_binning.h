// Histogram binning (Zadrozny & Elkan 2001), one-vs-rest as in Guo et al.
// 2017: each class's probability p_c is put in one of M equal-width bins
// (k/M, (k+1)/M] (the first also holding 0) and replaced by the fraction of
// samples in that bin whose label is c. An empty bin keeps its midpoint
// (k + 0.5)/M. Multi-class outputs are renormalised to sum to 1 (a row of
// zeros becomes uniform); one-column binary input gives one probability.
//
// Fitted values: [F × M] row-major, F = classes (one-column binary: F = 1,
// the positive class). Exact counting in float64; deterministic.
#pragma once
#include <cstddef>
#include <cstdint>

#include "calibration/calibration_input.h"
#include "status.h"

namespace lk {

// bins >= 1 (else kBadArgument); data errors as check_scores.
Status fit_histogram_binning(const float* x, const int32_t* labels, size_t n, size_t classes, ScoreKind kind,
                             size_t bins, double* values);

// out: [n × classes] calibrated probabilities.
Status apply_histogram_binning(const float* x, size_t n, size_t classes, ScoreKind kind, size_t bins,
                               const double* values, float* out);

// The shared one-vs-rest output step of histogram binning and isotonic
// regression: q holds F = classes calibrated values of one sample; writes the
// row of float32 probabilities (renormalised when classes >= 2).
void write_one_vs_rest(const double* q, size_t classes, float* out);

}  // namespace lk
