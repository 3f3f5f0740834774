// The worst rows for the row operations' float64 sums of float32 exps: in a
// row of cols - 1 entries equal to c and one outlier 0 above them, every c
// entry's exp has the same rounding error, so log Σ exp carries nearly the
// whole relative error of one float32 exp. This finds the c values where that
// error is largest, by a sweep of the row kernel itself, before any row is made.
#pragma once
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "kernels/kernels.h"

namespace lk_test {

// The `count` values c of a sweep of 2^20 values of c/T in [-6, 0) whose
// float32 exp(c/T), as the active backend's row kernel computes it, is
// furthest from float64 in a row of `cols` (its relative error times the c
// entries' share of the mass), worst first; ties to the lower c/T index.
inline std::vector<float> worst_exp_candidates(double t, size_t cols, size_t count) {
  const size_t m = size_t(1) << 20;
  std::vector<float> c(m), e(m);
  for (size_t j = 0; j < m; ++j) c[j] = float(t * (-6.0 * (double(j) + 0.5) / double(m)));
  lk::active_kernels().shifted_exp(c.data(), m, lk::make_shifted_exp(0.0f, t), e.data(), false);
  std::vector<double> score(m);
  for (size_t j = 0; j < m; ++j) {
    const double ref = std::exp(double(c[j]) / t), w = double(cols - 1) * ref;
    score[j] = std::fabs(double(e[j]) - ref) / ref * (w / (w + 1));
  }
  std::vector<size_t> idx(m);
  std::iota(idx.begin(), idx.end(), size_t(0));
  std::partial_sort(idx.begin(), idx.begin() + long(count), idx.end(),
                    [&](size_t a, size_t b) { return score[a] > score[b] || (score[a] == score[b] && a < b); });
  std::vector<float> worst(count);
  for (size_t j = 0; j < count; ++j) worst[j] = c[idx[j]];
  return worst;
}

}  // namespace lk_test
