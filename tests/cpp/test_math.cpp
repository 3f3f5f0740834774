// Sweeps of the project's exp and log against float64 references (the ULP
// bounds documented in elementwise.h and scalar_math.h).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ops/elementwise.h"
#include "backend_scope.h"
#include "kernels/kernels.h"
#include "ops/scalar_math.h"
#include "ulp.h"

using namespace lk_test;

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

TEST_CASE("float64 dexp / dlog / dlog1p agree with libm (float64 ULP: log, exp <= 2; log1p <= 4)") {
  auto ulp64 = [](double got, double ref) {
    double u = std::nextafter(std::fabs(ref), INFINITY) - std::fabs(ref);
    return std::fabs(got - ref) / u;
  };
  double worst_log = 0, worst_exp = 0, worst_log1p = 0;
  uint64_t state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double u = double(state >> 11) * 0x1p-53;  // [0, 1)
    double x = std::exp((u - 0.5) * 1400);    // wide range of magnitudes
    worst_log = std::max(worst_log, ulp64(lk::dlog(x), std::log(x)));
    double xe = (u - 0.5) * 1400;
    worst_exp = std::max(worst_exp, ulp64(lk::dexp(xe), std::exp(xe)));
    double s = std::ldexp(u, -int(state % 60));
    worst_log1p = std::max(worst_log1p, ulp64(lk::dlog1p(s), std::log1p(s)));
  }
  MESSAGE("dlog ", worst_log, " dexp ", worst_exp, " dlog1p ", worst_log1p, " ULP (float64)");
  CHECK(worst_log <= 2.0);
  CHECK(worst_exp <= 2.0);
  CHECK(worst_log1p <= 4.0);
  CHECK(lk::dlog(0.0) == -INFINITY);
  CHECK(std::isnan(lk::dlog(-1.0)));
  CHECK(lk::dlog(1.0) == 0.0);
  CHECK(lk::dexp(0.0) == 1.0);
  CHECK(lk::dexp(-INFINITY) == 0.0);
  CHECK(lk::dexp(INFINITY) == INFINITY);
}
