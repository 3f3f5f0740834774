#include "calibration/isotonic_regression.h"

#include <algorithm>
#include <vector>

#include "calibration/histogram_binning.h"

namespace lk {

size_t isotonic_fit(const double* x, const double* y, size_t n, double* bx, double* by) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b] || (x[a] == x[b] && a < b); });
  // Distinct x with the mean of their y (weight = count).
  std::vector<double> ux, uy, uw;
  for (size_t r = 0; r < n; ++r) {
    const size_t i = order[r];
    if (!ux.empty() && ux.back() == x[i]) {
      uy.back() += y[i];
      uw.back() += 1;
    } else {
      ux.push_back(x[i]);
      uy.push_back(y[i]);
      uw.push_back(1);
    }
  }
  for (size_t j = 0; j < ux.size(); ++j) uy[j] /= uw[j];
  // PAV: blocks of (weighted mean, weight, first distinct x, last distinct x).
  struct Block { double v, w; size_t first, last; };
  std::vector<Block> blocks;
  for (size_t j = 0; j < ux.size(); ++j) {
    blocks.push_back({uy[j], uw[j], j, j});
    while (blocks.size() > 1 && blocks[blocks.size() - 2].v >= blocks.back().v) {
      Block top = blocks.back();
      blocks.pop_back();
      Block& prev = blocks.back();
      const double w = prev.w + top.w;
      prev.v = (prev.v * prev.w + top.v * top.w) / w;
      prev.w = w;
      prev.last = top.last;
    }
  }
  size_t m = 0;
  for (const Block& b : blocks) {
    bx[m] = ux[b.first];
    by[m++] = b.v;
    if (b.last != b.first) {
      bx[m] = ux[b.last];
      by[m++] = b.v;
    }
  }
  return m;
}

double isotonic_eval(const double* bx, const double* by, size_t m, double v) {
  if (v <= bx[0]) return by[0];
  if (v >= bx[m - 1]) return by[m - 1];
  // First breakpoint above v (binary search), then interpolate as np.interp.
  size_t lo = 0, hi = m - 1;
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (bx[mid] <= v) lo = mid; else hi = mid;
  }
  const double slope = (by[hi] - by[lo]) / (bx[hi] - bx[lo]);
  return slope * (v - bx[lo]) + by[lo];
}

Status fit_isotonic_calibration(const float* x, const int32_t* labels, size_t n, size_t classes, ScoreKind kind,
                                double* bx, double* by, uint32_t* counts) {
  Status st = check_scores(x, labels, n, classes, kind);
  if (!st.ok()) return st;
  const size_t k = class_count(classes);
  std::vector<double> p(n * k), col(n), target(n);
  for (size_t i = 0; i < n; ++i) row_probabilities(x + i * classes, classes, kind, 1.0, p.data() + i * k);
  for (size_t c = 0; c < classes; ++c) {
    const size_t cls = classes == 1 ? 1 : c;
    for (size_t i = 0; i < n; ++i) {
      col[i] = p[i * k + cls];
      target[i] = labels[i] == int32_t(cls) ? 1.0 : 0.0;
    }
    counts[c] = uint32_t(isotonic_fit(col.data(), target.data(), n, bx + c * n, by + c * n));
  }
  return Status::Ok();
}

Status apply_isotonic_calibration(const float* x, size_t n, size_t classes, ScoreKind kind, const double* bx,
                                  const double* by, const uint32_t* offsets, float* out) {
  for (size_t c = 0; c < classes; ++c) {
    if (offsets[c + 1] <= offsets[c]) return Status::Error(StatusCode::kBadArgument, c);
    for (size_t j = offsets[c] + 1; j < offsets[c + 1]; ++j) {
      if (!(bx[j] > bx[j - 1])) return Status::Error(StatusCode::kBadArgument, c);
    }
  }
  if (n == 0) return Status::Ok();
  Status st = check_scores(x, nullptr, n, classes, kind);
  if (!st.ok()) return st;
  std::vector<double> p(class_count(classes)), q(classes);
  for (size_t i = 0; i < n; ++i) {
    row_probabilities(x + i * classes, classes, kind, 1.0, p.data());
    for (size_t c = 0; c < classes; ++c) {
      const size_t m = offsets[c + 1] - offsets[c];
      q[c] = isotonic_eval(bx + offsets[c], by + offsets[c], m, p[classes == 1 ? 1 : c]);
    }
    write_one_vs_rest(q.data(), classes, out + i * classes);
  }
  return Status::Ok();
}

}  // namespace lk
