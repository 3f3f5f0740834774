// Row operations against float64 references computed here from the same
// float32 inputs, and the non-finite / empty / all-masked contract.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "ops/elementwise.h"
#include "adversarial_rows.h"
#include "backend_scope.h"
#include "kernels/kernels.h"
#include "ops/rows.h"
#include "ulp.h"

using namespace lk_test;

namespace {
struct Lcg {
  uint64_t s;
  double uniform() { s = s * 6364136223846793005ULL + 1442695040888963407ULL; return double(s >> 11) * 0x1p-53; }
  double normal() { double u = uniform() + 1e-300, v = uniform(); return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v); }
};

std::vector<float> random_row(Lcg& g, size_t n, double scale, double shift) {
  std::vector<float> x(n);
  for (auto& v : x) v = float(g.normal() * scale + shift);
  return x;
}

struct Ref { std::vector<double> p, logp; double lse, h; };
Ref reference(const std::vector<float>& x, double t) {
  double m = -INFINITY;
  for (float v : x) m = std::max(m, double(v));
  double s = 0;
  for (float v : x) s += std::exp((double(v) - m) / t);
  Ref r;
  r.lse = m / t + std::log(s);
  r.h = 0;
  for (float v : x) {
    double lp = (double(v) - m) / t - std::log(s);
    r.logp.push_back(lp);
    r.p.push_back(std::exp(lp));
    if (std::exp(lp) > 0) r.h -= std::exp(lp) * lp;
  }
  return r;
}
}  // namespace

TEST_CASE("softmax / log_softmax / logsumexp / entropy match float64 within the documented bounds") {
  Lcg g{42};
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    double worst_p = 0, worst_sub = 0, worst_lp = 0, worst_lse = 0, worst_h = 0;
    for (int c = 0; c < 60; ++c) {
      size_t n = 1 + size_t(g.uniform() * 3000);
      double scale = std::pow(10.0, g.uniform() * 3 - 1);  // 0.1 .. 100
      double shift = (g.uniform() - 0.5) * 2 * std::pow(10.0, g.uniform() * 30);  // up to 1e30
      double t = c % 3 == 0 ? 1.0 : std::pow(10.0, g.uniform() * 2 - 1);
      auto x = random_row(g, n, scale * (std::fabs(shift) > 1e6 ? std::fabs(shift) * 1e-6 : 1), shift);
      Ref ref = reference(x, t);
      std::vector<float> p(n), lp(n);
      float lse, h;
      REQUIRE(lk::softmax(x.data(), p.data(), 1, n, t).ok());
      REQUIRE(lk::log_softmax(x.data(), lp.data(), 1, n, t).ok());
      REQUIRE(lk::logsumexp(x.data(), &lse, 1, n, t).ok());
      REQUIRE(lk::entropy(x.data(), &h, 1, n, t).ok());
      for (size_t i = 0; i < n; ++i) {
        if (ref.p[i] >= 1.17549435e-38) worst_p = std::max(worst_p, ulp_error(p[i], ref.p[i]));
        else worst_sub = std::max(worst_sub, std::fabs(double(p[i]) - ref.p[i]) / 0x1p-149);
        if (std::isfinite(ref.logp[i])) worst_lp = std::max(worst_lp, ulp_error(lp[i], ref.logp[i]));
      }
      worst_lse = std::max(worst_lse, ulp_error(lse, ref.lse));
      worst_h = std::max(worst_h, std::fabs(h - ref.h) / (4e-7 + 2.4e-7 * ref.h));
    }
    MESSAGE(std::string(lk::active_kernels().name), ": softmax ", worst_p, " ULP (", worst_sub,
            " x 2^-149 below 2^-126), log_softmax ", worst_lp,
            " ULP, logsumexp ", worst_lse, " ULP, entropy ", worst_h, " of bound");
    CHECK(worst_p <= 3.0);
    CHECK(worst_sub <= 2.0);
    CHECK(worst_lp <= 1.0);
    CHECK(worst_lse <= 1.0);
    CHECK(worst_h <= 1.0);
  }
}

