// softplus / log-sigmoid forms and multi-label thresholds against float64.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "classify_helpers.h"
#include "classify/multilabel.h"
#include "ulp.h"

using namespace lk_test;

namespace {
// log(1 + e^z) in float64 by the textbook branches (std:: functions).
double ref_softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }
}  // namespace

// Inputs: every 1021st float32 bit pattern of either sign (subnormals to
// ±3.4e38, so results that round to subnormals too), and the edges below.
TEST_CASE("softplus, log_sigmoid, log1m_sigmoid within 1 ULP and finite for large |z|") {
  std::vector<float> x;
  for (uint64_t b = 0; b < (uint64_t(1) << 32); b += 1021) {
    const float v = float_from_bits(uint32_t(b));
    if (std::isfinite(v)) x.push_back(v);
  }
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 88.0f, -88.0f, 103.0f, -103.0f, 200.0f, -200.0f, 1e30f, -1e30f, 3.4e38f, -3.4e38f})
    x.push_back(v);
  std::vector<float> sp(x.size()), ls(x.size()), l1m(x.size());
  REQUIRE(lk::softplus(x.data(), sp.data(), x.size()).ok());
  REQUIRE(lk::log_sigmoid(x.data(), ls.data(), x.size()).ok());
  REQUIRE(lk::log1m_sigmoid(x.data(), l1m.data(), x.size()).ok());
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double z = x[i];
    double r = ref_softplus(z);
    worst = std::max(worst, ulp_error(sp[i], r));
    worst = std::max(worst, ulp_error(ls[i], -ref_softplus(-z)));
    worst = std::max(worst, ulp_error(l1m[i], -r));
    CHECK(std::isfinite(ls[i]));
    CHECK(std::isfinite(l1m[i]));
  }
  MESSAGE("softplus / log-sigmoid forms: worst " << worst << " ULP");
  CHECK(worst <= 1.0);
  // The naive log(σ(-200)) is log(0) = -inf; the stable form is exact.
  const float big[2] = {-200.0f, 200.0f};
  float out[2];
  REQUIRE(lk::log_sigmoid(big, out, 2).ok());
  CHECK(out[0] == -200.0f);
  CHECK(out[1] == doctest::Approx(-std::exp(-200.0)).epsilon(1e-6));
  const float inf[2] = {-INFINITY, INFINITY};
  REQUIRE(lk::softplus(inf, out, 2).ok());
  CHECK(out[0] == 0.0f);
  CHECK(out[1] == INFINITY);
  const float nan[3] = {1, 2, NAN};
  lk::Status s = lk::log_sigmoid(nan, out, 3);
  CHECK(s.code == lk::StatusCode::kNaN);
  CHECK(s.index == 2);
}

TEST_CASE("multi_label: per-class thresholds compare the returned probability") {
  const float x[6] = {4.5f, -1.2f, 0.8f, 0.0f, 2.0f, -3.0f};
  const double t[3] = {0.5, 0.2, 0.7};
  float p[6];
  uint8_t d[6];
  REQUIRE(lk::multi_label(x, 2, 3, t, 3, p, d).ok());
  // σ = [0.98901, 0.23148, 0.68997 | 0.5, 0.88080, 0.04743]
  const uint8_t want[6] = {1, 1, 0, 1, 1, 0};
  for (int i = 0; i < 6; ++i) {
    CHECK(d[i] == want[i]);
    CHECK(ulp_error(p[i], 1.0 / (1.0 + std::exp(-double(x[i])))) <= 3);
  }
  const double one[1] = {0.9};
  REQUIRE(lk::multi_label(x, 2, 3, one, 1, nullptr, d).ok());
  CHECK(d[0] == 1);
  CHECK(d[4] == 0);
  const double bad[3] = {0.5, 1.5, 0.5};
  lk::Status s = lk::multi_label(x, 2, 3, bad, 3, p, d);
  CHECK(s.code == lk::StatusCode::kBadProbability);
  CHECK(s.index == 1);
  const double nan_t[1] = {NAN};
  CHECK(lk::multi_label(x, 2, 3, nan_t, 1, p, d).code == lk::StatusCode::kBadProbability);
  CHECK(lk::multi_label(x, 2, 3, t, 2, p, d).code == lk::StatusCode::kBadShape);
}
