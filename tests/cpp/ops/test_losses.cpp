// Losses against float64 transcriptions of PyTorch's formulas, written here
// independently of src/core/losses.cpp, for every option and combination.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <vector>

#include "adversarial_rows.h"
#include "backend_scope.h"
#include "kernels/kernels.h"
#include "ops/losses.h"

namespace {
struct Lcg {
  uint64_t s;
  double uniform() { s = s * 6364136223846793005ULL + 1442695040888963407ULL; return double(s >> 11) * 0x1p-53; }
};

std::vector<double> log_softmax_ref(const float* row, size_t c) {
  double m = -INFINITY;
  for (size_t k = 0; k < c; ++k) m = std::max(m, double(row[k]));
  double s = 0;
  for (size_t k = 0; k < c; ++k) s += std::exp(double(row[k]) - m);
  std::vector<double> out(c);
  for (size_t k = 0; k < c; ++k) out[k] = double(row[k]) - m - std::log(s);
  return out;
}

// torch.nn.functional.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)
// as aten/src/ATen/native/LossNLL.cpp composes it: (1-ε)·nll_loss + ε/C·smooth_loss, both
// normalised by Σ w[y] over non-ignored samples for 'mean'.
double ce_ref(const std::vector<float>& x, size_t n, size_t c, const std::vector<int32_t>& y, const float* w,
              int32_t ignore, double eps, lk::Reduction red, std::vector<double>* per) {
  double nll_sum = 0, smooth_sum = 0, wsum = 0;
  per->assign(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    if (y[i] == ignore) continue;
    auto lp = log_softmax_ref(&x[i * c], c);
    double wy = w ? w[y[i]] : 1.0;
    double nll = -wy * lp[size_t(y[i])];
    double smooth = 0;
    for (size_t k = 0; k < c; ++k) smooth -= (w ? w[k] : 1.0) * lp[k];
    nll_sum += nll;
    smooth_sum += smooth;
    wsum += wy;
    (*per)[i] = (1 - eps) * nll + eps / double(c) * smooth;
  }
  if (red == lk::Reduction::kMean) return (1 - eps) * nll_sum / wsum + eps / double(c) * smooth_sum / wsum;
  return (1 - eps) * nll_sum + eps / double(c) * smooth_sum;
}

float lk_test_float(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

void check_close(double got, double ref, double rel = 1e-6) {
  CHECK(std::fabs(got - ref) <= rel * std::max(1.0, std::fabs(ref)));
}
}  // namespace

TEST_CASE("cross_entropy: the cat/dog/bird example") {
  float x[3] = {4.5f, -1.2f, 0.8f};
  int32_t y = 0;
  double loss;
  REQUIRE(lk::cross_entropy(x, 1, 3, &y, lk::ClassLossOptions{}, nullptr, &loss).ok());
  // -log softmax(x)[0] = log(e^0 + e^-5.7 + e^-3.7) in float64 from the float32 inputs.
  double ref = std::log(1 + std::exp(double(-1.2f) - double(4.5f)) + std::exp(double(0.8f) - double(4.5f)));
  CHECK(std::fabs(loss - ref) < 2e-7);
  CHECK(std::fabs(loss - 0.027682) < 1e-6);
}

TEST_CASE("cross_entropy with class targets: weights × ignore_index × label smoothing × reductions") {
  Lcg g{1};
  const size_t n = 37, c = 11;
  std::vector<float> x(n * c), w(c);
  std::vector<int32_t> y(n);
  for (auto& v : x) v = float((g.uniform() - 0.5) * 12);
  for (auto& v : w) v = float(g.uniform() * 2);
  for (size_t i = 0; i < n; ++i) y[i] = i % 7 == 3 ? -100 : int32_t(g.uniform() * c);
  for (bool weighted : {false, true})
    for (double eps : {0.0, 0.1, 1.0})
      for (lk::Reduction red : {lk::Reduction::kNone, lk::Reduction::kMean, lk::Reduction::kSum}) {
        CAPTURE(weighted);
        CAPTURE(eps);
        CAPTURE(int(red));
        lk::ClassLossOptions opt;
        opt.weight = weighted ? w.data() : nullptr;
        opt.label_smoothing = eps;
        opt.reduction = red;
        std::vector<float> per(n);
        double got = 0;
        REQUIRE(lk::cross_entropy(x.data(), n, c, y.data(), opt, per.data(), &got).ok());
        std::vector<double> per_ref;
        double ref = ce_ref(x, n, c, y, opt.weight, -100, eps, red, &per_ref);
        if (red == lk::Reduction::kNone) {
          for (size_t i = 0; i < n; ++i) check_close(per[i], per_ref[i], 3e-7);
        } else {
          check_close(got, ref, 2e-7);
        }
      }
}

// losses.h: log-probabilities within 2^-23 absolute of float64, a loss within
// that times its weights (plus float64's own rounding, 2^-50 of Σ|terms| here).
// The rows that break it if anything does (adversarial_rows.h, as in
// test_rows.cpp): cols - 1 entries equal to c and one outlier 0, with c from a
// sweep of the row exp for its largest errors, every c entry's exp rounding the
// same way, so log Σ exp carries the whole error of one float32 exp; c above the
// outlier, near-ties, offsets of 1e4 and -3e6, ±1e30. Each row's loss is read
// in float64 (n = 1, 'sum'): at the outlier's class and a c class, with label
// smoothing 1 (the mean of every log p), with weights and smoothing 0.1, and
// with uniform probability targets.
TEST_CASE("cross_entropy at its worst: rows of one value and an outlier") {
  double worst = 0, worst_abs = 0;
  std::string worst_row;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    const lk_test::ExpSweep sweep = lk_test::exp_sweep(1.0);
    for (size_t cols : {2, 3, 5, 1027}) {
      lk_test::OutlierRows set{cols, {}};
      set.add_standard(lk_test::worst_exp_candidates(sweep, cols, 1024), 1.0);
      set.add(-1e30f, 1e30f);
      const std::vector<std::vector<float>>& rows = set.rows;
      std::vector<float> w(cols), uniform(cols, float(1.0 / double(cols)));
      for (size_t k = 0; k < cols; ++k) w[k] = float(0.25 + double((k * 37) % 11) / 4);
      for (size_t r = 0; r < rows.size(); ++r) {
        const std::vector<float>& x = rows[r];
        const std::vector<double> lp = log_softmax_ref(x.data(), cols);
        const size_t outlier = (r + 1) * 7 % cols;
        auto check = [&](const char* what, double got, double ref, double weight, double mag) {
          const double bound = 0x1p-23 * weight + 0x1p-50 * mag;
          const double ratio = std::fabs(got - ref) / bound;
          std::ostringstream row;
          row << what << ", " << lk::active_kernels().name << ", cols " << cols << ", row " << r << ": c = "
              << x[(outlier + 1) % cols] << ", outlier " << x[outlier];
          INFO(row.str());
          CHECK(ratio <= 1.0);
          if (ratio > worst) { worst = ratio; worst_row = row.str(); }
          if (what[0] == 'c') worst_abs = std::max(worst_abs, std::fabs(got - ref) / 0x1p-23);
        };
        lk::ClassLossOptions sum;
        sum.reduction = lk::Reduction::kSum;
        double got;
        for (size_t k : {outlier, (outlier + 1) % cols}) {
          const int32_t y = int32_t(k);
          REQUIRE(lk::cross_entropy(x.data(), 1, cols, &y, sum, nullptr, &got).ok());
          check("class target", got, -lp[k], 1.0, std::fabs(lp[k]));
        }
        double mean = 0, mag = 0, smooth = 0, wmag = 0, wsum = 0, uni = 0, umag = 0;
        const int32_t y = int32_t(outlier);
        for (size_t k = 0; k < cols; ++k) {
          mean -= lp[k] / double(cols);
          mag += std::fabs(lp[k]);
          smooth -= w[k] * lp[k];
          wmag += w[k] * std::fabs(lp[k]);
          wsum += w[k];
          uni -= double(uniform[k]) * lp[k];
          umag += double(uniform[k]) * std::fabs(lp[k]);
        }
        lk::ClassLossOptions ls = sum;
        ls.label_smoothing = 1.0;
        REQUIRE(lk::cross_entropy(x.data(), 1, cols, &y, ls, nullptr, &got).ok());
        check("label smoothing 1", got, mean, 1.0, mag);
        lk::ClassLossOptions lw = sum;
        lw.label_smoothing = 0.1;
        lw.weight = w.data();
        REQUIRE(lk::cross_entropy(x.data(), 1, cols, &y, lw, nullptr, &got).ok());
        check("weights, smoothing 0.1", got, 0.9 * -w[outlier] * lp[outlier] + 0.1 / double(cols) * smooth,
              0.9 * w[outlier] + 0.1 / double(cols) * wsum, wmag + w[outlier] * std::fabs(lp[outlier]));
        REQUIRE(lk::cross_entropy_probs(x.data(), 1, cols, uniform.data(), sum, nullptr, &got).ok());
        double usum = 0;
        for (float u : uniform) usum += double(u);
        check("uniform probability targets", got, uni, usum, umag);
      }
    }
  }
  MESSAGE("cross_entropy on adversarial rows: log p within " << worst_abs << " x 2^-23 of float64; worst "
          << worst << " of the bound (" << worst_row << ")");
}