// reference() for a row of a few distinct values: one exp per value.
Ref few_values_reference(const std::vector<float>& x, double t) {
  std::vector<std::pair<float, size_t>> vals;
  double m = -INFINITY;
  for (float v : x) {
    m = std::max(m, double(v));
    auto it = std::find_if(vals.begin(), vals.end(), [&](const auto& p) { return p.first == v; });
    if (it == vals.end()) vals.push_back({v, 1});
    else ++it->second;
  }
  double s = 0;
  for (const auto& [v, n] : vals) s += double(n) * std::exp((double(v) - m) / t);
  const double ls = std::log(s);
  Ref r;
  r.lse = m / t + ls;
  r.h = 0;
  for (float v : x) {
    r.logp.push_back((double(v) - m) / t - ls);
    r.p.push_back(std::exp(r.logp.back()));
  }
  return r;
}

// The rows that break the bounds if anything does: cols - 1 entries equal to
// c and one outlier 0, every c entry's exp rounding the same way, so log Σ exp
// carries nearly the whole error of one float32 exp (adversarial_rows.h finds
// the worst c by a sweep); with few columns, log p near -log 2 … -log 4 has a
// small ULP, so that error is over 1 ULP of it. For softmax, rows where one
// entry's exp errs one way and the sum's the other way (c1 filling the row, c2
// once, from the sweep's worst of each sign). Plus c above the outlier, near-ties and offsets up to 1e30. Every
// output is checked against its rows.h bound: softmax 2.5·2^-23 relative +
// 0.5 ULP (<= 5.5 ULP; over 3 ULP here), log_softmax and logsumexp 0.5 ULP +
// 2^-23 absolute.
TEST_CASE("softmax / log_softmax / logsumexp at their worst: rows of one value and an outlier") {
  double worst_p = 0, worst_lp = 0, worst_lse = 0, worst_lp_ulp = 0, worst_lse_ulp = 0, worst_exp = 0;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    for (double t : {1.0, 0.7, 0.3, 2.5}) {
      const ExpSweep sweep = exp_sweep(t);
      for (size_t cols : {2, 3, 5, 1027}) {
        lk_test::OutlierRows set{cols, {}};
        std::vector<double> sign;
        const std::vector<float> worst = worst_exp_candidates(sweep, cols, 1024, &sign);
        for (double e : sign) worst_exp = std::max(worst_exp, std::fabs(e) / 0x1p-23);
        set.add_standard(worst, t);
        std::vector<std::vector<float>>& rows = set.rows;
        if (cols >= 3) {
          // c1 and c2 of opposite error signs, worst first.
          std::vector<float> up, down;
          for (size_t j = 0; j < worst.size(); ++j) (sign[j] > 0 ? up : down).push_back(worst[j]);
          for (size_t j = 0; j < std::min<size_t>({up.size(), down.size(), size_t(512)}); ++j) {
            set.add(up[j], 0.0f);
            rows.back()[(rows.size() * 7 + 1) % cols] = down[j];
            set.add(down[j], 0.0f);
            rows.back()[(rows.size() * 7 + 1) % cols] = up[j];
          }
        }
        const size_t n = rows.size();
        std::vector<float> x(n * cols), p(n * cols), lp(n * cols), lse(n);
        for (size_t r = 0; r < n; ++r) std::copy(rows[r].begin(), rows[r].end(), x.begin() + long(r * cols));
        REQUIRE(lk::softmax(x.data(), p.data(), n, cols, t).ok());
        REQUIRE(lk::log_softmax(x.data(), lp.data(), n, cols, t).ok());
        REQUIRE(lk::logsumexp(x.data(), lse.data(), n, cols, t).ok());
        for (size_t r = 0; r < n; ++r) {
          const Ref ref = few_values_reference(rows[r], t);
          INFO("T " << t << ", cols " << cols << ", row " << r << ": " << rows[r][0] << ", " << rows[r][1] << ", …");
          for (size_t i = 0; i < cols; ++i) {
            const double lref = ref.logp[i], lb = 0.5 * ulp_of(lref) + 0x1p-23;
            CHECK(std::fabs(double(lp[r * cols + i]) - lref) <= lb);
            worst_lp = std::max(worst_lp, std::fabs(double(lp[r * cols + i]) - lref) / lb);
            worst_lp_ulp = std::max(worst_lp_ulp, ulp_error(lp[r * cols + i], lref));
            if (ref.p[i] >= 0x1p-126) {
              // rows.h: 2.5·2^-23 relative (the entry's exp, the sum's, 1/sum) + 0.5 ULP (the product).
              CHECK(std::fabs(double(p[r * cols + i]) - ref.p[i]) <= 2.5 * 0x1p-23 * ref.p[i] + 0.5 * ulp_of(ref.p[i]));
              worst_p = std::max(worst_p, ulp_error(p[r * cols + i], ref.p[i]));
            }
          }
          const double sb = 0.5 * ulp_of(ref.lse) + 0x1p-23;
          CHECK(std::fabs(double(lse[r]) - ref.lse) <= sb);
          worst_lse = std::max(worst_lse, std::fabs(double(lse[r]) - ref.lse) / sb);
          worst_lse_ulp = std::max(worst_lse_ulp, ulp_error(lse[r], ref.lse));
        }
      }
    }
  }
  MESSAGE("adversarial rows: row exp " << worst_exp << " x 2^-23 relative; softmax " << worst_p << " ULP; log_softmax " << worst_lp_ulp << " ULP, " << worst_lp
          << " of 0.5 ULP + 2^-23; logsumexp " << worst_lse_ulp << " ULP, " << worst_lse << " of 0.5 ULP + 2^-23");
}

