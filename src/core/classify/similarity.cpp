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
    if (cosine) {
      float qq;
      ck.dot_rows(q, q, 1, dim, &qq, nullptr);
      qn = std::sqrt(double(qq));  // IEEE sqrt: correctly rounded on every target
    }
    for (size_t j = 0; j < n; ++j) {
      double v = double(o[j]);
      if (v - v != 0.0) {
        s = trace_nonfinite(docs + j * dim, dim, nq * dim + j * dim);
        if (!s.ok()) return s;
        // Finite inputs whose products overflow: an infinite logit, kept.
      }
      if (cosine) {
        double den = qn * std::sqrt(double(sq[j]));
        v = v / (den > 1e-8 ? den : 1e-8);
      }
      o[j] = float(v * scale);
    }
  }
  return Status::Ok();
}

}  // namespace lk
