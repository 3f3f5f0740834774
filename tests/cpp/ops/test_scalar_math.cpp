// ops/scalar_math.h: the float64 dexp, dlog and dlog1p against libm.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>

#include "ops/scalar_math.h"

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
