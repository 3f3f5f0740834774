// Calibration against references written here in float64 with std:: math:
// a golden-section search for T, the ECE/MCE formulas transcribed literally,
// gradients of the fitted objectives, PAV on hand-checked data, recovery of a
// known temperature, and the error statuses.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration/calibration_metrics.h"
#include "calibration/histogram_binning.h"
#include "calibration/isotonic_regression.h"
#include "calibration/platt_scaling.h"
#include "calibration/temperature_scaling.h"
#include "calibration/vector_scaling.h"

namespace {
struct Lcg {
  uint64_t s;
  double uniform() { s = s * 6364136223846793005ULL + 1442695040888963407ULL; return double(s >> 11) * 0x1p-53; }
  double normal() { double u = uniform() + 1e-300, v = uniform(); return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v); }
  // A draw from softmax(z).
  int32_t categorical(const std::vector<double>& z) {
    double m = *std::max_element(z.begin(), z.end()), s = 0;
    for (double v : z) s += std::exp(v - m);
    double u = uniform() * s;
    for (size_t c = 0; c < z.size(); ++c) { u -= std::exp(z[c] - m); if (u < 0) return int32_t(c); }
    return int32_t(z.size() - 1);
  }
};

struct Data { std::vector<float> z; std::vector<int32_t> y; size_t n, k; };

// Labels drawn from softmax(z); the logits shown are t0·z (overconfident for t0 > 1).
Data synthetic(uint64_t seed, size_t n, size_t k, double scale, double t0) {
  Lcg g{seed};
  Data d{{}, {}, n, k};
  std::vector<double> z(k);
  for (size_t i = 0; i < n; ++i) {
    for (auto& v : z) v = g.normal() * scale;
    d.y.push_back(g.categorical(z));
    for (double v : z) d.z.push_back(float(v * t0));
  }
  return d;
}

double ref_nll(const Data& d, double t) {
  double s = 0;
  for (size_t i = 0; i < d.n; ++i) {
    double m = -INFINITY, e = 0;
    for (size_t c = 0; c < d.k; ++c) m = std::max(m, double(d.z[i * d.k + c]) / t);
    for (size_t c = 0; c < d.k; ++c) e += std::exp(double(d.z[i * d.k + c]) / t - m);
    s += m + std::log(e) - double(d.z[i * d.k + size_t(d.y[i])]) / t;
  }
  return s / double(d.n);
}

// Golden-section search on log T: independent of the Newton iteration under test.
double golden_t(const Data& d, double lo, double hi) {
  const double r = (std::sqrt(5.0) - 1) / 2;
  double a = std::log(lo), b = std::log(hi);
  double c = b - r * (b - a), e = a + r * (b - a);
  double fc = ref_nll(d, std::exp(c)), fe = ref_nll(d, std::exp(e));
  while (b - a > 1e-10) {
    if (fc < fe) { b = e; e = c; fe = fc; c = b - r * (b - a); fc = ref_nll(d, std::exp(c)); }
    else { a = c; c = e; fc = fe; e = a + r * (b - a); fe = ref_nll(d, std::exp(e)); }
  }
  return std::exp((a + b) / 2);
}

std::vector<double> ref_probs(const float* row, size_t k) {
  std::vector<double> p(k);
  double m = -INFINITY, s = 0;
  for (size_t c = 0; c < k; ++c) m = std::max(m, double(row[c]));
  for (size_t c = 0; c < k; ++c) s += (p[c] = std::exp(double(row[c]) - m));
  for (auto& v : p) v /= s;
  return p;
}
}  // namespace

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

TEST_CASE("isotonic regression: PAV on hand-checked data, sklearn's breakpoints and interpolation") {
  std::vector<double> x = {0.3, 0.1, 0.2, 0.4, 0.2, 0.9}, y = {0, 0, 1, 1, 0, 1};
  std::vector<double> bx(6), by(6);
  // Distinct x: .1→0, .2→0.5 (two points), .3→0, .4→1, .9→1. PAV pools .2 and .3: (0.5·2 + 0)/3 = 1/3.
  size_t m = lk::isotonic_fit(x.data(), y.data(), 6, bx.data(), by.data());
  REQUIRE(m == 5);
  CHECK(bx[0] == 0.1); CHECK(by[0] == 0);
  CHECK(bx[1] == 0.2); CHECK(by[1] == doctest::Approx(1.0 / 3));
  CHECK(bx[2] == 0.3); CHECK(by[2] == doctest::Approx(1.0 / 3));
  CHECK(bx[3] == 0.4); CHECK(by[3] == 1);
  CHECK(bx[4] == 0.9); CHECK(by[4] == 1);
  CHECK(lk::isotonic_eval(bx.data(), by.data(), m, 0.0) == 0);
  CHECK(lk::isotonic_eval(bx.data(), by.data(), m, 0.15) == doctest::Approx(1.0 / 6));
  CHECK(lk::isotonic_eval(bx.data(), by.data(), m, 0.35) == doctest::Approx(2.0 / 3));
  CHECK(lk::isotonic_eval(bx.data(), by.data(), m, 2.0) == 1);
}

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
