// Adaptive-p (llama.cpp `llama_sampler_init_adaptive_p(target, decay, seed)`,
// PR #17927): a selector that favours tokens whose probability is near a
// target, adapting over the generated tokens so that the probabilities of the
// picked tokens average `target`.
//
// Per step, with p_i the candidates' probabilities after every filter (at the
// temperature in force) and the EMA of past picks' p:
//   a   = clamp(2·clamp(target, 0, 1) − EMA, 0, 1)
//   d_i = |p_i − a| / 0.3
//   y_i = 5 − 10·d_i² / (1 + d_i)      (masked −inf candidates stay −inf)
// and the token is drawn from softmax(y) (at T = 1; the step's usual draw).
// When the token picked at a step is the one accepted next, the EMA takes
// its original p: EMA ← (1 − decay)·p + decay·EMA, kept as llama.cpp keeps
// it (weighted_sum = p + decay·weighted_sum, total_weight = 1 + decay·
// total_weight, both starting at the fixed point target/(1 − decay),
// 1/(1 − decay)). target < 0 is off (llama.cpp's default −1).
//
// Where it differs from llama.cpp: float64 arithmetic for p, a, d and y
// (stored as float32); the draw is the sampler's own (inverse CDF in token-id
// order over the fixed-point masses, so a weight below 2^-31 of the largest
// carries no mass: y spans [−20.64, 5], so tokens far from the target in a
// flat tail can get none); decay out of [0, 0.99] is an error, not clamped.
#include <cmath>

#include "sampling/sampler_stages.h"

namespace lk {
namespace {
constexpr double kInvWidth = 1.0 / 0.3;
constexpr double kPeak = 5.0;
constexpr double kSharpness = 10.0;

enum Option { kTarget, kDecay };
enum State { kWeightedSum, kTotalWeight, kPendingAt, kPendingToken, kPendingProb, kStateSize };

const SamplerOption kOptions[] = {
    {"adaptivePTarget", OptionKind::kNumber, -__builtin_inf(), 1, false, false,
     LK_DOC("Adaptive-p (llama.cpp): target probability of the picked tokens, in [0, 1]; negative = off."), nullptr, nullptr, -1.0},
    {"adaptivePDecay", OptionKind::kNumber, 0, 0.99, false, false,
     LK_DOC("Adaptive-p: EMA decay over the picked tokens (history ≈ 1 / (1 − decay) tokens)."), nullptr, nullptr, 0.9},
};

void reset(const SamplerConfig&, const double* own, double* s) {
  s[kWeightedSum] = own[kTarget] / (1 - own[kDecay]);
  s[kTotalWeight] = 1 / (1 - own[kDecay]);
  s[kPendingAt] = -1;
}

// The token accepted after the last pick feeds the EMA if it is the picked one.
void observe(const double* own, double* s, const SequenceState& seq) {
  const double at = s[kPendingAt];
  if (at >= 0 && double(seq.history.size()) > at && seq.history[size_t(at)] == int32_t(s[kPendingToken])) {
    s[kWeightedSum] = s[kPendingProb] + own[kDecay] * s[kWeightedSum];
    s[kTotalWeight] = 1 + own[kDecay] * s[kTotalWeight];
  }
  s[kPendingAt] = -1;
}

void select(Candidates& c, StepContext& ctx, const double* own, double* s) {
  ensure_weights(c, ctx.temperature, ctx);
  compact(c, ctx, [](size_t) { return true; });  // a copy whose logits can be rewritten
  SamplerWorkspace::Impl& ws = ctx.ws;
  float* z = ws.z[ws.cur].data();
  float* original = ws.head_w.data();  // read back by picked()
  const double t = std::fmin(std::fmax(own[kTarget], 0.0), 1.0);
  const double a = std::fmin(std::fmax(2 * t - s[kWeightedSum] / s[kTotalWeight], 0.0), 1.0);
  const double inv_sum = 1 / weights_sum(c, ctx);
  for (size_t i = 0; i < c.n; ++i) {
    const double p = double(c.w[i]) * inv_sum;
    original[i] = float(p);
    if (z[i] == -__builtin_inff()) continue;
    const double d = std::fabs((p - a) * kInvWidth);
    z[i] = float(kPeak - kSharpness * d * d / (1 + d));
  }
  c.w_valid = false;
  ctx.temperature = 1.0;
}

bool picked(const Candidates& c, size_t chosen, double, StepContext& ctx, const double*, double* s,
            const SequenceState& seq) {
  s[kPendingAt] = double(seq.history.size());
  s[kPendingToken] = double(c.id(chosen));
  s[kPendingProb] = double(ctx.ws.head_w[chosen]);  // its original p, kept there by select()
  return true;
}
}  // namespace

extern const SamplerStageInterface kAdaptivePStage = {
    "adaptiveP", {kOptions, 2}, kStateSize,
    [](const SamplerConfig&, const double* own) { return own[kTarget] >= 0; },
    nullptr, select, reset, observe, picked};

}  // namespace lk
