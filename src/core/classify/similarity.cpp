#include "classify/similarity.h"

#include <cmath>
#include <vector>

#include "kernels/kernels.h"

namespace lk {
namespace {
// The first NaN (preferred) or ±inf in v[0..n), as a Status with base + offset.
Status trace_nonfinite(const float* v, size_t n, size_t base) {
  size_t inf_at = SIZE_MAX;
  for (size_t i = 0; i < n; ++i) {
    if (v[i] != v[i]) return Status::Error(StatusCode::kNaN, base + i);
    if (inf_at == SIZE_MAX && v[i] - v[i] != 0.0f) inf_at = i;
  }
  if (inf_at != SIZE_MAX) return Status::Error(StatusCode::kBadArgument, base + inf_at);
  return Status::Ok();
}

// Σ a_i·b_i in float64, in index order: exact products of float32 values,
// finite for any finite float32 inputs (|a_i·b_i| < 2^256, dim < 2^28).
double dot64(const float* a, const float* b, size_t dim) {
  double s = 0;
  for (size_t i = 0; i < dim; ++i) s += double(a[i]) * double(b[i]);
  return s;
}

bool finite(float v) { return v - v == 0.0f; }
// A squared norm whose float32 sum kept its relative accuracy: finite and >= 2^-100.
bool normal(float sq) { return sq >= 0x1p-100f && finite(sq); }
}  // namespace

Status similarity(const float* queries, size_t nq, const float* docs, size_t n, size_t dim, Metric metric,
                  double scale, float* out) {
  if (!(scale - scale == 0.0)) return Status::Error(StatusCode::kBadArgument);
  if (metric != Metric::kDot && metric != Metric::kCosine) return Status::Error(StatusCode::kBadArgument);
  if (dim == 0) return Status::Error(StatusCode::kEmpty);
  const Kernels& ck = active_kernels();
  const bool cosine = metric == Metric::kCosine;
  std::vector<float> sq(cosine ? n : 0);
  bool have_sq = false;
  for (size_t qi = 0; qi < nq; ++qi) {
    const float* q = queries + qi * dim;
    Status s = trace_nonfinite(q, dim, qi * dim);
    if (!s.ok()) return s;
    float* o = out + qi * n;
    // Document norms once per call, fused into the first query's pass.
    ck.dot_rows(q, docs, n, dim, o, cosine && !have_sq ? sq.data() : nullptr);
    have_sq = true;
    double qn = 0;
    float qq = 0;
    if (cosine) {
      ck.dot_rows(q, q, 1, dim, &qq, nullptr);
      qn = std::sqrt(double(qq));  // IEEE sqrt: correctly rounded on every target
    }
    for (size_t j = 0; j < n; ++j) {
      const float* d = docs + j * dim;
      double v = double(o[j]);
      if (!finite(o[j])) {
        s = trace_nonfinite(d, dim, nq * dim + j * dim);
        if (!s.ok()) return s;
      }
      if (!finite(o[j]) || (cosine && !(normal(qq) && normal(sq[j])))) {
        // Finite inputs whose float32 sums overflow (inf, or inf - inf = NaN,
        // or an infinite norm that would make the cosine 0), or a squared
        // norm below 2^-100, where float32 squares that fall below 2^-126
        // lose their relative accuracy: this entry in float64, where neither
        // happens; the result rounds to ±inf only when the true value is
        // beyond float32.
        v = dot64(q, d, dim);
        if (cosine) {
          double den = std::sqrt(dot64(q, q, dim)) * std::sqrt(dot64(d, d, dim));
          v = v / (den > 1e-8 ? den : 1e-8);
        }
      } else if (cosine) {
        double den = qn * std::sqrt(double(sq[j]));
        v = v / (den > 1e-8 ? den : 1e-8);
      }
      o[j] = float(v * scale);
    }
  }
  return Status::Ok();
}

}  // namespace lk