TEST_CASE("cross_entropy: all targets ignored gives NaN for mean (PyTorch), 0 for sum") {
  float x[4] = {1, 2, 3, 4};
  int32_t y[2] = {-100, -100};
  double loss;
  REQUIRE(lk::cross_entropy(x, 2, 2, y, lk::ClassLossOptions{}, nullptr, &loss).ok());
  CHECK(std::isnan(loss));
  lk::ClassLossOptions sum;
  sum.reduction = lk::Reduction::kSum;
  REQUIRE(lk::cross_entropy(x, 2, 2, y, sum, nullptr, &loss).ok());
  CHECK(loss == 0.0);
}

TEST_CASE("cross_entropy with probability targets, weights, smoothing; mean divides by n") {
  Lcg g{2};
  const size_t n = 9, c = 5;
  std::vector<float> x(n * c), t(n * c), w(c);
  for (auto& v : x) v = float((g.uniform() - 0.5) * 10);
  for (auto& v : w) v = float(0.5 + g.uniform());
  for (size_t i = 0; i < n; ++i) {
    double s = 0;
    for (size_t k = 0; k < c; ++k) s += t[i * c + k] = float(g.uniform());
    for (size_t k = 0; k < c; ++k) t[i * c + k] = float(t[i * c + k] / s);
  }
  for (bool weighted : {false, true})
    for (double eps : {0.0, 0.2}) {
      double ref_sum = 0;
      std::vector<double> per_ref(n);
      for (size_t i = 0; i < n; ++i) {
        auto lp = log_softmax_ref(&x[i * c], c);
        for (size_t k = 0; k < c; ++k)
          per_ref[i] -= (weighted ? w[k] : 1.0) * (t[i * c + k] * (1 - eps) + eps / c) * lp[k];
        ref_sum += per_ref[i];
      }
      lk::ClassLossOptions opt;
      opt.weight = weighted ? w.data() : nullptr;
      opt.label_smoothing = eps;
      double got;
      REQUIRE(lk::cross_entropy_probs(x.data(), n, c, t.data(), opt, nullptr, &got).ok());
      check_close(got, ref_sum / n, 2e-7);
      opt.reduction = lk::Reduction::kNone;
      std::vector<float> per(n);
      REQUIRE(lk::cross_entropy_probs(x.data(), n, c, t.data(), opt, per.data(), &got).ok());
      for (size_t i = 0; i < n; ++i) check_close(per[i], per_ref[i], 3e-7);
    }
  // A zero target on a masked logit contributes 0 (PyTorch: 0·(-inf) = NaN).
  float xm[3] = {1.0f, -INFINITY, 0.0f}, tm[3] = {0.5f, 0.0f, 0.5f};
  double got;
  REQUIRE(lk::cross_entropy_probs(xm, 1, 3, tm, lk::ClassLossOptions{}, nullptr, &got).ok());
  double l = std::log(std::exp(1.0) + 1.0);
  check_close(got, -0.5 * (1 - l) - 0.5 * (0 - l), 2e-7);
}

