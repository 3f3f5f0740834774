#include "ops/topk.h"

#include <algorithm>
#include <vector>

#include "kernels/kernels.h"
#include "ops/rows.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
constexpr float kInf = __builtin_inff();

struct Candidate {
  float value;
  int32_t index;
};
// A strict total order: larger value first, then lower index.
bool better(const Candidate& a, const Candidate& b) {
  return a.value > b.value || (a.value == b.value && a.index < b.index);
}

// Selects the k best of one row into buf[0..k), sorted. Returns the row
// offset of a NaN, or SIZE_MAX.
size_t select_row(const float* row, size_t cols, size_t k, const Kernels& ck, std::vector<Candidate>& buf) {
  const size_t cap = buf.size();
  size_t n = 0, i = 0;
  // Until the buffer first fills there is no threshold: everything is a candidate.
  for (; i < cols && n < cap; ++i) {
    if (row[i] != row[i]) return i;
    buf[n++] = {row[i], int32_t(i)};
  }
  // From here on the buffer has filled once, so the k-th best so far is a threshold.
  float thr = -kInf;
  while (true) {
    if (n == cap || (i >= cols && n > k)) {
      std::nth_element(buf.begin(), buf.begin() + (k - 1), buf.begin() + n, better);
      n = k;
      thr = buf[k - 1].value;
    }
    if (i >= cols) break;
    // Later entries have higher indices, so an equal value never beats the k-th.
    i = ck.next_above(row, i, cols, thr);
    if (i >= cols) continue;
    if (row[i] != row[i]) return i;
    buf[n++] = {row[i], int32_t(i)};
    ++i;
  }
  std::sort(buf.begin(), buf.begin() + k, better);
  return SIZE_MAX;
}
}  // namespace

Status top_k(const float* x, size_t rows, size_t cols, size_t k, double t, int32_t* index, float* value,
             float* prob) {
  Status st = check_temperature(t);
  if (!st.ok()) return st;
  if (rows == 0) return Status::Ok();
  if (cols == 0) return Status::Error(StatusCode::kEmpty);
  if (k < 1 || k > cols || cols > size_t(INT32_MAX)) return Status::Error(StatusCode::kBadArgument);
  const Kernels& ck = active_kernels();
  std::vector<Candidate> buf(std::min(cols, 2 * k + 64));
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    size_t bad = select_row(row, cols, k, ck, buf);
    if (bad != SIZE_MAX) return Status::Error(StatusCode::kNaN, r * cols + bad);
    for (size_t j = 0; j < k; ++j) {
      index[r * k + j] = buf[j].index;
      value[r * k + j] = buf[j].value;
    }
    if (!prob) continue;
    RowNorm norm;
    row_norm(row, cols, t, &norm);  // NaN already excluded
    for (size_t j = 0; j < k; ++j) {
      const float v = buf[j].value;
      double p;
      if (norm.max == -kInf || v == -kInf) {
        p = 0.0;
      } else if (norm.inf_count > 0) {  // +inf maximum or T -> 0: the maxima share the mass
        p = v == norm.max ? 1.0 / double(norm.inf_count) : 0.0;
      } else {
        p = dexp((double(v) - double(norm.max)) / t - norm.log_sum);
      }
      prob[r * k + j] = float(p);
    }
  }
  return Status::Ok();
}

}  // namespace lk
