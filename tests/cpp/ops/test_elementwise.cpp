// ops/elementwise.h against float64 references: sweeps of the project's exp
// and log over float32 (the ULP bounds documented there), sigmoid and logit.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ops/elementwise.h"
#include "backend_scope.h"
#include "kernels/kernels.h"
#include "sampler_testing.h"
#include "ulp.h"

using namespace lk_test;
using sampler_testing::Lcg;

namespace {
// Every 'stride'-th float bit pattern, both signs, plus the edges.
std::vector<float> sweep_values(uint32_t stride) {
  std::vector<float> v;
  for (uint64_t b = 0; b < 0x7f800000u; b += stride) {
    v.push_back(float_from_bits(uint32_t(b)));
    v.push_back(-float_from_bits(uint32_t(b)));
  }
  for (float f : {0.0f, -0.0f, 1e-45f, 1.17549435e-38f, 88.7228394f, 88.7228317f, 88.72284f, -87.33654f,
                  -103.278931f, -103.972084f, -103.97208f, -104.0f, 89.0f, 1.0f, -1.0f, 0.5f, 2.0f})
    v.push_back(f);
  return v;
}
}  // namespace

TEST_CASE("exp: <= 1 ULP over all float32 (strided sweep), specials exact") {
  std::vector<float> x = sweep_values(251), y(x.size());
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    lk::exp(x.data(), y.data(), x.size());
    double worst = 0;
    float worst_x = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      double e = ulp_error(y[i], std::exp(double(x[i])));
      if (e > worst) { worst = e; worst_x = x[i]; }
    }
    MESSAGE(std::string(lk::active_kernels().name), " exp max ULP = ", worst, " at x = ", worst_x);
    CHECK(worst <= 1.0);
  }
  float sp[] = {INFINITY, -INFINITY, NAN, 0.0f, 100.0f, -200.0f}, out[6];
  lk::exp(sp, out, 6);
  CHECK(out[0] == INFINITY);
  CHECK(out[1] == 0.0f);
  CHECK(std::isnan(out[2]));
  CHECK(out[3] == 1.0f);
  CHECK(out[4] == INFINITY);
  CHECK(out[5] == 0.0f);
}

TEST_CASE("log: <= 1 ULP over all positive float32 (strided sweep), specials exact") {
  std::vector<float> x;
  for (uint64_t b = 1; b < 0x7f800000u; b += 127) x.push_back(float_from_bits(uint32_t(b)));
  for (float f : {1.0f, 1e-45f, 1.17549435e-38f, 3.40282347e38f, 0.70710677f, 0.70710683f, 1.00000012f, 0.99999994f})
    x.push_back(f);
  std::vector<float> y(x.size());
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    lk::log(x.data(), y.data(), x.size());
    double worst = 0;
    float worst_x = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      double e = ulp_error(y[i], std::log(double(x[i])));
      if (e > worst) { worst = e; worst_x = x[i]; }
    }
    MESSAGE(std::string(lk::active_kernels().name), " log max ULP = ", worst, " at x = ", worst_x);
    CHECK(worst <= 1.0);
  }
  float sp[] = {0.0f, -0.0f, -1.0f, INFINITY, NAN, -INFINITY}, out[6];
  lk::log(sp, out, 6);
  CHECK(out[0] == -INFINITY);
  CHECK(out[1] == -INFINITY);
  CHECK(std::isnan(out[2]));
  CHECK(out[3] == INFINITY);
  CHECK(std::isnan(out[4]));
  CHECK(std::isnan(out[5]));
}

TEST_CASE("sigmoid and logit against float64: strided sweeps of every float32") {
  // sigmoid: every 251st float32 of either sign (exp's sweep) on both backends.
  std::vector<float> x = sweep_values(251), y(x.size());
  x.push_back(INFINITY);
  x.push_back(-INFINITY);
  y.resize(x.size());
  double worst = 0;
  float worst_x = 0;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    REQUIRE(lk::sigmoid(x.data(), y.data(), x.size()).ok());
    for (size_t i = 0; i < x.size(); ++i) {
      const double e = ulp_error(y[i], 1.0 / (1.0 + std::exp(-double(x[i]))));
      if (e > worst) { worst = e; worst_x = x[i]; }
    }
  }
  MESSAGE("sigmoid max ULP = ", worst, " at x = ", worst_x);
  CHECK(worst <= 3.0);
  // logit: every 127th float32 in [0, 1] and the last 4096 below 1, where 1 - p is tiny.
  std::vector<float> p;
  for (uint32_t bits = 0; bits <= 0x3f800000u; bits += 127) p.push_back(float_from_bits(bits));
  for (uint32_t k = 1; k <= 4096; ++k) p.push_back(float_from_bits(0x3f800000u - k));
  p.push_back(0.0f);
  p.push_back(1.0f);
  p.push_back(0.5f);
  std::vector<float> z(p.size());
  REQUIRE(lk::logit(p.data(), z.data(), p.size()).ok());
  worst = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double q = double(p[i]);
    worst = std::max(worst, ulp_error(z[i], std::log(q / (1 - q))));
  }
  MESSAGE("logit max ULP = ", worst);
  CHECK(worst <= 1.0);
  const size_t n = p.size();
  CHECK(z[n - 3] == -INFINITY);
  CHECK(z[n - 2] == INFINITY);
  CHECK(z[n - 1] == 0.0f);
  float q[3] = {0.0f, 1.0f, 0.3f}, r[3];
  REQUIRE(lk::logit(q, r, 3, 1e-6).ok());
  CHECK(r[0] == float(std::log(double(1e-6f) / (1 - double(1e-6f)))));
  CHECK(std::isfinite(r[1]));
  float bad[2] = {0.5f, 1.5f};
  lk::Status st = lk::logit(bad, r, 2);
  CHECK(st.code == lk::StatusCode::kBadProbability);
  CHECK(st.index == 1);
  float nan_in[2] = {0.0f, NAN};
  CHECK(lk::sigmoid(nan_in, r, 2).index == 1);
}