TEST_CASE("nll_loss: weights, ignore_index, reductions") {
  const size_t n = 4, c = 3;
  float lp[n * c] = {-0.1f, -2.0f, -3.0f, -1.0f, -0.5f, -2.0f, -4.0f, -0.01f, -5.0f, -0.3f, -0.3f, -2.0f};
  int32_t y[n] = {0, 1, -100, 2};
  float w[c] = {1.0f, 2.0f, 0.5f};
  lk::ClassLossOptions opt;
  opt.weight = w;
  double got;
  REQUIRE(lk::nll_loss(lp, n, c, y, opt, nullptr, &got).ok());
  double ref = (1.0 * double(0.1f) + 2.0 * double(0.5f) + 0.5 * double(2.0f)) / (1.0 + 2.0 + 0.5);
  check_close(got, ref, 1e-15);
  opt.reduction = lk::Reduction::kNone;
  float per[n];
  REQUIRE(lk::nll_loss(lp, n, c, y, opt, per, &got).ok());
  CHECK(per[2] == 0.0f);
  CHECK(per[1] == doctest::Approx(1.0).epsilon(1e-7));
}

TEST_CASE("bce_with_logits: pos_weight, weight per class or per element, large |x|") {
  Lcg g{3};
  const size_t n = 6, c = 4;
  std::vector<float> x(n * c), y(n * c), wc(c), we(n * c), pw(c);
  for (auto& v : x) v = float((g.uniform() - 0.5) * 40);
  for (auto& v : y) v = float(g.uniform() < 0.5 ? 0.0 : g.uniform());
  for (auto& v : wc) v = float(g.uniform() * 3);
  for (auto& v : we) v = float(g.uniform() * 3);
  for (auto& v : pw) v = float(0.5 + g.uniform() * 4);
  x[0] = 1e30f;
  x[1] = -1e30f;
  for (int variant = 0; variant < 3; ++variant) {
    const float* w = variant == 1 ? wc.data() : variant == 2 ? we.data() : nullptr;
    size_t wl = variant == 1 ? c : n * c;
    for (bool use_pw : {false, true}) {
      double sum = 0;
      std::vector<double> per_ref(n * c);
      for (size_t i = 0; i < n * c; ++i) {
        double xi = x[i], yi = y[i], p = use_pw ? pw[i % c] : 1.0;
        // PyTorch: (1 - y)·x + log_weight·(log1p(exp(-|x|)) + max(-x, 0)), log_weight = 1 + (pw - 1)·y.
        double l = (1 - yi) * xi + (1 + (p - 1) * yi) * (std::log1p(std::exp(-std::fabs(xi))) + std::max(-xi, 0.0));
        if (w) l *= w[wl == c ? i % c : i];
        per_ref[i] = l;
        sum += l;
      }
      double got;
      REQUIRE(lk::bce_with_logits(x.data(), y.data(), n, c, w, w ? wl : 0, use_pw ? pw.data() : nullptr,
                                  lk::Reduction::kMean, nullptr, &got).ok());
      check_close(got, sum / (n * c), 1e-12);
      std::vector<float> per(n * c);
      REQUIRE(lk::bce_with_logits(x.data(), y.data(), n, c, w, w ? wl : 0, use_pw ? pw.data() : nullptr,
                                  lk::Reduction::kNone, per.data(), &got).ok());
      for (size_t i = 0; i < n * c; ++i) {
        CHECK(std::isfinite(per[i]));
        check_close(per[i], per_ref[i], 3e-7);
      }
    }
  }
}

