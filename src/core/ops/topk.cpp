#include "ops/topk.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "ops/rows.h"
#include "ops/scalar_math.h"
#include "ops/select.h"

namespace lk {
namespace {
constexpr float kInf = __builtin_inff();
}  // namespace

Status top_k(const float* x, size_t rows, size_t cols, size_t k, double t, int32_t* index, float* value,
             float* prob) {
  Status st = check_temperature(t);
  if (!st.ok()) return st;
  if (rows == 0) return Status::Ok();
  if (cols == 0) return Status::Error(StatusCode::kEmpty);
  if (k < 1 || k > cols || cols > size_t(INT32_MAX)) return Status::Error(StatusCode::kBadArgument);
  // The sampler's own exact selection (ops/select.h), then the k in rank order.
  // Scratch for a whole row, left uninitialised: most calls touch a few entries.
  const std::unique_ptr<uint32_t[]> pos(new uint32_t[cols + 4]), keys(new uint32_t[cols]);
  std::vector<float> sample;
  const std::unique_ptr<PrefixSelector> selector(new PrefixSelector());  // 24 KB: not on the wasm stack
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    size_t bad = SIZE_MAX;
    top_k_positions(row, cols, k, pos.get(), keys.get(), sample, *selector, &bad);
    if (bad != SIZE_MAX) return Status::Error(StatusCode::kNaN, r * cols + bad);
    std::sort(pos.get(), pos.get() + k, [row](uint32_t a, uint32_t b) {
      return row[a] > row[b] || (row[a] == row[b] && a < b);
    });
    for (size_t j = 0; j < k; ++j) {
      index[r * k + j] = int32_t(pos[j]);
      value[r * k + j] = row[pos[j]];
    }
    if (!prob) continue;
    RowNorm norm;
    row_norm(row, cols, t, &norm);  // NaN already excluded
    for (size_t j = 0; j < k; ++j) {
      const float v = row[pos[j]];
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
