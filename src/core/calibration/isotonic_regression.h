// Isotonic regression calibration (Zadrozny & Elkan 2002), one-vs-rest:
// for each class c a non-decreasing map f_c from p_c to the frequency of
// label c, fitted by pool-adjacent-violators (PAV) and applied by linear
// interpolation between its breakpoints, clipped outside them — the same
// model as sklearn's IsotonicRegression(out_of_bounds='clip') that
// CalibratedClassifierCV(method='isotonic') uses: equal x values are first
// merged (mean target, weight = count), and of each constant run of the
// fit only its first and last x are kept as breakpoints.
// Multi-class outputs are renormalised (histogram_binning.h, write_one_vs_rest).
#pragma once
#include <cstddef>
#include <cstdint>

#include "calibration/calibration_input.h"
#include "status.h"

namespace lk {

// Fits y ≈ f(x), f non-decreasing, on n points (n >= 1). Writes the
// breakpoints into bx, by (room for n each: at most 2 per PAV block, at most
// the number of distinct x) and returns how many. Sorting is by (x, index):
// deterministic.
size_t isotonic_fit(const double* x, const double* y, size_t n, double* bx, double* by);

// f(v) for breakpoints (bx strictly increasing, m >= 1): clip, then interpolate.
double isotonic_eval(const double* bx, const double* by, size_t m, double v);

// One map per column (F = classes; one-column binary: the positive class).
// bx, by: room for F × n each; map c is written at offset c·n; counts[c] its size.
Status fit_isotonic_calibration(const float* x, const int32_t* labels, size_t n, size_t classes, ScoreKind kind,
                                double* bx, double* by, uint32_t* counts);

// offsets: F + 1 entries; map c is bx[offsets[c] .. offsets[c+1]). Each map
// must be non-empty with strictly increasing x (else kBadArgument).
Status apply_isotonic_calibration(const float* x, size_t n, size_t classes, ScoreKind kind, const double* bx,
                                  const double* by, const uint32_t* offsets, float* out);

}  // namespace lk
