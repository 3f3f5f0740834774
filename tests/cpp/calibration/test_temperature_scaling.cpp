// Temperature scaling (calibration/temperature_scaling.h) against a golden-section
// search in float64, recovery of a known temperature, one-column input and bounds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration_testing.h"
#include "calibration/temperature_scaling.h"

using namespace calibration_testing;

TEST_CASE("temperature scaling: the optimum of a golden-section search, to 1e-6 relative") {
  for (double t0 : {0.5, 1.0, 2.5}) {
    Data d = synthetic(7 + uint64_t(t0 * 10), 2000, 10, 2.0, t0);
    lk::TemperatureFit fit;
    REQUIRE(lk::fit_temperature(d.z.data(), d.y.data(), d.n, d.k, &fit).ok());
    const double ref = golden_t(d, 0.05, 20);
    CHECK(std::fabs(fit.temperature - ref) <= 1e-6 * ref);
    CHECK(fit.nll_before == doctest::Approx(ref_nll(d, 1.0)).epsilon(1e-12));
    CHECK(fit.nll_after == doctest::Approx(ref_nll(d, fit.temperature)).epsilon(1e-12));
    CHECK(fit.nll_after <= fit.nll_before);
    CHECK(!fit.at_bound);
    CHECK(fit.iterations <= 20);
    MESSAGE("T0 ", t0, ": fitted T ", fit.temperature, " golden ", ref, " in ", fit.iterations, " iterations");
  }
}

TEST_CASE("temperature scaling recovers T0 within 4 standard errors") {
  // Standard error of the MLE of β = 1/T: 1/sqrt(N·NLL''(β)); of T: T²·that.
  const double t0 = 2.0;
  Data d = synthetic(2024, 4000, 10, 1.5, t0);
  lk::TemperatureFit fit;
  REQUIRE(lk::fit_temperature(d.z.data(), d.y.data(), d.n, d.k, &fit).ok());
  const double beta = 1 / fit.temperature, h = 1e-4;
  const double curv = (ref_nll(d, 1 / (beta + h)) - 2 * ref_nll(d, 1 / beta) + ref_nll(d, 1 / (beta - h))) / (h * h);
  const double se_t = fit.temperature * fit.temperature / std::sqrt(double(d.n) * curv);
  MESSAGE("recovery: T0 ", t0, ", fitted ", fit.temperature, ", standard error ", se_t);
  CHECK(std::fabs(fit.temperature - t0) <= 4 * se_t);
}

TEST_CASE("temperature scaling: binary one-column input, bounds, determinism") {
  Data d = synthetic(3, 1500, 2, 2.0, 1.7);
  std::vector<float> one(d.n);
  for (size_t i = 0; i < d.n; ++i) one[i] = d.z[2 * i + 1] - d.z[2 * i];
  lk::TemperatureFit a, b;
  REQUIRE(lk::fit_temperature(d.z.data(), d.y.data(), d.n, 2, &a).ok());
  REQUIRE(lk::fit_temperature(one.data(), d.y.data(), d.n, 1, &b).ok());
  CHECK(b.temperature == doctest::Approx(a.temperature).epsilon(1e-9));
  lk::TemperatureFit again;
  REQUIRE(lk::fit_temperature(d.z.data(), d.y.data(), d.n, 2, &again).ok());
  CHECK(again.temperature == a.temperature);
  // Separable: every label is the argmax, so the NLL keeps falling as T -> 0.
  std::vector<float> sep = {5, 0, 0, 5, 5, 0};
  std::vector<int32_t> ys = {0, 1, 0};
  lk::TemperatureFit s;
  REQUIRE(lk::fit_temperature(sep.data(), ys.data(), 3, 2, &s, 0.01, 100).ok());
  CHECK(s.at_bound);
  CHECK(s.temperature == 0.01);
}