// rows.h: entropy <= 4e-7 absolute + 2 ULP. H = log S - Σ e·y / S errs by
// Σ_i δ_i p_i (1 - y_i + ȳ) for exp errors δ_i, plus the float32 products e·y:
// largest when every entry but one has the same exp error and a mass well
// below 1 each. The rows of the test above (one value c and an outlier, c from
// the row-exp sweep's worst; c above the outlier; near-ties; offsets; ±1e30),
// with c also on a 1024-step grid of [-12T, 0) at 1027 and 32771 columns (mass
// spread over many small entries, ȳ far below 0), at T 1/0.7/0.3/2.5.
TEST_CASE("entropy at its worst: rows of one value and an outlier") {
  double worst = 0, worst_abs = 0;
  std::string worst_row;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    for (double t : {1.0, 0.7, 0.3, 2.5}) {
      const ExpSweep sweep = exp_sweep(t);
      std::vector<lk::ExpSums> e1(sweep.c.size());  // the kernel's e and e·y, one entry at a time
      const lk::ShiftedExp a = lk::make_shifted_exp(0.0f, t);
      for (size_t j = 0; j < sweep.c.size(); ++j) e1[j] = lk::active_kernels().shifted_exp(&sweep.c[j], 1, a, nullptr, true);
      for (size_t cols : {2, 3, 5, 9, 17, 33, 65, 129, 257, 513, 1027, 4099, 32771}) {
        const bool full = cols <= 5 || cols == 1027;
        lk_test::OutlierRows set{cols, {}};
        if (full) set.add_standard(worst_exp_candidates(sweep, cols, 1024), t);
        std::vector<std::vector<float>>& rows = set.rows;
        if (cols > 2) {
          // The sweep's c whose float32 e and e·y (from the kernel, one entry
          // at a time) predict the largest error of H relative to the bound.
          std::vector<std::pair<double, float>> pred;
          const double k1 = double(cols - 1);
          for (size_t j = 0; j < sweep.c.size(); ++j) {
            const double s = 1 + k1 * e1[j].sum, s_ref = 1 + k1 * sweep.ref[j];
            const double h_got = std::log(s) - k1 * e1[j].sum_ey / s;
            const double h_ref = std::log(s_ref) - k1 * sweep.ref[j] * (double(sweep.c[j]) / t) / s_ref;
            pred.emplace_back(std::fabs(h_got - h_ref) / (4e-7 + 2 * ulp_of(h_ref)), sweep.c[j]);
          }
          std::partial_sort(pred.begin(), pred.begin() + 64, pred.end(),
                            [](const auto& u, const auto& v) { return u.first > v.first; });
          for (size_t j = 0; j < 64; ++j) set.add(pred[j].second, 0.0f);
        }
        if (cols >= 1027)
          for (size_t k = 0; k < (full ? 1024u : 128u); ++k)
            set.add(float(-12.0 * t * (double(k) + 0.5) / (full ? 1024 : 128)), 0.0f);
        if (cols == 2) {
          // Rows sized so H falls just below 2, 4 or 8, where 2 ULP halves:
          // the c values whose e·y errs most, each with the largest column
          // count that keeps H below the power of two (predicted in float64).
          std::vector<size_t> by_ey(sweep.c.size());
          std::iota(by_ey.begin(), by_ey.end(), size_t(0));
          auto ey_err = [&](size_t j) {
            const double ey = sweep.ref[j] * (double(sweep.c[j]) / t);
            return ey == 0 ? 0.0 : std::fabs(e1[j].sum_ey / ey - 1);
          };
          std::partial_sort(by_ey.begin(), by_ey.begin() + 2048, by_ey.end(),
                            [&](size_t u, size_t v) { return ey_err(u) > ey_err(v); });
          for (double top : {2.0, 4.0, 8.0}) {
            std::vector<std::pair<double, std::pair<float, size_t>>> pred;
            for (size_t q = 0; q < 2048; ++q) {
              const size_t j = by_ey[q];
              auto h_of = [&](double k1, bool got) {
                const double e = got ? e1[j].sum : sweep.ref[j];
                const double ey = got ? e1[j].sum_ey : sweep.ref[j] * (double(sweep.c[j]) / t);
                return std::log(1 + k1 * e) - k1 * ey / (1 + k1 * e);
              };
              size_t lo = 1, hi = size_t(1) << 20;  // h_of(lo - 1) < top <= h_of(hi - 1)
              if (h_of(double(hi - 1), false) < top) continue;
              while (hi - lo > 1) {
                const size_t mid = (lo + hi) / 2;
                (h_of(double(mid - 1), false) < top ? lo : hi) = mid;
              }
              const double h_ref = h_of(double(lo - 1), false);
              pred.push_back({std::fabs(h_of(double(lo - 1), true) - h_ref) / (4e-7 + 2 * ulp_of(h_ref)),
                              {sweep.c[j], lo}});
            }
            std::partial_sort(pred.begin(), pred.begin() + long(std::min<size_t>(8, pred.size())), pred.end(),
                              [](const auto& u, const auto& v) { return u.first > v.first; });
            for (size_t q = 0; q < std::min<size_t>(8, pred.size()); ++q) {
              const auto [c, n] = pred[q].second;
              std::vector<float> row(n, c);
              row[0] = 0.0f;
              float h;
              REQUIRE(lk::entropy(row.data(), &h, 1, n, t).ok());
              const double e = std::exp(double(c) / t), k1 = double(n - 1), s = 1 + k1 * e;
              const double href = std::log(s) - k1 * e * (double(c) / t) / s;
              const double bound = 4e-7 + 2 * ulp_of(href), err = std::fabs(double(h) - href);
              std::ostringstream what;
              what << lk::active_kernels().name << ", T " << t << ", cols " << n << ", c = " << c
                   << ", outlier 0, H = " << href;
              INFO(what.str());
              CHECK(err <= bound);
              worst_abs = std::max(worst_abs, err);
              if (err / bound > worst) { worst = err / bound; worst_row = what.str(); }
            }
          }
        }
        const size_t n = rows.size();
        std::vector<float> x(n * cols), h(n);
        for (size_t r = 0; r < n; ++r) std::copy(rows[r].begin(), rows[r].end(), x.begin() + long(r * cols));
        REQUIRE(lk::entropy(x.data(), h.data(), n, cols, t).ok());
        for (size_t r = 0; r < n; ++r) {
          const Ref ref = few_values_reference(rows[r], t);
          double href = 0;
          for (size_t i = 0; i < cols; ++i)
            if (ref.p[i] > 0) href -= ref.p[i] * ref.logp[i];
          const double bound = 4e-7 + 2 * ulp_of(href), err = std::fabs(double(h[r]) - href);
          std::ostringstream row;
          row << lk::active_kernels().name << ", T " << t << ", cols " << cols << ", c = " << rows[r][(r + 2) * 7 % cols]
              << ", outlier " << rows[r][(r + 1) * 7 % cols] << ", H = " << href;
          INFO(row.str());
          CHECK(err <= bound);
          worst_abs = std::max(worst_abs, err);
          if (err / bound > worst) { worst = err / bound; worst_row = row.str(); }
        }
      }
    }
  }
  MESSAGE("entropy on adversarial rows: " << worst << " of 4e-7 + 2 ULP (" << worst_row << "); largest error "
          << worst_abs);
}

