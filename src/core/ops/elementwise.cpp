#include "ops/elementwise.h"

#include "kernels/kernels.h"
#include "ops/scalar_math.h"

namespace lk {

Status sigmoid(const float* x, float* out, size_t n) {
  size_t bad = active_kernels().sigmoid(x, n, out);
  if (bad != SIZE_MAX) return Status::Error(StatusCode::kNaN, bad);
  return Status::Ok();
}

Status logit(const float* p, float* out, size_t n, double eps) {
  if (eps == eps && eps > 0.5) return Status::Error(StatusCode::kBadArgument);
  if (eps != eps) return Status::Error(StatusCode::kBadArgument);
  // Validate first so that a failed call leaves out untouched (it may alias p).
  for (size_t i = 0; i < n; ++i) {
    float v = p[i];
    if (v != v) return Status::Error(StatusCode::kNaN, i);
    if (!(v >= 0.0f && v <= 1.0f)) return Status::Error(StatusCode::kBadProbability, i);
  }
  const float lo = eps >= 0 ? float(eps) : 0.0f;
  const float hi = eps >= 0 ? 1.0f - float(eps) : 1.0f;
  for (size_t i = 0; i < n; ++i) {
    float v = p[i] < lo ? lo : (p[i] > hi ? hi : p[i]);
    double q = double(v);
    // 1 - q is exact in float64; one rounding in the division.
    out[i] = float(dlog(q / (1.0 - q)));
  }
  return Status::Ok();
}

void exp(const float* x, float* out, size_t n) { active_kernels().exp(x, n, out); }
void log(const float* x, float* out, size_t n) { active_kernels().log(x, n, out); }

}  // namespace lk
