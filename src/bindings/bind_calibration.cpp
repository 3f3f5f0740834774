// Calibration (calibration_metrics.h, temperature_scaling.h, platt_scaling.h,
// vector_scaling.h, histogram_binning.h, isotonic_regression.h). Results that
// are several numbers go into a caller-provided float64 array.
#include <emscripten/bind.h>

#include "calibration/calibration_metrics.h"
#include "common.h"
#include "calibration/histogram_binning.h"
#include "calibration/isotonic_regression.h"
#include "calibration/platt_scaling.h"
#include "calibration/temperature_scaling.h"
#include "calibration/vector_scaling.h"

using lk_bind::ptr;
using lk_bind::report;

namespace {
lk::ScoreKind kind_of(int k) { return k == 1 ? lk::ScoreKind::kProbabilities : lk::ScoreKind::kLogits; }

// out: accuracy, nll, brier, ece, mce, adaptive_ece, classwise_ece, then per bin count, confidence, accuracy.
int calibration_metrics(uintptr_t x, uintptr_t labels, uint32_t n, uint32_t classes, int kind, uint32_t bins,
                        double t, uintptr_t out) {
  double* o = ptr<double>(out);
  lk::CalibrationMetrics m;
  lk::Status s = lk::calibration_metrics(ptr(x), ptr<int32_t>(labels), n, classes, kind_of(kind), bins, t, &m,
                                         reinterpret_cast<lk::ReliabilityBin*>(o + 7));
  if (s.ok()) {
    o[0] = m.accuracy; o[1] = m.nll; o[2] = m.brier; o[3] = m.ece; o[4] = m.mce;
    o[5] = m.adaptive_ece; o[6] = m.classwise_ece;
  }
  return report(s);
}

// out: T, nll_before, nll_after, iterations, at_bound.
int fit_temperature(uintptr_t x, uintptr_t labels, uint32_t n, uint32_t classes, double t_min, double t_max,
                    uintptr_t out) {
  lk::TemperatureFit f;
  lk::Status s = lk::fit_temperature(ptr(x), ptr<int32_t>(labels), n, classes, &f, t_min, t_max);
  double* o = ptr<double>(out);
  if (s.ok()) { o[0] = f.temperature; o[1] = f.nll_before; o[2] = f.nll_after; o[3] = f.iterations; o[4] = f.at_bound; }
  return report(s);
}

// out: a, b, nll_before, nll_after, iterations.
int fit_platt(uintptr_t z, uintptr_t labels, uint32_t n, bool smooth, uintptr_t out) {
  lk::PlattFit f;
  lk::Status s = lk::fit_platt(ptr(z), ptr<int32_t>(labels), n, smooth, &f);
  double* o = ptr<double>(out);
  if (s.ok()) { o[0] = f.a; o[1] = f.b; o[2] = f.nll_before; o[3] = f.nll_after; o[4] = f.iterations; }
  return report(s);
}
int apply_platt(uintptr_t z, uint32_t n, double a, double b, uintptr_t out) {
  return report(lk::apply_platt(ptr(z), n, a, b, ptr(out)));
}

// out: nll_before, nll_after, iterations, then scale[classes], bias[classes].
int fit_vector_scaling(uintptr_t x, uintptr_t labels, uint32_t n, uint32_t classes, double l2, uintptr_t out) {
  lk::VectorScalingFit f;
  double* o = ptr<double>(out);
  lk::Status s = lk::fit_vector_scaling(ptr(x), ptr<int32_t>(labels), n, classes, l2, o + 3, o + 3 + classes, &f);
  if (s.ok()) { o[0] = f.nll_before; o[1] = f.nll_after; o[2] = f.iterations; }
  return report(s);
}
int apply_vector_scaling(uintptr_t x, uint32_t n, uint32_t classes, uintptr_t scale, uintptr_t bias, uintptr_t out) {
  return report(lk::apply_vector_scaling(ptr(x), n, classes, ptr<double>(scale), ptr<double>(bias), ptr(out)));
}

int fit_histogram_binning(uintptr_t x, uintptr_t labels, uint32_t n, uint32_t classes, int kind, uint32_t bins,
                          uintptr_t values) {
  return report(lk::fit_histogram_binning(ptr(x), ptr<int32_t>(labels), n, classes, kind_of(kind), bins,
                                          ptr<double>(values)));
}
int apply_histogram_binning(uintptr_t x, uint32_t n, uint32_t classes, int kind, uint32_t bins, uintptr_t values,
                            uintptr_t out) {
  return report(lk::apply_histogram_binning(ptr(x), n, classes, kind_of(kind), bins, ptr<double>(values), ptr(out)));
}

int fit_isotonic(uintptr_t x, uintptr_t labels, uint32_t n, uint32_t classes, int kind, uintptr_t bx, uintptr_t by,
                 uintptr_t counts) {
  return report(lk::fit_isotonic_calibration(ptr(x), ptr<int32_t>(labels), n, classes, kind_of(kind),
                                             ptr<double>(bx), ptr<double>(by), ptr<uint32_t>(counts)));
}
int apply_isotonic(uintptr_t x, uint32_t n, uint32_t classes, int kind, uintptr_t bx, uintptr_t by, uintptr_t offsets,
                   uintptr_t out) {
  return report(lk::apply_isotonic_calibration(ptr(x), n, classes, kind_of(kind), ptr<double>(bx), ptr<double>(by),
                                               ptr<uint32_t>(offsets), ptr(out)));
}
}  // namespace

EMSCRIPTEN_BINDINGS(calibration) {
  emscripten::function("calibrationMetrics", &calibration_metrics);
  emscripten::function("fitTemperature", &fit_temperature);
  emscripten::function("fitPlatt", &fit_platt);
  emscripten::function("applyPlatt", &apply_platt);
  emscripten::function("fitVectorScaling", &fit_vector_scaling);
  emscripten::function("applyVectorScaling", &apply_vector_scaling);
  emscripten::function("fitHistogramBinning", &fit_histogram_binning);
  emscripten::function("applyHistogramBinning", &apply_histogram_binning);
  emscripten::function("fitIsotonic", &fit_isotonic);
  emscripten::function("applyIsotonic", &apply_isotonic);
}