TEST_CASE("softmax is shift invariant and does not overflow at 1e30") {
  std::vector<float> a = {1.0f, 2.0f, 3.0f, -4.0f}, b(4), pa(4), pb(4);
  for (float shift : {1e4f, -1e4f}) {
    for (int i = 0; i < 4; ++i) b[i] = a[i] + shift;  // exact for these values
    REQUIRE(lk::softmax(a.data(), pa.data(), 1, 4).ok());
    REQUIRE(lk::softmax(b.data(), pb.data(), 1, 4).ok());
    for (int i = 0; i < 4; ++i) CHECK(pa[i] == pb[i]);
  }
  std::vector<float> big = {1e30f, -1e30f, 1e30f, 0.0f}, p(4);
  REQUIRE(lk::softmax(big.data(), p.data(), 1, 4).ok());
  CHECK(p[0] == 0.5f);
  CHECK(p[1] == 0.0f);
  CHECK(p[2] == 0.5f);
  CHECK(p[3] == 0.0f);
}

TEST_CASE("non-finite, empty and all-masked rows follow the contract") {
  const float inf = INFINITY;
  std::vector<float> out(4);
  float s;
  SUBCASE("NaN gives kNaN with the flat index of the first") {
    std::vector<float> x = {0, 1, 2, 3, 4, NAN, NAN, 1};
    lk::Status st = lk::softmax(x.data(), std::vector<float>(8).data(), 2, 4);
    CHECK(st.code == lk::StatusCode::kNaN);
    CHECK(st.index == 5);
    CHECK(lk::log_softmax(x.data(), std::vector<float>(8).data(), 2, 4).index == 5);
    CHECK(lk::logsumexp(x.data(), out.data(), 2, 4).index == 5);
    int32_t am[2];
    CHECK(lk::argmax(x.data(), am, 2, 4).index == 5);
  }
  SUBCASE("-inf is a mask") {
    std::vector<float> x = {-inf, 0.0f, -inf, 0.0f};
    REQUIRE(lk::softmax(x.data(), out.data(), 1, 4).ok());
    CHECK(out == std::vector<float>{0, 0.5f, 0, 0.5f});
    REQUIRE(lk::log_softmax(x.data(), out.data(), 1, 4).ok());
    CHECK(out[0] == -inf);
    CHECK(out[1] == float(-std::log(2.0)));
  }
  SUBCASE("+inf entries share the mass") {
    std::vector<float> x = {inf, 3.0f, inf, inf};
    REQUIRE(lk::softmax(x.data(), out.data(), 1, 4).ok());
    CHECK(out == std::vector<float>{1.0f / 3, 0, 1.0f / 3, 1.0f / 3});
    REQUIRE(lk::logsumexp(x.data(), &s, 1, 4).ok());
    CHECK(s == inf);
    REQUIRE(lk::entropy(x.data(), &s, 1, 4).ok());
    CHECK(s == float(std::log(3.0)));
  }
  SUBCASE("all -inf: zeros, -inf, entropy 0") {
    std::vector<float> x(4, -inf);
    REQUIRE(lk::softmax(x.data(), out.data(), 1, 4).ok());
    CHECK(out == std::vector<float>(4, 0.0f));
    REQUIRE(lk::log_softmax(x.data(), out.data(), 1, 4).ok());
    CHECK(out == std::vector<float>(4, -inf));
    REQUIRE(lk::logsumexp(x.data(), &s, 1, 4).ok());
    CHECK(s == -inf);
    REQUIRE(lk::entropy(x.data(), &s, 1, 4).ok());
    CHECK(s == 0.0f);
    int32_t am;
    REQUIRE(lk::argmax(x.data(), &am, 1, 4).ok());
    CHECK(am == 0);
  }
  SUBCASE("empty rows") {
    REQUIRE(lk::logsumexp(nullptr, &s, 1, 0).ok());
    CHECK(s == -inf);
    int32_t am;
    CHECK(lk::argmax(nullptr, &am, 1, 0).code == lk::StatusCode::kEmpty);
    CHECK(lk::softmax(nullptr, nullptr, 0, 5).ok());
  }
}

