// Row operations against float64 references computed here from the same
// float32 inputs, and the non-finite / empty / all-masked contract.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "ops/elementwise.h"
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
