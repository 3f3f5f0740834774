#include "classify/diagnostics.h"

#include <algorithm>
#include <cmath>

#include "kernels/kernels.h"
#include "ops/rows.h"

namespace lk {
namespace {
constexpr float kInf = __builtin_inff();

InputKind kind_of(const float* row, size_t cols, const RowStats& s) {
  if (cols == 1) return InputKind::kSingleColumn;
  if (s.nonfinite == 0 && s.min_finite >= 0.0f && s.max_finite <= 1.0f &&
      std::fabs(s.sum - 1.0) <= kKindTolerance)
    return InputKind::kProbabilities;
  if (s.max <= 0.0f && s.max > -kInf) {
    RowNorm norm;
    row_norm(row, cols, 1.0, &norm);
    double lse = double(norm.max) + norm.log_sum;
    if (std::fabs(lse) <= kKindTolerance) return InputKind::kLogProbabilities;
  }
  return InputKind::kLogits;
}

float margin_of(size_t cols, const RowStats& s) {
  if (s.max == -kInf) return 0.0f;          // nothing left
  if (cols == 1 || s.second == -kInf) return kInf;
  if (s.max == s.second) return 0.0f;       // a tie, including two +inf
  return s.max - s.second;
}
}  // namespace

Status input_kind(const float* row, size_t cols, InputKind* kind) {
  RowStats s = active_kernels().row_stats(row, cols);
  if (s.nan_index != SIZE_MAX) return Status::Error(StatusCode::kNaN, s.nan_index);
  *kind = cols == 0 ? InputKind::kLogits : kind_of(row, cols, s);
  return Status::Ok();
}

Status diagnose(const float* x, size_t rows, size_t cols, int32_t* top, float* margin, float* entropy,
                int32_t* kind, LogitSummary* summary) {
  if (rows > 0 && cols == 0) return Status::Error(StatusCode::kEmpty);
  const Kernels& ck = active_kernels();
  const Kernels& k = active_kernels();
  double count = 0, mean = 0, m2 = 0, nonfinite = 0;
  float lo = kInf, hi = -kInf;
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    RowStats s = ck.row_stats(row, cols);
    if (s.nan_index != SIZE_MAX) return Status::Error(StatusCode::kNaN, r * cols + s.nan_index);
    if (top) top[r] = int32_t(k.argmax(row, cols).index);
    if (margin) margin[r] = margin_of(cols, s);
    if (entropy) lk::entropy(row, entropy + r, 1, cols, 1.0);
    if (kind) kind[r] = int32_t(kind_of(row, cols, s));
    // Chan et al.: merge this row's (count, mean, M2) into the running totals.
    const double n_r = double(cols - s.nonfinite);
    nonfinite += double(s.nonfinite);
    if (n_r == 0) continue;
    const double mean_r = s.sum / n_r;
    const double m2_r = std::max(0.0, s.sum_sq - s.sum * mean_r);
    const double total = count + n_r, delta = mean_r - mean;
    mean += delta * (n_r / total);
    m2 += m2_r + delta * delta * (count * n_r / total);
    count = total;
    lo = std::min(lo, s.min_finite);
    hi = std::max(hi, s.max_finite);
  }
  if (summary) *summary = {count, nonfinite, mean, count > 0 ? std::sqrt(m2 / count) : 0.0, double(lo), double(hi)};
  return Status::Ok();
}

}  // namespace lk
