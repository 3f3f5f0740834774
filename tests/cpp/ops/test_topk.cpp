// top_k against a stable descending sort and float64 softmax references.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "adversarial_rows.h"
#include "classify_helpers.h"
#include "backend_scope.h"
#include "kernels/kernels.h"
#include "ops/topk.h"
#include "ulp.h"

using namespace lk_test;

namespace {
// The reference: indices stably sorted by descending value, probabilities in float64.
void reference(const std::vector<float>& row, size_t k, double t, std::vector<int32_t>& idx, std::vector<double>& p) {
  std::vector<int32_t> order(row.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return row[a] > row[b]; });
  idx.assign(order.begin(), order.begin() + k);
  double m = -INFINITY;
  for (float v : row) m = std::max(m, double(v));
  double s = 0;
  for (float v : row) s += std::exp((double(v) - m) / t);
  p.clear();
  for (int32_t i : idx) p.push_back(std::exp((double(row[i]) - m) / t - std::log(s)));
}
}  // namespace

TEST_CASE("top_k: the seed example cat/dog/bird") {
  const float x[3] = {4.5f, -1.2f, 0.8f};
  int32_t idx[3];
  float val[3], p[3];
  REQUIRE(lk::top_k(x, 1, 3, 3, 1.0, idx, val, p).ok());
  CHECK(idx[0] == 0);
  CHECK(idx[1] == 2);
  CHECK(idx[2] == 1);
  // float64: softmax = [0.9726969, 0.0032546, 0.0240485]; CE("cat") = -log p0 = 0.0276828.
  // (The 0.9730 / 0.0030 / 0.0274 are rounded wrongly.) Relative tolerances.
  CHECK(p[0] == doctest::Approx(0.97269689).epsilon(1e-7));
  CHECK(p[1] == doctest::Approx(0.02404850).epsilon(1e-6));
  CHECK(p[2] == doctest::Approx(0.00325461).epsilon(1e-6));
  CHECK(-std::log(double(p[0])) == doctest::Approx(0.02768276).epsilon(1e-5));
}

TEST_CASE("top_k: same set and order as a stable sort; probabilities within 1 ULP (both backends)") {
  Rng g{7};
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    double worst = 0;
    for (int c = 0; c < 80; ++c) {
      size_t cols = 1 + size_t(g.uniform() * (c % 4 == 0 ? 22000 : 1500));
      size_t rows = 1 + size_t(g.uniform() * 3);
      size_t k = 1 + size_t(g.uniform() * std::min<size_t>(cols, c % 5 == 0 ? 300 : 20));
      double t = c % 3 == 0 ? 1.0 : 0.3 + g.uniform() * 2;
      std::vector<float> x = g.normals(rows * cols, 3);
      // Ties and masks: quantise some rows, mask some entries, make ascending rows.
      if (c % 4 == 1) for (auto& v : x) v = std::round(v);
      if (c % 6 == 2) for (size_t i = 0; i < x.size(); i += 3) x[i] = -INFINITY;
      if (c % 7 == 3) std::sort(x.begin(), x.end());
      std::vector<int32_t> idx(rows * k);
      std::vector<float> val(rows * k), p(rows * k);
      REQUIRE(lk::top_k(x.data(), rows, cols, k, t, idx.data(), val.data(), p.data()).ok());
      for (size_t r = 0; r < rows; ++r) {
        std::vector<float> row(x.begin() + r * cols, x.begin() + (r + 1) * cols);
        std::vector<int32_t> ref_idx;
        std::vector<double> ref_p;
        reference(row, k, t, ref_idx, ref_p);
        for (size_t j = 0; j < k; ++j) {
          REQUIRE(idx[r * k + j] == ref_idx[j]);
          CHECK(val[r * k + j] == row[ref_idx[j]]);
          if (ref_p[j] >= 0x1p-126) worst = std::max(worst, ulp_error(p[r * k + j], ref_p[j]));
          else CHECK(p[r * k + j] <= 0x1p-126);
        }
      }
    }
    MESSAGE("top_k probabilities, backend " << int(b) << ": worst " << worst << " ULP");
    CHECK(worst <= 1.0);
  }
}

