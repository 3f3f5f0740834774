#include "classify/multilabel.h"

#include <vector>

#include "ops/elementwise.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
// log(1 + e^z) = max(z, 0) + log1p(e^-|z|): the exp never overflows and the
// log1p keeps the tiny tail for z << 0, where it equals e^z.
double softplus64(double z) {
  if (z == __builtin_inf()) return z;
  double a = z < 0 ? -z : z;
  return (z > 0 ? z : 0.0) + dlog1p(dexp(-a));
}

template <class F>
Status map(const float* x, float* out, size_t n, F f) {
  for (size_t i = 0; i < n; ++i)
    if (x[i] != x[i]) return Status::Error(StatusCode::kNaN, i);
  for (size_t i = 0; i < n; ++i) out[i] = float(f(double(x[i])));
  return Status::Ok();
}
}  // namespace

Status softplus(const float* x, float* out, size_t n) {
  return map(x, out, n, [](double z) { return softplus64(z); });
}
Status log_sigmoid(const float* x, float* out, size_t n) {
  return map(x, out, n, [](double z) { return -softplus64(-z); });
}
Status log1m_sigmoid(const float* x, float* out, size_t n) {
  return map(x, out, n, [](double z) { return -softplus64(z); });
}

Status multi_label(const float* x, size_t rows, size_t cols, const double* thresholds, size_t n_thresholds,
                   float* prob, uint8_t* decision) {
  if (n_thresholds != 1 && n_thresholds != cols) return Status::Error(StatusCode::kBadShape);
  for (size_t c = 0; c < n_thresholds; ++c)
    if (!(thresholds[c] >= 0.0 && thresholds[c] <= 1.0)) return Status::Error(StatusCode::kBadProbability, c);
  const size_t n = rows * cols;
  std::vector<float> own;
  if (!prob) {
    own.resize(n);
    prob = own.data();
  }
  Status s = sigmoid(x, prob, n);
  if (!s.ok()) return s;
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      const double t = thresholds[n_thresholds == 1 ? 0 : c];
      decision[r * cols + c] = double(prob[r * cols + c]) >= t;
    }
  return Status::Ok();
}

}  // namespace lk
