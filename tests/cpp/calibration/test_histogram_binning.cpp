// Histogram binning (calibration/histogram_binning.h), and applying it and the
// isotonic calibrator: fit, apply, renormalise.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration_testing.h"
#include "calibration/calibration_metrics.h"
#include "calibration/histogram_binning.h"
#include "calibration/isotonic_regression.h"

using namespace calibration_testing;

TEST_CASE("histogram binning and isotonic calibration: fit, apply, renormalise") {
  // Binary, one column of probabilities, 2 bins.
  std::vector<float> p = {0.1f, 0.2f, 0.7f, 0.8f, 0.9f};
  std::vector<int32_t> y = {0, 1, 1, 1, 0};
  std::vector<double> v(2);
  REQUIRE(lk::fit_histogram_binning(p.data(), y.data(), 5, 1, lk::ScoreKind::kProbabilities, 2, v.data()).ok());
  CHECK(v[0] == 0.5);
  CHECK(v[1] == doctest::Approx(2.0 / 3));
  std::vector<float> out(2);
  std::vector<float> q = {0.05f, 0.95f};
  REQUIRE(lk::apply_histogram_binning(q.data(), 2, 1, lk::ScoreKind::kProbabilities, 2, v.data(), out.data()).ok());
  CHECK(out[0] == 0.5f);
  CHECK(out[1] == float(2.0 / 3));
  // Multi-class from logits: outputs sum to 1; an empty bin keeps its midpoint.
  Data d = synthetic(21, 500, 3, 2.0, 2.0);
  std::vector<double> hv(3 * 10);
  REQUIRE(lk::fit_histogram_binning(d.z.data(), d.y.data(), d.n, 3, lk::ScoreKind::kLogits, 10, hv.data()).ok());
  std::vector<float> hp(d.n * 3);
  REQUIRE(lk::apply_histogram_binning(d.z.data(), d.n, 3, lk::ScoreKind::kLogits, 10, hv.data(), hp.data()).ok());
  std::vector<double> bx(3 * d.n), by(3 * d.n);
  std::vector<uint32_t> counts(3);
  REQUIRE(lk::fit_isotonic_calibration(d.z.data(), d.y.data(), d.n, 3, lk::ScoreKind::kLogits, bx.data(), by.data(), counts.data()).ok());
  // Pack the maps contiguously as the JS side stores them.
  std::vector<double> px, py;
  std::vector<uint32_t> off = {0};
  for (size_t c = 0; c < 3; ++c) {
    for (size_t j = 0; j < counts[c]; ++j) { px.push_back(bx[c * d.n + j]); py.push_back(by[c * d.n + j]); }
    off.push_back(uint32_t(px.size()));
    for (size_t j = 1; j < counts[c]; ++j) CHECK(py.end()[-1 - int(j) + 1] >= py.end()[-1 - int(j)]);
  }
  std::vector<float> ip(d.n * 3);
  REQUIRE(lk::apply_isotonic_calibration(d.z.data(), d.n, 3, lk::ScoreKind::kLogits, px.data(), py.data(), off.data(), ip.data()).ok());
  lk::CalibrationMetrics before, hist, iso;
  REQUIRE(lk::calibration_metrics(d.z.data(), d.y.data(), d.n, 3, lk::ScoreKind::kLogits, 10, 1.0, &before, nullptr).ok());
  REQUIRE(lk::calibration_metrics(hp.data(), d.y.data(), d.n, 3, lk::ScoreKind::kProbabilities, 10, 1.0, &hist, nullptr).ok());
  REQUIRE(lk::calibration_metrics(ip.data(), d.y.data(), d.n, 3, lk::ScoreKind::kProbabilities, 10, 1.0, &iso, nullptr).ok());
  for (size_t i = 0; i < d.n; ++i) {
    CHECK(double(hp[3 * i]) + hp[3 * i + 1] + hp[3 * i + 2] == doctest::Approx(1.0).epsilon(1e-6));
    CHECK(double(ip[3 * i]) + ip[3 * i + 1] + ip[3 * i + 2] == doctest::Approx(1.0).epsilon(1e-6));
  }
  // On their own training data both reduce the calibration error of T0 = 2 logits.
  CHECK(hist.ece < before.ece);
  CHECK(iso.ece < before.ece);
}