TEST_CASE("temperature: 0 is greedy (maxima share), bad values rejected") {
  std::vector<float> x = {1.0f, 5.0f, 5.0f, 2.0f}, out(4);
  REQUIRE(lk::softmax(x.data(), out.data(), 1, 4, 0.0).ok());
  CHECK(out == std::vector<float>{0, 0.5f, 0.5f, 0});
  for (double t : {-1.0, double(NAN), double(INFINITY)}) {
    CHECK(lk::softmax(x.data(), out.data(), 1, 4, t).code == lk::StatusCode::kBadTemperature);
    CHECK(lk::log_softmax(x.data(), out.data(), 1, 4, t).code == lk::StatusCode::kBadTemperature);
  }
  float s;
  CHECK(lk::logsumexp(x.data(), &s, 1, 4, 0.0).code == lk::StatusCode::kBadTemperature);
}

TEST_CASE("argmax: first maximum, across chunks") {
  std::vector<float> x = {1, 7, 3, 7, 7, 0, 2, 7, -1};
  int32_t am;
  REQUIRE(lk::argmax(x.data(), &am, 1, x.size()).ok());
  CHECK(am == 1);
  Lcg g{7};
  for (int c = 0; c < 200; ++c) {
    size_t n = 1 + size_t(g.uniform() * 100);
    std::vector<float> y(n);
    for (auto& v : y) v = float(int(g.uniform() * 5));  // many ties
    size_t ref = 0;
    for (size_t i = 1; i < n; ++i) if (y[i] > y[ref]) ref = i;
    REQUIRE(lk::argmax(y.data(), &am, 1, n).ok());
    CHECK(size_t(am) == ref);
  }
}

