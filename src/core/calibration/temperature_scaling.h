// Temperature scaling (Guo et al. 2017): the one T > 0 that minimises the
// mean negative log-likelihood of softmax(z / T) over N labelled rows of
// logits.
//
// Method: with β = 1/T, NLL(β) = (1/N) Σ [log Σ_c e^{β z_ic} − β z_iy] is
// convex in β, with NLL'(β) = (1/N) Σ (E_p[z] − z_y) and NLL''(β) = (1/N) Σ
// Var_p(z). Newton's method on β from β = 1, kept inside a bracket
// [lo, hi] with NLL'(lo) < 0 < NLL'(hi) (bisection in log β whenever the
// Newton step leaves it); the bounds are first checked through the sign of
// NLL' there. Everything in float64 with lk::dexp/dlog: the same T, bit for
// bit, on every build. Stops when the Newton step would change β by less
// than 1e-13 relative (quadratic convergence: T is within ~1e-12 relative of
// the optimum of the float64 objective, far inside the contract's 1e-6).
//
// T is searched in [t_min, t_max] (default [1e-3, 1e3]); when the optimum
// lies outside (e.g. perfectly separated data wants T -> 0, labels no better
// than chance want T -> inf) the bound is returned with at_bound = true.
// One-column input (classes = 1) is binary: σ(z / T).
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

struct TemperatureFit {
  double temperature;  // the fitted T
  double nll_before;   // mean NLL at T = 1
  double nll_after;    // mean NLL at the fitted T
  int32_t iterations;  // NLL' evaluations after the first
  bool at_bound;       // the optimum lies at or beyond t_min / t_max
};

// Errors: see check_scores (kEmpty, kNaN, kBadArgument for ±inf, kBadLabel);
// kBadArgument when not 0 < t_min < t_max < inf.
Status fit_temperature(const float* logits, const int32_t* labels, size_t n, size_t classes,
                       TemperatureFit* out, double t_min = 1e-3, double t_max = 1e3);

// Mean NLL of softmax(z / T) (σ(z / T) for one column) in float64; no input checks.
double temperature_nll(const float* logits, const int32_t* labels, size_t n, size_t classes, double temperature);

}  // namespace lk
