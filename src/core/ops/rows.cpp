#include "ops/rows.h"

#include <cmath>
#include <cstring>

#include "kernels/kernels.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
constexpr float kInf = __builtin_inff();

// Count of entries equal to v (for the +inf and T -> 0 limits).
size_t count_equal(const float* x, size_t n, float v) {
  size_t c = 0;
  for (size_t i = 0; i < n; ++i) c += x[i] == v;
  return c;
}

// out_i = (x_i == v) ? hit : miss, for the limit cases.
void fill_limit(const float* x, float* out, size_t n, float v, float hit, float miss) {
  for (size_t i = 0; i < n; ++i) out[i] = x[i] == v ? hit : miss;
}

template <class Fn>
Status for_rows(const float* x, size_t rows, size_t cols, double t, Fn fn) {
  Status s = check_temperature(t);
  if (!s.ok()) return s;
  const Kernels& k = active_kernels();
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    MaxScan scan = k.scan_max(row, cols);
    if (scan.nan_index != SIZE_MAX) return Status::Error(StatusCode::kNaN, r * cols + scan.nan_index);
    fn(r, row, scan.max, k);
  }
  return Status::Ok();
}
}  // namespace

bool is_greedy_temperature(double t) { return t < 0x1p-64; }

Status check_temperature(double t) {
  if (!(t >= 0) || t == HUGE_VAL) return Status::Error(StatusCode::kBadTemperature);
  return Status::Ok();
}

Status softmax(const float* x, float* out, size_t rows, size_t cols, double t) {
  const bool greedy = is_greedy_temperature(t);
  return for_rows(x, rows, cols, t, [&](size_t r, const float* row, float m, const Kernels& k) {
    float* o = out + r * cols;
    if (m == -kInf) {
      if (cols) std::memset(o, 0, cols * sizeof(float));  // o may be null for an empty row
    } else if (m == kInf || greedy) {
      fill_limit(row, o, cols, m, float(1.0 / double(count_equal(row, cols, m))), 0.0f);
    } else {
      ExpSums s = k.shifted_exp(row, cols, make_shifted_exp(m, t), o, false);
      k.scale(o, cols, float(1.0 / s.sum));
    }
  });
}

Status row_norm(const float* x, size_t cols, double t, RowNorm* norm) {
  Status st = check_temperature(t);
  if (!st.ok()) return st;
  const Kernels& k = active_kernels();
  MaxScan scan = k.scan_max(x, cols);
  if (scan.nan_index != SIZE_MAX) return Status::Error(StatusCode::kNaN, scan.nan_index);
  norm->max = scan.max;
  norm->log_sum = 0;
  norm->inf_count = 0;
  if (scan.max == kInf || is_greedy_temperature(t)) {
    norm->inf_count = count_equal(x, cols, scan.max);
    norm->log_sum = dlog(double(norm->inf_count));
  } else if (scan.max != -kInf) {
    norm->log_sum = dlog(k.shifted_exp(x, cols, make_shifted_exp(scan.max, t), nullptr, false).sum);
  }
  return Status::Ok();
}

Status log_softmax(const float* x, float* out, size_t rows, size_t cols, double t) {
  const bool greedy = is_greedy_temperature(t);
  return for_rows(x, rows, cols, t, [&](size_t r, const float* row, float m, const Kernels& k) {
    float* o = out + r * cols;
    if (m == -kInf) {
      for (size_t i = 0; i < cols; ++i) o[i] = -kInf;
    } else if (m == kInf || greedy) {
      fill_limit(row, o, cols, m, float(-dlog(double(count_equal(row, cols, m)))), -kInf);
    } else {
      double log_sum = dlog(k.shifted_exp(row, cols, make_shifted_exp(m, t), nullptr, false).sum);
      k.shift_scale_sub(row, cols, double(m), 1.0 / t, log_sum, o);
    }
  });
}

Status logsumexp(const float* x, float* out, size_t rows, size_t cols, double t) {
  if (is_greedy_temperature(t) && check_temperature(t).ok())
    return Status::Error(StatusCode::kBadTemperature);
  return for_rows(x, rows, cols, t, [&](size_t r, const float* row, float m, const Kernels& k) {
    if (m == -kInf || m == kInf) {
      out[r] = m;
    } else {
      double log_sum = dlog(k.shifted_exp(row, cols, make_shifted_exp(m, t), nullptr, false).sum);
      out[r] = float(double(m) / t + log_sum);
    }
  });
}

Status entropy(const float* x, float* out, size_t rows, size_t cols, double t) {
  const bool greedy = is_greedy_temperature(t);
  return for_rows(x, rows, cols, t, [&](size_t r, const float* row, float m, const Kernels& k) {
    if (m == -kInf) {
      out[r] = 0.0f;
    } else if (m == kInf || greedy) {
      out[r] = float(dlog(double(count_equal(row, cols, m))));
    } else {
      // H = log S - Σ e_i y_i / S with y = (x - m)/T, e = exp(y), S = Σ e.
      ExpSums s = k.shifted_exp(row, cols, make_shifted_exp(m, t), nullptr, true);
      double h = dlog(s.sum) - s.sum_ey / s.sum;
      out[r] = float(h > 0 ? h : 0.0);
    }
  });
}

Status argmax(const float* x, int32_t* out, size_t rows, size_t cols) {
  if (cols == 0 && rows > 0) return Status::Error(StatusCode::kEmpty);
  if (cols > (size_t(1) << 31) - 1) return Status::Error(StatusCode::kBadShape);
  const Kernels& k = active_kernels();
  // The kernel carries indices in float lanes, exact below 2^24: chunk.
  constexpr size_t kChunk = size_t(1) << 24;
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    size_t best = 0;
    float best_v = 0;
    for (size_t base = 0; base < cols; base += kChunk) {
      size_t n = cols - base < kChunk ? cols - base : kChunk;
      Argmax a = k.argmax(row + base, n);
      if (a.nan_index != SIZE_MAX) return Status::Error(StatusCode::kNaN, r * cols + base + a.nan_index);
      if (base == 0 || a.value > best_v) { best = base + a.index; best_v = a.value; }
    }
    out[r] = int32_t(best);
  }
  return Status::Ok();
}

}  // namespace lk
