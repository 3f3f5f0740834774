// Vector scaling (calibration/vector_scaling.h): zero gradient at the fit, identity on calibrated logits.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration_testing.h"
#include "calibration/vector_scaling.h"

using namespace calibration_testing;

TEST_CASE("vector scaling: zero gradient, identity on calibrated logits") {
  Data d = synthetic(11, 3000, 4, 1.5, 1.0);
  std::vector<double> w(4), b(4);
  lk::VectorScalingFit fit;
  REQUIRE(lk::fit_vector_scaling(d.z.data(), d.y.data(), d.n, 4, 0.0, w.data(), b.data(), &fit).ok());
  std::vector<double> gw(4, 0), gb(4, 0);
  for (size_t i = 0; i < d.n; ++i) {
    std::vector<float> q(4);
    for (size_t c = 0; c < 4; ++c) q[c] = float(0);
    double m = -INFINITY, s = 0;
    std::vector<double> qq(4);
    for (size_t c = 0; c < 4; ++c) { qq[c] = w[c] * d.z[i * 4 + c] + b[c]; m = std::max(m, qq[c]); }
    for (size_t c = 0; c < 4; ++c) s += std::exp(qq[c] - m);
    for (size_t c = 0; c < 4; ++c) {
      double r = std::exp(qq[c] - m) / s - (size_t(d.y[i]) == c);
      gw[c] += r * d.z[i * 4 + c] / d.n;
      gb[c] += r / d.n;
    }
  }
  for (size_t c = 0; c < 4; ++c) {
    CHECK(std::fabs(gw[c]) < 1e-9);
    CHECK(std::fabs(gb[c]) < 1e-9);
    CHECK(w[c] == doctest::Approx(1.0).epsilon(0.15));
  }
  CHECK(fit.nll_after <= fit.nll_before);
  std::vector<float> out(8);
  REQUIRE(lk::apply_vector_scaling(d.z.data(), 2, 4, w.data(), b.data(), out.data()).ok());
  double s = 0;
  for (size_t c = 0; c < 4; ++c) s += out[c];
  CHECK(s == doctest::Approx(1.0).epsilon(1e-6));
}
