#include "calibration/platt_scaling.h"

#include "calibration/calibration_input.h"
#include <cmath>
#include <vector>

#include "ops/scalar_math.h"

namespace lk {
namespace {
double softplus(double f) { return (f > 0 ? f : 0.0) + dlog1p(dexp(-(f < 0 ? -f : f))); }
double sigmoid(double f) {
  const double e = dexp(-(f < 0 ? -f : f));
  return f >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

// Σ −[t log σ(f) + (1−t) log(1−σ(f))] = Σ softplus(f) − t·f, f = a·z + b.
double objective(const double* z, const std::vector<double>& t, size_t n, double a, double b) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) {
    const double f = a * z[i] + b;
    s += softplus(f) - t[i] * f;
  }
  return s;
}

double mean_nll(const float* z, const int32_t* y, size_t n, double a, double b) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) {
    const double f = a * double(z[i]) + b;
    s += softplus(f) - (y[i] == 1 ? f : 0.0);
  }
  return s / double(n);
}
}  // namespace

Status fit_platt(const float* z, const int32_t* labels, size_t n, bool smooth, PlattFit* out) {
  Status st = check_scores(z, labels, n, 1, ScoreKind::kLogits);
  if (!st.ok()) return st;
  double pos = 0;
  for (size_t i = 0; i < n; ++i) pos += labels[i];
  const double neg = double(n) - pos;
  const double t_pos = smooth ? (pos + 1) / (pos + 2) : 1.0, t_neg = smooth ? 1 / (neg + 2) : 0.0;
  // float64 targets, one per sample: the objective is then one plain sum.
  std::vector<double> t(n);
  for (size_t i = 0; i < n; ++i) t[i] = labels[i] == 1 ? t_pos : t_neg;
  // Newton runs on z / s, s the power of two at or above max |z| (exact in
  // float64), and a is scaled back: the fit is invariant under z -> 2^k·z,
  // where the Hessian's 1e-12 ridge and the gradient threshold would
  // otherwise stall it on small logits (|z| ~ 1e-8: 100 steps of ~1e3 in a).
  double zmax = 0;
  for (size_t i = 0; i < n; ++i) zmax = std::fabs(double(z[i])) > zmax ? std::fabs(double(z[i])) : zmax;
  int e = 0;
  if (zmax > 0) std::frexp(zmax, &e);  // zmax = m·2^e, m in [0.5, 1)
  const double inv_s = std::ldexp(1.0, -e);
  std::vector<double> zs(n);
  for (size_t i = 0; i < n; ++i) zs[i] = double(z[i]) * inv_s;
  double a = 0, b = dlog((pos + 1) / (neg + 1));
  double f_cur = objective(zs.data(), t, n, a, b);
  int32_t it = 0;
  for (; it < 100; ++it) {
    double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
    for (size_t i = 0; i < n; ++i) {
      const double zi = zs[i], p = sigmoid(a * zi + b), d = p - t[i], w = p * (1 - p);
      ga += d * zi; gb += d;
      haa += w * zi * zi; hab += w * zi; hbb += w;
    }
    const double gmax = (ga < 0 ? -ga : ga) > (gb < 0 ? -gb : gb) ? (ga < 0 ? -ga : ga) : (gb < 0 ? -gb : gb);
    if (gmax <= 1e-12 * double(n)) break;
    const double det = haa * hbb - hab * hab;
    const double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det;
    const double slope = ga * da + gb * db;  // < 0 for a positive-definite Hessian
    double step = 1;
    bool moved = false;
    while (step >= 1e-10) {
      const double na = a + step * da, nb = b + step * db, f_new = objective(zs.data(), t, n, na, nb);
      if (f_new <= f_cur + 1e-4 * step * slope) {
        moved = na != a || nb != b;
        a = na; b = nb; f_cur = f_new;
        break;
      }
      step *= 0.5;
    }
    if (!moved) break;
  }
  a *= inv_s;
  out->a = a;
  out->b = b;
  out->nll_before = mean_nll(z, labels, n, 1, 0);
  out->nll_after = mean_nll(z, labels, n, a, b);
  out->iterations = it;
  return Status::Ok();
}

Status apply_platt(const float* z, size_t n, double a, double b, float* out) {
  if (n == 0) return Status::Ok();
  Status st = check_scores(z, nullptr, n, 1, ScoreKind::kLogits);
  if (!st.ok()) return st;
  for (size_t i = 0; i < n; ++i) out[i] = float(sigmoid(a * double(z[i]) + b));
  return Status::Ok();
}

}  // namespace lk
