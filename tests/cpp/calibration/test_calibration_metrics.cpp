// Calibration metrics (calibration/calibration_metrics.h): ECE, MCE, adaptive and
// classwise ECE, NLL and Brier against their formulas transcribed in float64.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration_testing.h"
#include "calibration/calibration_metrics.h"

using namespace calibration_testing;

TEST_CASE("ECE, MCE, adaptive and classwise ECE equal their formulas transcribed") {
  Lcg g{99};
  for (size_t bins : {1u, 10u, 15u}) {
    const size_t n = 3000, k = 5;
    std::vector<float> x(n * k);
    std::vector<int32_t> y(n);
    for (auto& v : x) v = float(g.normal() * 2.5);
    for (auto& v : y) v = int32_t(g.uniform() * k);
    lk::CalibrationMetrics m;
    std::vector<lk::ReliabilityBin> diag(bins);
    REQUIRE(lk::calibration_metrics(x.data(), y.data(), n, k, lk::ScoreKind::kLogits, bins, 1.0, &m, diag.data()).ok());
    // Transcription: B_b = {i : b/M < conf_i <= (b+1)/M}.
    std::vector<double> conf(n), hit(n);
    double acc = 0, brier = 0;
    std::vector<std::vector<double>> probs(n);
    for (size_t i = 0; i < n; ++i) {
      probs[i] = ref_probs(&x[i * k], k);
      size_t best = size_t(std::max_element(probs[i].begin(), probs[i].end()) - probs[i].begin());
      conf[i] = probs[i][best];
      hit[i] = best == size_t(y[i]);
      acc += hit[i];
      for (size_t c = 0; c < k; ++c) brier += std::pow(probs[i][c] - (c == size_t(y[i])), 2);
    }
    double ece = 0, mce = 0, cw = 0;
    for (size_t b = 0; b < bins; ++b) {
      double lo = double(b) / bins, hi = double(b + 1) / bins, cnt = 0, sc = 0, sh = 0;
      for (size_t i = 0; i < n; ++i) if (conf[i] > lo && conf[i] <= hi) { cnt++; sc += conf[i]; sh += hit[i]; }
      CHECK(diag[b].count == cnt);
      if (cnt == 0) { CHECK(std::isnan(diag[b].confidence)); continue; }
      CHECK(diag[b].confidence == doctest::Approx(sc / cnt).epsilon(1e-12));
      CHECK(diag[b].accuracy == doctest::Approx(sh / cnt).epsilon(1e-12));
      ece += cnt / n * std::fabs(sh / cnt - sc / cnt);
      mce = std::max(mce, std::fabs(sh / cnt - sc / cnt));
      for (size_t c = 0; c < k; ++c) {
        double cc = 0, sp = 0, sy = 0;
        for (size_t i = 0; i < n; ++i) {
          double p = probs[i][c];
          if ((p > lo || (b == 0 && p == 0)) && p <= hi) { cc++; sp += p; sy += (size_t(y[i]) == c); }
        }
        if (cc > 0) cw += cc / n * std::fabs(sy / cc - sp / cc) / k;
      }
    }
    (void)cw;
    // Adaptive: sort by confidence, M consecutive groups of (nearly) equal size.
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return conf[a] < conf[b]; });
    double ada = 0;
    for (size_t b = 0; b < bins; ++b) {
      double cnt = 0, sc = 0, sh = 0;
      for (size_t r = b * n / bins; r < (b + 1) * n / bins; ++r) { cnt++; sc += conf[order[r]]; sh += hit[order[r]]; }
      ada += cnt / n * std::fabs(sh / cnt - sc / cnt);
    }
    CHECK(m.accuracy == doctest::Approx(acc / n).epsilon(1e-15));
    CHECK(m.brier == doctest::Approx(brier / n).epsilon(1e-12));
    CHECK(m.ece == doctest::Approx(ece).epsilon(1e-12));
    CHECK(m.mce == doctest::Approx(mce).epsilon(1e-12));
    CHECK(m.adaptive_ece == doctest::Approx(ada).epsilon(1e-12));
  }
}