// bce_with_logits and kl_div take no float32 exp: they are float64 throughout
// (dexp, dlog1p, dlog). Over a sweep of float32 bit patterns (every 65 537th of
// either sign: x from subnormals to 3e38, and the probabilities among them in
// [0, 1]) each element is checked against long double at 2^-50 of the sum of
// its terms' magnitudes + 2^-1022 (results below e^-708 are float64 subnormals),
// the figure docs/losses.md states.
TEST_CASE("bce_with_logits and kl_div over float32 bit patterns against long double") {
  double worst_bce = 0, worst_kl = 0;
  for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += 65537) {
    const float x = lk_test_float(uint32_t(bits));
    if (!std::isfinite(x)) continue;
    for (float y : {0.0f, 1.0f, 0.3f})
      for (float pw : {1.0f, 2.5f}) {
        double got;
        REQUIRE(lk::bce_with_logits(&x, &y, 1, 1, nullptr, 0, &pw, lk::Reduction::kSum, nullptr, &got).ok());
        const long double lx = x, ly = y, lw = 1 + (pw - 1.0L) * ly;
        const long double sp = std::log1p(std::exp(-std::fabs(lx))) + std::max(-lx, 0.0L);
        const long double ref = (1 - ly) * lx + lw * sp;
        const double mag = double(std::fabs((1 - ly) * lx) + lw * sp);
        INFO("x = " << x << ", y = " << y << ", pos_weight " << pw);
        const double ratio = double(std::fabs(got - ref)) / (0x1p-53 * mag + 0x1p-1022);
        CHECK(ratio <= 8.0);
        worst_bce = std::max(worst_bce, ratio);
      }
    const float in = -std::fabs(x);
    const float t = std::fabs(x) <= 1.0f ? std::fabs(x) : 1.0f / std::fabs(x);
    for (bool log_target : {false, true}) {
      const float tt = log_target ? in : t, ii = log_target ? -t : in;
      if (!std::isfinite(tt) || !std::isfinite(ii)) continue;
      double got;
      REQUIRE(lk::kl_div(&ii, &tt, 1, 1, log_target, lk::Reduction::kSum, nullptr, &got).ok());
      const long double lt = tt, li = ii;
      long double ref, mag;
      if (log_target) {
        ref = std::exp(lt) * (lt - li);
        mag = std::exp(lt) * (std::fabs(lt) + std::fabs(li));
      } else {
        ref = lt == 0 ? 0.0L : lt * (std::log(lt) - li);
        mag = lt == 0 ? 0.0L : lt * (std::fabs(std::log(lt)) + std::fabs(li));
      }
      INFO("input " << ii << ", target " << tt << ", log_target " << log_target);
      const double ratio = double(std::fabs(got - ref) / (0x1p-53L * mag + 0x1p-1022L));
      CHECK(ratio <= 8.0);
      worst_kl = std::max(worst_kl, ratio);
    }
  }
  MESSAGE("bce_with_logits within " << worst_bce << " x 2^-53 of its terms' magnitudes, kl_div " << worst_kl
          << " x 2^-53 (float32 bit patterns, long double reference)");
}

