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

// Rows of `cols` entries equal to c with one outlier o, which row r (from 0)
// holds at position (r + 1)·7 % cols.
struct OutlierRows {
  size_t cols;
  std::vector<std::vector<float>> rows;
  void add(float c, float o) {
    rows.emplace_back(cols, c);
    rows.back()[(rows.size() * 7) % cols] = o;
  }
  // The shared worst-case set at temperature t, in this order: each of
  // `worst` below an outlier 0; then 256 times c above the outlier, a near-tie
  // and an offset row (1e4 or -3e6); then ±1e30 beside its neighbour toward 0.
  void add_standard(const std::vector<float>& worst, double t) {
    for (float c : worst) add(c, 0.0f);
    for (size_t k = 0; k < 256; ++k) {
      add(float(t * 6.0 * (double(k) + 0.5) / 256), 0.0f);  // above the outlier
      add(float(-double(k + 1) * 0x1p-20 * t), 0.0f);        // near-ties
      const double off = k % 2 ? 1e4 : -3e6;
      add(float(off + t * (-6.0 * (double(k) + 0.5) / 256)), float(off));
    }
    for (float big : {1e30f, -1e30f}) add(big, std::nextafter(big, 0.0f));
  }
};

}  // namespace lk_test