TEST_CASE("classwise ECE: the per-class formula; probabilities input; edges go to the bin below") {
  // Two bins, edges 0, 0.5, 1: a probability of exactly 0.5 belongs to bin 0.
  std::vector<float> p = {0.5f, 0.5f, 0.9f, 0.1f, 0.2f, 0.8f, 1.0f, 0.0f};
  std::vector<int32_t> y = {0, 1, 1, 0};
  lk::CalibrationMetrics m;
  std::vector<lk::ReliabilityBin> diag(2);
  REQUIRE(lk::calibration_metrics(p.data(), y.data(), 4, 2, lk::ScoreKind::kProbabilities, 2, 1.0, &m, diag.data()).ok());
  CHECK(diag[0].count == 1);  // conf 0.5
  CHECK(diag[1].count == 3);
  // conf: .5 (hit), .9 (miss), .8 (hit), 1 (hit): bin0 gap .5, bin1 gap |2/3 − 0.9| (float32 values).
  const double c1 = (double(0.9f) + double(0.8f) + 1.0) / 3;
  CHECK(m.ece == doctest::Approx(0.25 * 0.5 + 0.75 * std::fabs(2.0 / 3 - c1)).epsilon(1e-12));
  CHECK(m.mce == doctest::Approx(0.5).epsilon(1e-12));
  CHECK(m.accuracy == 0.75);
  // Class 0: p = .5 .9 .2 1 with y0 = 1 0 0 1 → bin0 {.5, .2}: freq .5; bin1 {.9, 1}: freq .5.
  // Class 1: p = .5 .1 .8 0 with y1 = 0 1 1 0 → bin0 {.5, .1, 0}: freq 1/3; bin1 {.8}: freq 1.
  const double p9 = double(0.9f), p2 = double(0.2f), p1 = double(0.1f), p8 = double(0.8f);
  const double c0 = 0.5 * std::fabs(0.5 - (0.5 + p2) / 2) + 0.5 * std::fabs(0.5 - (p9 + 1) / 2);
  const double cl1 = 0.75 * std::fabs(1.0 / 3 - (0.5 + p1 + 0) / 3) + 0.25 * std::fabs(1 - p8);
  CHECK(m.classwise_ece == doctest::Approx((c0 + cl1) / 2).epsilon(1e-12));
  CHECK(lk::equal_width_bin(0.0, 15) == 0);
  CHECK(lk::equal_width_bin(0.6, 15) == 8);  // 0.6 == 9/15: the bin (8/15, 9/15]
  CHECK(lk::equal_width_bin(1.0, 15) == 14);
}

TEST_CASE("NLL and Brier: logits, probabilities and one-column binary agree") {
  std::vector<float> z = {1.5f, -0.5f, 3.0f};
  std::vector<int32_t> y = {1, 0, 0};
  std::vector<float> two;
  for (float v : z) { two.push_back(0); two.push_back(v); }
  lk::CalibrationMetrics a, b;
  REQUIRE(lk::calibration_metrics(z.data(), y.data(), 3, 1, lk::ScoreKind::kLogits, 15, 1.0, &a, nullptr).ok());
  REQUIRE(lk::calibration_metrics(two.data(), y.data(), 3, 2, lk::ScoreKind::kLogits, 15, 1.0, &b, nullptr).ok());
  double nll = 0, brier = 0;
  for (size_t i = 0; i < 3; ++i) {
    double p1 = 1 / (1 + std::exp(-double(z[i])));
    nll -= std::log(y[i] ? p1 : 1 - p1);
    brier += std::pow(p1 - y[i], 2);
  }
  CHECK(a.nll == doctest::Approx(nll / 3).epsilon(1e-14));
  CHECK(b.nll == doctest::Approx(nll / 3).epsilon(1e-14));
  CHECK(a.brier == doctest::Approx(brier / 3).epsilon(1e-14));       // sklearn's binary Brier
  CHECK(b.brier == doctest::Approx(2 * brier / 3).epsilon(1e-14));   // summed over both classes
  CHECK(a.ece == doctest::Approx(b.ece).epsilon(1e-14));
}
