#include "calibration/vector_scaling.h"

#include <vector>

#include "calibration/calibration_input.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {

// softmax(w ⊙ z + b) of one row into p; returns −log p[y] for y >= 0.
double row_softmax(const float* z, size_t k, const double* w, const double* b, double* p, int32_t y) {
  double m = -__builtin_inf();
  for (size_t c = 0; c < k; ++c) {
    p[c] = w[c] * double(z[c]) + b[c];
    m = p[c] > m ? p[c] : m;
  }
  const double qy = y >= 0 ? p[y] : 0;
  double s = 0;
  for (size_t c = 0; c < k; ++c) {
    p[c] = dexp(p[c] - m);
    s += p[c];
  }
  for (size_t c = 0; c < k; ++c) p[c] /= s;
  return m + dlog(s) - qy;
}

// Mean NLL + the l2 term.
double objective(const float* z, const int32_t* y, size_t n, size_t k, const std::vector<double>& theta,
                 double l2, std::vector<double>& p, double* nll) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += row_softmax(z + i * k, k, theta.data(), theta.data() + k, p.data(), y[i]);
  *nll = s / double(n);
  double r = 0;
  for (size_t c = 0; c < k; ++c) r += (theta[c] - 1) * (theta[c] - 1) + theta[k + c] * theta[k + c];
  return *nll + 0.5 * l2 * r;
}

// Solves A x = g in place (A symmetric positive definite, d × d, row-major).
bool cholesky_solve(std::vector<double>& a, std::vector<double>& x, size_t d) {
  for (size_t j = 0; j < d; ++j) {
    double s = a[j * d + j];
    for (size_t k = 0; k < j; ++k) s -= a[j * d + k] * a[j * d + k];
    if (!(s > 0)) return false;
    const double l = __builtin_sqrt(s);
    a[j * d + j] = l;
    for (size_t i = j + 1; i < d; ++i) {
      double t = a[i * d + j];
      for (size_t k = 0; k < j; ++k) t -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = t / l;
    }
  }
  for (size_t i = 0; i < d; ++i) {
    double t = x[i];
    for (size_t k = 0; k < i; ++k) t -= a[i * d + k] * x[k];
    x[i] = t / a[i * d + i];
  }
  for (size_t i = d; i-- > 0;) {
    double t = x[i];
    for (size_t k = i + 1; k < d; ++k) t -= a[k * d + i] * x[k];
    x[i] = t / a[i * d + i];
  }
  return true;
}
}  // namespace

Status fit_vector_scaling(const float* z, const int32_t* labels, size_t n, size_t k, double l2, double* scale,
                          double* bias, VectorScalingFit* out) {
  if (k == 1) return Status::Error(StatusCode::kBadShape);
  if (!(l2 >= 0) || l2 == __builtin_inf()) return Status::Error(StatusCode::kBadArgument);
  Status st = check_scores(z, labels, n, k, ScoreKind::kLogits);
  if (!st.ok()) return st;
  const size_t d = 2 * k;
  std::vector<double> theta(d, 0.0), p(k), g(d), h(d * d), step(d), trial(d);
  for (size_t c = 0; c < k; ++c) theta[c] = 1;
  double nll;
  double f_cur = objective(z, labels, n, k, theta, l2, p, &nll);
  out->nll_before = nll;
  const double dn = double(n);
  int32_t it = 0;
  for (; it < 100; ++it) {
    for (size_t j = 0; j < d; ++j) g[j] = 0;
    for (size_t j = 0; j < d * d; ++j) h[j] = 0;
    for (size_t i = 0; i < n; ++i) {
      const float* row = z + i * k;
      row_softmax(row, k, theta.data(), theta.data() + k, p.data(), -1);
      const size_t y = size_t(labels[i]);
      for (size_t c = 0; c < k; ++c) {
        const double zc = row[c], r = p[c] - (c == y ? 1.0 : 0.0);
        g[c] += r * zc;
        g[k + c] += r;
        // Hessian of log Σ e^q in q is diag(p) − p pᵀ; q_c = w_c z_c + b_c.
        for (size_t e = 0; e <= c; ++e) {
          const double ze = row[e], hq = (c == e ? p[c] : 0.0) - p[c] * p[e];
          h[c * d + e] += hq * zc * ze;
          h[(k + c) * d + e] += hq * ze;
          if (e != c) h[(k + e) * d + c] += hq * zc;
          h[(k + c) * d + k + e] += hq;
        }
      }
    }
    double gmax = 0;
    for (size_t c = 0; c < k; ++c) {
      g[c] = g[c] / dn + l2 * (theta[c] - 1);
      g[k + c] = g[k + c] / dn + l2 * theta[k + c];
    }
    for (size_t j = 0; j < d; ++j) gmax = (g[j] < 0 ? -g[j] : g[j]) > gmax ? (g[j] < 0 ? -g[j] : g[j]) : gmax;
    if (gmax <= 1e-10) break;
    // Lower triangle accumulated above (including the w–b blocks); mirror it.
    for (size_t i = 0; i < d; ++i) {
      for (size_t j = 0; j <= i; ++j) {
        h[i * d + j] = h[i * d + j] / dn + (i == j ? l2 + 1e-9 : 0.0);
        h[j * d + i] = h[i * d + j];
      }
    }
    for (size_t j = 0; j < d; ++j) step[j] = -g[j];
    if (!cholesky_solve(h, step, d)) break;
    double slope = 0;
    for (size_t j = 0; j < d; ++j) slope += g[j] * step[j];
    double t = 1, f_new = f_cur;
    bool moved = false;
    while (t >= 1e-10) {
      bool differs = false;
      for (size_t j = 0; j < d; ++j) { trial[j] = theta[j] + t * step[j]; differs |= trial[j] != theta[j]; }
      f_new = objective(z, labels, n, k, trial, l2, p, &nll);
      if (f_new <= f_cur + 1e-4 * t * slope) { moved = differs; break; }
      t *= 0.5;
    }
    if (!moved) break;
    theta.swap(trial);
    f_cur = f_new;
  }
  objective(z, labels, n, k, theta, l2, p, &nll);
  out->nll_after = nll;
  out->iterations = it;
  for (size_t c = 0; c < k; ++c) { scale[c] = theta[c]; bias[c] = theta[k + c]; }
  return Status::Ok();
}

Status apply_vector_scaling(const float* z, size_t n, size_t k, const double* scale, const double* bias, float* out) {
  if (n == 0) return Status::Ok();
  Status st = check_scores(z, nullptr, n, k, ScoreKind::kLogits);
  if (!st.ok()) return st;
  std::vector<double> p(k);
  for (size_t i = 0; i < n; ++i) {
    row_softmax(z + i * k, k, scale, bias, p.data(), -1);
    for (size_t c = 0; c < k; ++c) out[i * k + c] = float(p[c]);
  }
  return Status::Ok();
}

}  // namespace lk
