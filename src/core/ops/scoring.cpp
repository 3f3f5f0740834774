#include "ops/scoring.h"

#include <vector>

#include "kernels/kernels.h"
#include "ops/rows.h"
#include "ops/scalar_math.h"
#include "ops/topk.h"

namespace lk {
namespace {
constexpr float kInf = __builtin_inff();

// How log p of a logit v is formed in one row: the row's maximum, its
// float64 log-normaliser, and the limit case where the maxima share the mass.
struct RowLogProb {
  double max;
  double inv_t;
  double log_sum;
  size_t tied;  // > 0: T -> 0 or a +inf maximum, `tied` entries equal the maximum
  bool empty;   // all -inf

  double of(float v) const {
    if (empty || v == -kInf) return -double(kInf);
    if (tied) return double(v) == max ? -dlog(double(tied)) : -double(kInf);
    return (double(v) - max) * inv_t - log_sum;
  }
};

size_t count_equal(const float* x, size_t n, float v) {
  size_t c = 0;
  for (size_t i = 0; i < n; ++i) c += x[i] == v;
  return c;
}

// Position of v in the row's order (descending value, ties by lower index).
int32_t rank_of(const float* x, size_t n, size_t t) {
  const float v = x[t];
  size_t above = 0;
  for (size_t i = 0; i < n; ++i) above += x[i] > v;
  for (size_t i = 0; i < t; ++i) above += x[i] == v;
  return int32_t(above + 1);
}
}  // namespace

Status score_tokens(const float* x, size_t rows, size_t cols, const int32_t* tokens, double t, size_t top_n,
                    double* logprob, int32_t* rank, double* entropy, int32_t* top_index, double* top_logprob,
                    ScoreTotals* totals) {
  Status st = check_temperature(t);
  if (!st.ok()) return st;
  *totals = ScoreTotals();
  if (rows == 0) return Status::Ok();
  if (cols == 0) return Status::Error(StatusCode::kEmpty);
  if (top_n > cols || cols > size_t(INT32_MAX)) return Status::Error(StatusCode::kBadArgument);
  for (size_t r = 0; r < rows; ++r) {
    if (tokens[r] < 0 || size_t(tokens[r]) >= cols) return Status::Error(StatusCode::kBadToken, r);
  }
  const Kernels& k = active_kernels();
  const bool greedy = is_greedy_temperature(t);
  // The top_n selection of every row first: it also reports the first NaN.
  std::vector<float> top_value;
  if (top_n > 0) {
    top_value.resize(rows * top_n);
    st = top_k(x, rows, cols, top_n, t, top_index, top_value.data(), nullptr);
    if (!st.ok()) return st;
  }
  double sum = 0;
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    MaxScan scan = k.scan_max(row, cols);
    if (scan.nan_index != SIZE_MAX) return Status::Error(StatusCode::kNaN, r * cols + scan.nan_index);
    RowLogProb lp{double(scan.max), 1.0 / t, 0.0, 0, scan.max == -kInf};
    double h = 0;
    if (lp.empty) {
      // nothing left: every log p is -inf, the entropy 0
    } else if (scan.max == kInf || greedy) {
      lp.tied = count_equal(row, cols, scan.max);
      h = dlog(double(lp.tied));
    } else {
      ExpSums s = k.shifted_exp(row, cols, make_shifted_exp(scan.max, t), nullptr, entropy != nullptr);
      lp.log_sum = dlog(s.sum);
      if (entropy) {
        h = lp.log_sum - s.sum_ey / s.sum;
        if (!(h > 0)) h = 0;
      }
    }
    const size_t tok = size_t(tokens[r]);
    logprob[r] = lp.of(row[tok]);
    rank[r] = rank_of(row, cols, tok);
    if (entropy) entropy[r] = h;
    for (size_t j = 0; j < top_n; ++j) top_logprob[r * top_n + j] = lp.of(top_value[r * top_n + j]);
    sum += logprob[r];
  }
  totals->sum = sum;
  totals->perplexity = dexp(-sum / double(rows));
  return Status::Ok();
}

}  // namespace lk