TEST_CASE("row scans on long rows: first maximum across blocks, NaN, and infinities that are not NaN") {
  // The scans keep one maximum per block of 16 (argmax: the block of 256
  // where each lane's maximum first appeared) and detect NaN through
  // witnesses, one a running sum, which +inf meeting -inf or an overflow also
  // turns NaN: those rows must still give the right answer.
  const float inf = INFINITY;
  Lcg g{11};
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    for (int c = 0; c < 300; ++c) {
      const size_t n = 1 + size_t(g.uniform() * 3000);
      std::vector<float> y(n);
      for (auto& v : y) v = float(int(g.uniform() * 40)) - 20.0f;  // ties in many blocks
      const int kind = c % 5;
      if (kind == 1) y[size_t(g.uniform() * n)] = inf, y[size_t(g.uniform() * n)] = -inf;
      if (kind == 2) y[size_t(g.uniform() * n)] = 3e38f, y[size_t(g.uniform() * n)] = 3e38f, y[size_t(g.uniform() * n)] = -inf;
      if (kind == 3) {
        // Quiet and signalling NaNs of either sign: the scans' integer witness
        // reads the bits without the sign.
        const uint32_t nans[4] = {0x7fc00000u, 0xffc00000u, 0x7f800001u, 0xffffffffu};
        for (size_t k = 0; k < 1 + size_t(c / 5) % 3; ++k) {  // one NaN in a third of these rows
          const uint32_t pattern = nans[size_t(g.uniform() * 4)];
          std::memcpy(&y[size_t(g.uniform() * n)], &pattern, 4);
        }
      }
      if (kind == 4) for (auto& v : y) v = g.uniform() < 0.7 ? -inf : v;
      size_t first_nan = SIZE_MAX, ref = 0;
      for (size_t i = 0; i < n; ++i) if (y[i] != y[i]) { first_nan = i; break; }
      for (size_t i = 1; i < n; ++i) if (y[i] > y[ref]) ref = i;
      int32_t am = -1;
      lk::Status st = lk::argmax(y.data(), &am, 1, n);
      std::vector<float> out(n);
      lk::Status sm = lk::softmax(y.data(), out.data(), 1, n);
      if (first_nan != SIZE_MAX) {
        CHECK(st.code == lk::StatusCode::kNaN);
        CHECK(st.index == first_nan);
        CHECK(sm.code == lk::StatusCode::kNaN);
        CHECK(sm.index == first_nan);
        continue;
      }
      REQUIRE(st.ok());
      CHECK(size_t(am) == ref);
      REQUIRE(sm.ok());
      // softmax is relative to the maximum the scan found: its first position is 1
      // (or 1/ties for +inf) exactly when that maximum was found right.
      size_t ties = 0;
      for (size_t i = 0; i < n; ++i) ties += y[i] == y[ref];
      if (y[ref] == inf || y[ref] == -inf) {
        CHECK(out[ref] == (y[ref] == inf ? float(1.0 / double(ties)) : 0.0f));
      } else {
        double z = 0;
        for (float v : y) z += std::exp(double(v) - double(y[ref]));
        CHECK(ulp_error(out[ref], 1.0 / z) <= 3.0);
      }
    }
  }
}

