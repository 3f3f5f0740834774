// Mirostat v1 and v2 (Basu et al. 2021; llama.cpp `mirostat`,
// `mirostat_v2`; semantics in sampler.h): a selector that replaces the
// filters, as llama.cpp's common sampler runs it. The temperature stage, then
// the truncation by mu; after the draw mu -= eta·(surprise − tau). Its options
// are SamplerConfig fields (mirostat, mirostat_tau, mirostat_eta,
// mirostat_m); its state, mu, is SequenceState::mirostat_mu (saved as
// "mirostatMu"), NaN until the first step starts it at 2·tau.
#include <algorithm>
#include <functional>

#include "sampling/sampler_stages.h"
#include "ops/rows.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
constexpr double kLn2 = 0.69314718055994530942;

// v2: keep p_i >= 2^-mu (surprise <= mu), at least the most probable token.
void mirostat_v2(Candidates& c, StepContext& ctx, double mu) {
  const double threshold = weights_sum(c, ctx) * dexp(-mu * kLn2);
  size_t passing = 0;
  for (size_t i = 0; i < c.n; ++i) passing += double(c.w[i]) >= threshold;
  if (passing == 0) {
    keep_top(c, 1, ctx);
  } else if (passing < c.n) {
    compact(c, ctx, [&](size_t i) { return double(c.w[i]) >= threshold; });
  }
}

// v1: estimate the Zipf exponent s from the top m tokens, then top-k with
// the k that targets surprise mu.
void mirostat_v1(Candidates& c, StepContext& ctx, double mu) {
  const size_t m = std::min(size_t(ctx.cfg.mirostat_m), c.n);
  const size_t got = top_positions(c.z, c.n, m, ctx.ws);
  std::vector<float>& top = ctx.ws.sample;  // at most 1024 values (validated)
  top.clear();
  for (size_t j = 0; j < got; ++j) top.push_back(c.z[ctx.ws.positions[j]]);
  std::sort(top.begin(), top.end(), std::greater<float>());
  // log(p_i / p_{i+1}) = (z_i − z_{i+1}) / T, over the pairs with p > 0.
  double sum_tb = 0, sum_tt = 0;
  for (size_t i = 0; i + 1 < top.size() && top[i + 1] != -__builtin_inff(); ++i) {
    const double t = dlog(double(i + 2) / double(i + 1));
    const double b = (double(top[i]) - double(top[i + 1])) / ctx.temperature;
    sum_tb += t * b;
    sum_tt += t * t;
  }
  size_t k = 1;
  if (sum_tt > 0) {
    const double s = sum_tb / sum_tt, eps = s - 1;
    const double ratio = eps * dexp(mu * kLn2) / (1 - dexp(-eps * dlog(double(ctx.vocab))));
    const double kf = ratio > 0 ? dexp(dlog(ratio) / s) : 0;
    // Truncate like llama.cpp's int(k), at least 1; NaN and overflow end up at the extremes.
    if (kf >= double(c.n)) k = c.n;
    else if (kf >= 1) k = size_t(kf);
  }
  keep_top(c, k, ctx);
}

void select(Candidates& c, StepContext& ctx, const double*, double* mu) {
  apply_temperature(c, ctx);
  ensure_weights(c, ctx.temperature, ctx);
  if (ctx.cfg.mirostat == 2) mirostat_v2(c, ctx, *mu);
  else mirostat_v1(c, ctx, *mu);
}

void reset(const SamplerConfig& cfg, const double*, double* mu) { *mu = 2 * cfg.mirostat_tau; }

bool picked(const Candidates&, size_t, double logprob, StepContext& ctx, const double*, double* mu,
            const SequenceState&) {
  const SamplerConfig& cfg = ctx.cfg;
  // A step at base temperature 0 leaves mu as it was (unset stays unset),
  // dynamic temperature or not.
  if (is_greedy_temperature(cfg.temperature)) return false;
  const double surprise = -logprob / kLn2;
  *mu = *mu - cfg.mirostat_eta * (surprise - cfg.mirostat_tau);
  return true;
}
}  // namespace

extern const SamplerStageInterface kMirostatStage = {
    "mirostat", {}, 1, [](const SamplerConfig& cfg, const double*) { return cfg.mirostat != 0; },
    nullptr, select, reset, nullptr, picked,
    /*replaces_filters=*/true, /*drops_zero_mass=*/true, &SequenceState::mirostat_mu};

}  // namespace lk