TEST_CASE("kl_div: log_target, xlogy at zero, reductions incl. batchmean") {
  const size_t n = 2, c = 3;
  float in[n * c] = {-1.0f, -0.5f, -2.0f, -0.1f, -3.0f, -1.5f};
  float t[n * c] = {0.2f, 0.8f, 0.0f, 0.5f, 0.25f, 0.25f};
  double ref = 0;
  for (size_t i = 0; i < n * c; ++i) ref += t[i] == 0 ? 0.0 : t[i] * (std::log(double(t[i])) - in[i]);
  double got;
  REQUIRE(lk::kl_div(in, t, n, c, false, lk::Reduction::kSum, nullptr, &got).ok());
  check_close(got, ref, 2e-7);
  REQUIRE(lk::kl_div(in, t, n, c, false, lk::Reduction::kBatchMean, nullptr, &got).ok());
  check_close(got, ref / n, 1e-12);
  REQUIRE(lk::kl_div(in, t, n, c, false, lk::Reduction::kMean, nullptr, &got).ok());
  check_close(got, ref / (n * c), 1e-12);
  float lt[n * c];
  for (size_t i = 0; i < n * c; ++i) lt[i] = t[i] == 0 ? -INFINITY : float(std::log(double(t[i])));
  double ref_log = 0;
  for (size_t i = 0; i < n * c; ++i) ref_log += lt[i] == -INFINITY ? 0.0 : std::exp(double(lt[i])) * (double(lt[i]) - in[i]);
  REQUIRE(lk::kl_div(in, lt, n, c, true, lk::Reduction::kSum, nullptr, &got).ok());
  check_close(got, ref_log, 1e-12);
}

TEST_CASE("losses: named errors") {
  float x[4] = {0, 1, NAN, 2};
  int32_t y[2] = {0, 1};
  double r;
  lk::Status s = lk::cross_entropy(x, 2, 2, y, lk::ClassLossOptions{}, nullptr, &r);
  CHECK(s.code == lk::StatusCode::kNaN);
  CHECK(s.index == 2);
  float ok[4] = {0, 1, 2, 3};
  int32_t bad[2] = {0, 2};
  s = lk::cross_entropy(ok, 2, 2, bad, lk::ClassLossOptions{}, nullptr, &r);
  CHECK(s.code == lk::StatusCode::kBadLabel);
  CHECK(s.index == 1);
  lk::ClassLossOptions smooth;
  smooth.label_smoothing = 1.5;
  CHECK(lk::cross_entropy(ok, 2, 2, y, smooth, nullptr, &r).code == lk::StatusCode::kBadArgument);
  float w[2] = {1.0f, -1.0f};
  lk::ClassLossOptions weighted;
  weighted.weight = w;
  s = lk::cross_entropy(ok, 2, 2, y, weighted, nullptr, &r);
  CHECK(s.code == lk::StatusCode::kBadArgument);
  CHECK(s.index == 1);
  float probs[4] = {0.5f, 0.5f, 1.5f, 0.0f};
  s = lk::cross_entropy_probs(ok, 2, 2, probs, lk::ClassLossOptions{}, nullptr, &r);
  CHECK(s.code == lk::StatusCode::kBadProbability);
  CHECK(s.index == 2);
  s = lk::bce_with_logits(ok, probs, 2, 2, nullptr, 0, nullptr, lk::Reduction::kMean, nullptr, &r);
  CHECK(s.code == lk::StatusCode::kBadProbability);
  CHECK(lk::bce_with_logits(ok, ok, 2, 2, w, 3, nullptr, lk::Reduction::kMean, nullptr, &r).code ==
        lk::StatusCode::kBadShape);
  CHECK(lk::kl_div(ok, probs, 2, 2, false, lk::Reduction::kSum, nullptr, &r).code == lk::StatusCode::kBadProbability);
}
