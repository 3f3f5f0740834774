// Platt scaling (calibration/platt_scaling.h): zero gradient of its objective at the fit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration_testing.h"
#include "calibration/platt_scaling.h"

using namespace calibration_testing;

TEST_CASE("Platt scaling: zero gradient of the smoothed-target objective") {
  Lcg g{5};
  const size_t n = 2000;
  std::vector<float> z(n);
  std::vector<int32_t> y(n);
  for (size_t i = 0; i < n; ++i) {
    double s = g.normal() * 2;
    y[i] = g.uniform() < 1 / (1 + std::exp(-(0.6 * s - 0.3)));
    z[i] = float(s);
  }
  lk::PlattFit fit;
  REQUIRE(lk::fit_platt(z.data(), y.data(), n, true, &fit).ok());
  double pos = 0;
  for (int32_t v : y) pos += v;
  double tp = (pos + 1) / (pos + 2), tn = 1 / (n - pos + 2), ga = 0, gb = 0;
  for (size_t i = 0; i < n; ++i) {
    double d = 1 / (1 + std::exp(-(fit.a * z[i] + fit.b))) - (y[i] ? tp : tn);
    ga += d * z[i]; gb += d;
  }
  CHECK(std::fabs(ga) < 1e-8 * n);
  CHECK(std::fabs(gb) < 1e-8 * n);
  CHECK(fit.a == doctest::Approx(0.6).epsilon(0.15));
  CHECK(fit.nll_after < fit.nll_before);
  std::vector<float> out(2);
  REQUIRE(lk::apply_platt(z.data(), 2, fit.a, fit.b, out.data()).ok());
  CHECK(out[0] == doctest::Approx(1 / (1 + std::exp(-(fit.a * z[0] + fit.b)))).epsilon(1e-6));
}
