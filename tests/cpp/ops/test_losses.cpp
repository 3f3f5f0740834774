// Losses against float64 transcriptions of PyTorch's formulas, written here
// independently of src/core/losses.cpp, for every option and combination.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

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
