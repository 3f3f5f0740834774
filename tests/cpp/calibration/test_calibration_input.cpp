// The calibration inputs' checks (calibration/calibration_input.h), through every
// fit and metric: empty input, labels, non-finite logits, probabilities, arguments.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration_testing.h"
#include "calibration/calibration_metrics.h"
#include "calibration/histogram_binning.h"
#include "calibration/isotonic_regression.h"
#include "calibration/platt_scaling.h"
#include "calibration/temperature_scaling.h"
#include "calibration/vector_scaling.h"

using namespace calibration_testing;

TEST_CASE("calibration errors: empty, labels, non-finite logits, probabilities, arguments") {
  using lk::StatusCode;
  std::vector<float> z = {0, 1, 2, 3};
  std::vector<int32_t> y = {0, 1};
  lk::TemperatureFit t;
  lk::CalibrationMetrics m;
  CHECK(lk::fit_temperature(z.data(), y.data(), 0, 2, &t).code == StatusCode::kEmpty);
  CHECK(lk::fit_temperature(z.data(), y.data(), 2, 0, &t).code == StatusCode::kEmpty);
  std::vector<int32_t> bad = {0, 2};
  lk::Status s = lk::fit_temperature(z.data(), bad.data(), 2, 2, &t);
  CHECK(s.code == StatusCode::kBadLabel);
  CHECK(s.index == 1);
  bad = {-1, 0};
  CHECK(lk::calibration_metrics(z.data(), bad.data(), 2, 2, lk::ScoreKind::kLogits, 15, 1.0, &m, nullptr).index == 0);
  z[2] = NAN;
  s = lk::fit_temperature(z.data(), y.data(), 2, 2, &t);
  CHECK(s.code == StatusCode::kNaN);
  CHECK(s.index == 2);
  z[2] = -INFINITY;
  s = lk::calibration_metrics(z.data(), y.data(), 2, 2, lk::ScoreKind::kLogits, 15, 1.0, &m, nullptr);
  CHECK(s.code == StatusCode::kBadArgument);
  CHECK(s.index == 2);
  std::vector<float> p = {0.5f, 1.5f};
  s = lk::calibration_metrics(p.data(), y.data(), 2, 1, lk::ScoreKind::kProbabilities, 15, 1.0, &m, nullptr);
  CHECK(s.code == StatusCode::kBadProbability);
  CHECK(s.index == 1);
  z[2] = 2;
  CHECK(lk::calibration_metrics(z.data(), y.data(), 2, 2, lk::ScoreKind::kLogits, 0, 1.0, &m, nullptr).code == StatusCode::kBadArgument);
  CHECK(lk::fit_temperature(z.data(), y.data(), 2, 2, &t, 2, 1).code == StatusCode::kBadArgument);
  std::vector<double> w(2), b(2);
  lk::VectorScalingFit vf;
  CHECK(lk::fit_vector_scaling(z.data(), y.data(), 2, 1, 0, w.data(), b.data(), &vf).code == StatusCode::kBadShape);
  CHECK(lk::fit_vector_scaling(z.data(), y.data(), 2, 2, -1, w.data(), b.data(), &vf).code == StatusCode::kBadArgument);
  lk::PlattFit pf;
  bad = {0, 3};
  CHECK(lk::fit_platt(z.data(), bad.data(), 2, true, &pf).code == StatusCode::kBadLabel);
}