TEST_CASE("every backend gives bit-identical outputs") {
  Lcg g{99};
  const size_t n = 1027;
  auto x = random_row(g, n, 5, 0);
  x[3] = -INFINITY;
  std::vector<std::vector<float>> results;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    std::vector<float> all, tmp(n);
    float s;
    lk::softmax(x.data(), tmp.data(), 1, n, 0.7);
    all.insert(all.end(), tmp.begin(), tmp.end());
    lk::log_softmax(x.data(), tmp.data(), 1, n, 1.3);
    all.insert(all.end(), tmp.begin(), tmp.end());
    lk::sigmoid(x.data(), tmp.data(), n);
    all.insert(all.end(), tmp.begin(), tmp.end());
    lk::exp(x.data(), tmp.data(), n);
    all.insert(all.end(), tmp.begin(), tmp.end());
    lk::entropy(x.data(), &s, 1, n, 0.9);
    all.push_back(s);
    lk::logsumexp(x.data(), &s, 1, n, 1.0);
    all.push_back(s);
    results.push_back(all);
  }
  REQUIRE(results[0].size() == results[1].size());
  size_t mismatches = 0;
  for (size_t i = 0; i < results[0].size(); ++i) mismatches += bits_of(results[0][i]) != bits_of(results[1][i]);
  CHECK(mismatches == 0);
}