// The worst rows for the probabilities: cols - 1 entries equal to c and one
// outlier 0, every c entry's exp rounding the same way (adversarial_rows.h
// finds the worst c), so log Σ exp carries the whole error of one float32 exp
// into every probability; near-ties and offsets too. Bound (topk.h): 2^-23
// relative (the log-normaliser) + 0.5 ULP (the rounding).
TEST_CASE("top_k: probabilities at their worst, rows of one value and an outlier") {
  double worst = 0, worst_ulp = 0;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    for (double t : {1.0, 0.7, 0.3, 2.5}) {
      const ExpSweep sweep = exp_sweep(t);
      for (size_t cols : {2, 3, 5, 1027}) {
        std::vector<float> cs = worst_exp_candidates(sweep, cols, 1024), os(cs.size(), 0.0f);
        for (size_t k = 0; k < 128; ++k) {
          cs.push_back(float(-double(k + 1) * 0x1p-20 * t));  // near-ties
          os.push_back(0.0f);
          const double off = k % 2 ? 1e4 : -3e6;
          cs.push_back(float(off + t * (-6.0 * (double(k) + 0.5) / 128)));
          os.push_back(float(off));
        }
        const size_t rows = cs.size(), k = 2;
        std::vector<float> x(rows * cols), val(rows * k), p(rows * k);
        std::vector<int32_t> idx(rows * k);
        for (size_t r = 0; r < rows; ++r) {
          std::fill(x.begin() + long(r * cols), x.begin() + long((r + 1) * cols), cs[r]);
          x[r * cols + (r * 7) % cols] = os[r];
        }
        REQUIRE(lk::top_k(x.data(), rows, cols, k, t, idx.data(), val.data(), p.data()).ok());
        for (size_t r = 0; r < rows; ++r) {
          const double c = cs[r], o = os[r], m = std::max(c, o);
          const double ls = std::log(double(cols - 1) * std::exp((c - m) / t) + std::exp((o - m) / t));
          INFO("T " << t << ", cols " << cols << ", c " << cs[r] << ", outlier " << os[r]);
          for (size_t j = 0; j < k; ++j) {
            const double ref = std::exp((double(val[r * k + j]) - m) / t - ls);
            if (ref < 0x1p-126) continue;
            const double bound = 0x1p-23 * ref + 0.5 * ulp_of(ref), err = std::fabs(double(p[r * k + j]) - ref);
            CHECK(err <= bound);
            worst = std::max(worst, err / bound);
            worst_ulp = std::max(worst_ulp, ulp_error(p[r * k + j], ref));
          }
        }
      }
    }
  }
  MESSAGE("top_k probabilities, adversarial rows: worst " << worst_ulp << " ULP, " << worst << " of 2^-23 relative + 0.5 ULP");
}

TEST_CASE("top_k: +inf shares, T = 0 is greedy, all-masked rows give zeros") {
  const float inf = INFINITY;
  int32_t idx[3];
  float val[3], p[3];
  const float a[4] = {inf, 1, inf, 2};
  REQUIRE(lk::top_k(a, 1, 4, 3, 1.0, idx, val, p).ok());
  CHECK(idx[0] == 0);
  CHECK(idx[1] == 2);
  CHECK(idx[2] == 3);
  CHECK(p[0] == 0.5f);
  CHECK(p[1] == 0.5f);
  CHECK(p[2] == 0.0f);
  const float b[4] = {1, 5, 5, 2};
  REQUIRE(lk::top_k(b, 1, 4, 2, 0.0, idx, val, p).ok());
  CHECK(idx[0] == 1);
  CHECK(idx[1] == 2);
  CHECK(p[0] == 0.5f);
  const float c[3] = {-inf, -inf, -inf};
  REQUIRE(lk::top_k(c, 1, 3, 2, 1.0, idx, val, p).ok());
  CHECK(idx[0] == 0);
  CHECK(idx[1] == 1);
  CHECK(p[0] == 0.0f);
}

TEST_CASE("top_k: bad input is a named status") {
  float x[6] = {1, 2, 3, 4, NAN, 6};
  int32_t idx[6];
  float val[6];
  lk::Status s = lk::top_k(x, 2, 3, 2, 1.0, idx, val, nullptr);
  CHECK(s.code == lk::StatusCode::kNaN);
  CHECK(s.index == 4);
  x[4] = 5;
  CHECK(lk::top_k(x, 2, 3, 4, 1.0, idx, val, nullptr).code == lk::StatusCode::kBadArgument);
  CHECK(lk::top_k(x, 2, 3, 0, 1.0, idx, val, nullptr).code == lk::StatusCode::kBadArgument);
  CHECK(lk::top_k(x, 1, 0, 1, 1.0, idx, val, nullptr).code == lk::StatusCode::kEmpty);
  CHECK(lk::top_k(x, 2, 3, 1, -1.0, idx, val, nullptr).code == lk::StatusCode::kBadTemperature);
  CHECK(lk::top_k(x, 0, 3, 1, 1.0, idx, val, nullptr).ok());
}

TEST_CASE("top_k: the first NaN of a long row is reported, whichever path the selection takes") {
  // Rows of 64 and 5000 with k <= n/16 go through the sampled threshold and
  // the gather (NaN in the sample or not, above or below the threshold);
  // k = n/2 takes the whole-row selection.
  Rng g{9};
  for (size_t cols : {size_t(64), size_t(5000)}) {
    for (size_t k : {size_t(1), cols / 16, cols / 2}) {
      for (int c = 0; c < 12; ++c) {
        std::vector<float> x = g.normals(2 * cols, 3);
        const size_t first = cols + size_t(g.uniform() * double(cols - 1));  // row 1
        x[first] = NAN;
        if (c % 3 == 1 && first + 1 < x.size()) x[first + 1 + size_t(g.uniform() * double(x.size() - first - 1))] = NAN;
        if (c % 3 == 2) x[cols + (first - cols) / 64 * 64] = NAN;  // a sampled position, maybe before `first`
        size_t want = cols;
        while (x[want] == x[want]) ++want;
        std::vector<int32_t> idx(2 * k);
        std::vector<float> val(2 * k);
        const lk::Status s = lk::top_k(x.data(), 2, cols, k, 1.0, idx.data(), val.data(), nullptr);
        CHECK(s.code == lk::StatusCode::kNaN);
        CHECK(s.index == want);
      }
    }
  }
}
