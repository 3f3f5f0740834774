#include "calibration/histogram_binning.h"

#include <vector>

#include "calibration/calibration_metrics.h"

namespace lk {

void write_one_vs_rest(const double* q, size_t classes, float* out) {
  if (classes == 1) {
    out[0] = float(q[0]);
    return;
  }
  double s = 0;
  for (size_t c = 0; c < classes; ++c) s += q[c];
  for (size_t c = 0; c < classes; ++c) out[c] = float(s > 0 ? q[c] / s : 1.0 / double(classes));
}

Status fit_histogram_binning(const float* x, const int32_t* labels, size_t n, size_t classes, ScoreKind kind,
                             size_t bins, double* values) {
  if (bins == 0) return Status::Error(StatusCode::kBadArgument);
  Status st = check_scores(x, labels, n, classes, kind);
  if (!st.ok()) return st;
  std::vector<double> p(class_count(classes)), count(classes * bins, 0.0), hits(classes * bins, 0.0);
  for (size_t i = 0; i < n; ++i) {
    row_probabilities(x + i * classes, classes, kind, 1.0, p.data());
    for (size_t c = 0; c < classes; ++c) {
      // One column: the positive class, probability p[1].
      const size_t cls = classes == 1 ? 1 : c;
      const size_t b = c * bins + equal_width_bin(p[cls], bins);
      count[b] += 1;
      hits[b] += labels[i] == int32_t(cls);
    }
  }
  for (size_t c = 0; c < classes; ++c) {
    for (size_t b = 0; b < bins; ++b) {
      const size_t j = c * bins + b;
      values[j] = count[j] > 0 ? hits[j] / count[j] : (double(b) + 0.5) / double(bins);
    }
  }
  return Status::Ok();
}

Status apply_histogram_binning(const float* x, size_t n, size_t classes, ScoreKind kind, size_t bins,
                               const double* values, float* out) {
  if (n == 0) return Status::Ok();
  if (bins == 0) return Status::Error(StatusCode::kBadArgument);
  Status st = check_scores(x, nullptr, n, classes, kind);
  if (!st.ok()) return st;
  std::vector<double> p(class_count(classes)), q(classes);
  for (size_t i = 0; i < n; ++i) {
    row_probabilities(x + i * classes, classes, kind, 1.0, p.data());
    for (size_t c = 0; c < classes; ++c) q[c] = values[c * bins + equal_width_bin(p[classes == 1 ? 1 : c], bins)];
    write_one_vs_rest(q.data(), classes, out + i * classes);
  }
  return Status::Ok();
}

}  // namespace lk