// Softmax outputs at and below 2^-126. y = (x - max)/T is swept densely over
// (-88.8, -86.3), where exp(y) crosses from normal to subnormal, and more
// coarsely down to where the output underflows to 0; the rest of the row has
// 0 .. 1000 entries near the maximum (sum 1 .. ~1000), laid out both
// contiguously (probes fill whole vectors) and shuffled among the probes.
// Error: ULP of the float64 reference for outputs >= 2^-126, units of 2^-149
// below (so an underflow to 0 is right exactly when the reference is below
// 2^-150, and a subnormal must be within the bound of the correctly rounded one).
// Scalar and the best backend must also agree bit for bit.
TEST_CASE("softmax sweep: outputs near and below 2^-126 (subnormal) against float64") {
  Lcg g{2024};
  const double kMinNormal = 0x1p-126, kSubUnit = 0x1p-149;
  struct Row { std::vector<float> x; double t; };
  std::vector<Row> rows;
  for (double t : {1.0, 0.37, 0.8, 1.9, 10.0})
    for (size_t near : {size_t(0), size_t(1), size_t(3), size_t(30), size_t(1000)})
      for (float m : {0.0f, 41.25f, -3000.5f}) {
        Row r{{m}, t};
        for (size_t j = 0; j < near; ++j) r.x.push_back(float(double(m) - t * 0.3 * g.uniform()));
        for (double y = -86.3; y > -88.8; y -= 1.0 / 1024) r.x.push_back(float(double(m) + y * t));
        for (double y = -88.8; y > -112.0; y -= 1.0 / 64) r.x.push_back(float(double(m) + y * t));
        if (rows.size() % 2)
          for (size_t i = r.x.size() - 1; i > 0; --i) std::swap(r.x[i], r.x[size_t(g.uniform() * double(i + 1))]);
        rows.push_back(std::move(r));
      }
  std::vector<std::vector<float>> outputs[2];
  int bi = 0;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    double worst_normal = 0, worst_sub = 0, worst_sub_y = 0;
    size_t n_normal = 0, n_sub = 0, n_zero = 0;
    for (const Row& r : rows) {
      const size_t n = r.x.size();
      std::vector<float> p(n);
      REQUIRE(lk::softmax(r.x.data(), p.data(), 1, n, r.t).ok());
      double m = -INFINITY, s = 0;
      for (float v : r.x) m = std::max(m, double(v));
      for (float v : r.x) s += std::exp((double(v) - m) / r.t);
      for (size_t i = 0; i < n; ++i) {
        const double y = (double(r.x[i]) - m) / r.t;
        if (y > -80) continue;  // the near-max entries: covered by the test above
        const double ref = std::exp(y) / s;
        if (ref >= kMinNormal) {
          worst_normal = std::max(worst_normal, ulp_error(p[i], ref));
          ++n_normal;
        } else {
          const double e = std::fabs(double(p[i]) - ref) / kSubUnit;
          if (e > worst_sub) worst_sub = e, worst_sub_y = y;
          n_sub += p[i] != 0;
          n_zero += p[i] == 0;
        }
      }
      outputs[bi].push_back(std::move(p));
    }
    MESSAGE(std::string(lk::active_kernels().name), ": softmax near 2^-126: ", worst_normal, " ULP over ", n_normal,
            " normal outputs, ", worst_sub, " x 2^-149 (at y = ", worst_sub_y, ") over ", n_sub,
            " subnormal and ", n_zero, " zero outputs");
    CHECK(n_sub > 10000);
    CHECK(n_zero > 1000);
    CHECK(worst_normal <= 3.0);  // the documented bounds (rows.h)
    CHECK(worst_sub <= 2.0);
    ++bi;
  }
  size_t mismatches = 0;
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t i = 0; i < rows[r].x.size(); ++i) mismatches += bits_of(outputs[0][r][i]) != bits_of(outputs[1][r][i]);
  CHECK(mismatches == 0);
}
