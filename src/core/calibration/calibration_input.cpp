#include "calibration/calibration_input.h"

#include "ops/scalar_math.h"

namespace lk {

Status check_scores(const float* x, const int32_t* labels, size_t n, size_t classes, ScoreKind kind) {
  if (n == 0 || classes == 0) return Status::Error(StatusCode::kEmpty);
  for (size_t i = 0; i < n * classes; ++i) {
    float v = x[i];
    if (v != v) return Status::Error(StatusCode::kNaN, i);
    if (kind == ScoreKind::kLogits) {
      if (v == __builtin_inff() || v == -__builtin_inff()) return Status::Error(StatusCode::kBadArgument, i);
    } else if (!(v >= 0.0f && v <= 1.0f)) {
      return Status::Error(StatusCode::kBadProbability, i);
    }
  }
  if (labels != nullptr) {
    const int64_t k = int64_t(class_count(classes));
    for (size_t i = 0; i < n; ++i) {
      if (labels[i] < 0 || labels[i] >= k) return Status::Error(StatusCode::kBadLabel, i);
    }
  }
  return Status::Ok();
}

double row_probabilities(const float* row, size_t classes, ScoreKind kind, double t, double* p) {
  if (classes == 1) {
    if (kind == ScoreKind::kProbabilities) {
      p[1] = row[0];
      p[0] = 1.0 - p[1];
      return 0;
    }
    // σ(u) = 1/(1 + e^−u); log-normaliser of the logits [0, u] is log(1 + e^u).
    double u = double(row[0]) / t;
    double e = dexp(-(u < 0 ? -u : u));  // e^−|u| <= 1
    double big = 1.0 / (1.0 + e), small = e / (1.0 + e);
    p[1] = u >= 0 ? big : small;
    p[0] = u >= 0 ? small : big;
    return (u > 0 ? u : 0.0) + dlog1p(e);
  }
  if (kind == ScoreKind::kProbabilities) {
    for (size_t c = 0; c < classes; ++c) p[c] = row[c];
    return 0;
  }
  double m = row[0];
  for (size_t c = 1; c < classes; ++c) m = row[c] > m ? row[c] : m;
  double s = 0;
  for (size_t c = 0; c < classes; ++c) {
    p[c] = dexp((double(row[c]) - m) / t);
    s += p[c];
  }
  const double inv = 1.0 / s;
  for (size_t c = 0; c < classes; ++c) p[c] *= inv;
  return m / t + dlog(s);
}

}  // namespace lk
