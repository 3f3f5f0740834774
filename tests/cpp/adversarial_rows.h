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

// The sweep: 2^20 values of c/T in [-6, 0), and the signed relative error
// (computed - float64) of exp(c/T) as the active backend's row kernel computes it.
struct ExpSweep {
  std::vector<float> c;
  std::vector<double> ref, rel;  // float64 exp(c/T); (computed - ref) / ref
};

inline ExpSweep exp_sweep(double t) {
  const size_t m = size_t(1) << 20;
  ExpSweep s;
  s.c.resize(m);
  s.ref.resize(m);
  s.rel.resize(m);
  std::vector<float> e(m);
  for (size_t j = 0; j < m; ++j) s.c[j] = float(t * (-6.0 * (double(j) + 0.5) / double(m)));
  lk::active_kernels().shifted_exp(s.c.data(), m, lk::make_shifted_exp(0.0f, t), e.data(), false);
  for (size_t j = 0; j < m; ++j) {
    s.ref[j] = std::exp(double(s.c[j]) / t);
    s.rel[j] = double(e[j]) / s.ref[j] - 1;
  }
  return s;
}

// The `count` values c of the sweep whose exp is furthest from float64 in a
// row of `cols` (its relative error times the c entries' share of the mass),
// worst first; ties to the lower index. With `sign`, their signed errors.
inline std::vector<float> worst_exp_candidates(const ExpSweep& s, size_t cols, size_t count,
                                               std::vector<double>* sign = nullptr) {
  const size_t m = s.c.size();
  std::vector<double> score(m);
  for (size_t j = 0; j < m; ++j) {
    const double w = double(cols - 1) * s.ref[j];
    score[j] = std::fabs(s.rel[j]) * (w / (w + 1));
  }
  std::vector<size_t> idx(m);
  std::iota(idx.begin(), idx.end(), size_t(0));
  std::partial_sort(idx.begin(), idx.begin() + long(count), idx.end(),
                    [&](size_t a, size_t b) { return score[a] > score[b] || (score[a] == score[b] && a < b); });
  std::vector<float> worst(count);
  for (size_t j = 0; j < count; ++j) worst[j] = s.c[idx[j]];
  if (sign) {
    sign->resize(count);
    for (size_t j = 0; j < count; ++j) (*sign)[j] = s.rel[idx[j]];
  }
  return worst;
}

inline std::vector<float> worst_exp_candidates(double t, size_t cols, size_t count) {
  return worst_exp_candidates(exp_sweep(t), cols, count);
}

}  // namespace lk_test
