#include "calibration/temperature_scaling.h"

#include "calibration/calibration_input.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {

struct Derivs {
  double nll, d1, d2;  // mean NLL(β), NLL'(β), NLL''(β)
};

// One pass over the data at inverse temperature β.
Derivs derivs(const float* z, const int32_t* labels, size_t n, size_t classes, double beta) {
  double nll = 0, d1 = 0, d2 = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* row = z + i * classes;
    const size_t y = size_t(labels[i]);
    // A one-column row is the logit pair [0, z].
    const size_t k = classes == 1 ? 2 : classes;
    auto at = [&](size_t c) { return classes == 1 ? (c == 1 ? double(row[0]) : 0.0) : double(row[c]); };
    double m = at(0);
    for (size_t c = 1; c < k; ++c) m = at(c) > m ? at(c) : m;
    // Moments of u = z − m under p ∝ e^{βu}: shifting keeps the variance exact.
    double s0 = 0, s1 = 0, s2 = 0;
    for (size_t c = 0; c < k; ++c) {
      const double u = at(c) - m;
      const double e = dexp(beta * u);
      s0 += e;
      s1 += e * u;
      s2 += e * u * u;
    }
    const double mean = s1 / s0;
    const double uy = at(y) - m;
    nll += dlog(s0) - beta * uy;
    d1 += mean - uy;
    const double var = s2 / s0 - mean * mean;
    d2 += var > 0 ? var : 0;
  }
  const double dn = double(n);
  return {nll / dn, d1 / dn, d2 / dn};
}
}  // namespace

double temperature_nll(const float* logits, const int32_t* labels, size_t n, size_t classes, double t) {
  return derivs(logits, labels, n, classes, 1.0 / t).nll;
}

Status fit_temperature(const float* logits, const int32_t* labels, size_t n, size_t classes,
                       TemperatureFit* out, double t_min, double t_max) {
  if (!(t_min > 0) || !(t_max > t_min) || t_max == __builtin_inf()) return Status::Error(StatusCode::kBadArgument);
  Status st = check_scores(logits, labels, n, classes, ScoreKind::kLogits);
  if (!st.ok()) return st;
  const double beta_lo = 1.0 / t_max, beta_hi = 1.0 / t_min;
  out->nll_before = temperature_nll(logits, labels, n, classes, 1.0);
  // NLL is convex in β: an optimum outside [β_lo, β_hi] shows in the sign of NLL' there.
  Derivs d = derivs(logits, labels, n, classes, beta_hi);
  bool at_bound = d.d1 <= 0;
  double beta = beta_hi, bound = t_min;
  if (!at_bound) {
    d = derivs(logits, labels, n, classes, beta_lo);
    at_bound = d.d1 >= 0;
    beta = beta_lo;
    bound = t_max;
  }
  int32_t it = 0;
  if (!at_bound) {
    // Bracket: NLL'(lo) < 0 < NLL'(hi).
    double lo = beta_lo, hi = beta_hi;
    beta = 1.0 < beta_lo ? beta_lo : (1.0 > beta_hi ? beta_hi : 1.0);
    d = derivs(logits, labels, n, classes, beta);
    for (; it < 200 && d.d1 != 0; ++it) {
      if (d.d1 < 0) lo = beta; else hi = beta;
      double next = d.d2 > 0 ? beta - d.d1 / d.d2 : -1;
      // Converged: the Newton step would move β by less than 1e-13 relative.
      if (d.d2 > 0 && (d.d1 < 0 ? -d.d1 : d.d1) <= 1e-13 * beta * d.d2) break;
      // A Newton step that leaves the bracket is replaced by bisection in log β.
      if (!(next > lo && next < hi)) next = __builtin_sqrt(lo * hi);
      beta = next;
      d = derivs(logits, labels, n, classes, beta);
    }
  }
  out->temperature = at_bound ? bound : 1.0 / beta;
  out->nll_after = d.nll;
  out->iterations = it;
  out->at_bound = at_bound;
  return Status::Ok();
}

}  // namespace lk
