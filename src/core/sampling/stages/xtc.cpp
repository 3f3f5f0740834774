// XTC, "exclude top choices" (llama.cpp `llama_sampler_init_xtc(p, t,
// min_keep, seed)`): a filter that, with probability xtcProbability, removes
// every token with p_i >= xtcThreshold but the least probable of them, so the
// step picks a less obvious continuation while keeping one good one.
//
// Per step, with p_i the candidates' probabilities at the temperature in
// force (this stage's place in the order decides which): it applies iff the
// step's second uniform u2 <= xtcProbability (every step draws u2, so streams
// stay aligned whether or not XTC applies); then, if at least two tokens have
// p_i >= xtcThreshold, all of them but the last in rank order (logit
// descending, ties lower id first) are removed, unless fewer than min_keep
// tokens would remain. Off when xtcProbability = 0 or xtcThreshold > 0.5
// (llama.cpp's rule: above 0.5 at most one token can pass). Place: after
// eta, before temperature in llama.cpp's order; last in HF's.
//
// The model for a new filter: its options are declared here (not SamplerConfig
// fields) and reach it as `own`.
#include "sampling/sampler_stages.h"

namespace lk {
namespace {
enum Option { kProbability, kThreshold };

const SamplerOption kOptions[] = {
    {"xtcProbability", OptionKind::kNumber, 0, 1, false, false,
     LK_DOC("XTC (llama.cpp): probability of applying it at a step; 0 = off."), nullptr, nullptr, 0.0},
    {"xtcThreshold", OptionKind::kNumber, 0, 1, false, false,
     LK_DOC("XTC: tokens with p >= this (all but the least probable) are removed; > 0.5 = off."), nullptr, nullptr, 0.1},
};

bool enabled(const SamplerConfig&, const double* own) { return own[kProbability] > 0 && own[kThreshold] <= 0.5; }

void filter(Candidates& c, StepContext& ctx, const double* own) {
  if (c.n < 2 || ctx.u_aux > own[kProbability]) return;
  ensure_weights(c, ctx.temperature, ctx);
  const double threshold = own[kThreshold] * weights_sum(c, ctx);
  size_t above = 0, last = 0;
  uint32_t last_key = 0;
  for (size_t i = 0; i < c.n; ++i) {
    if (double(c.w[i]) < threshold) continue;
    // The least probable of them: the last in rank order (largest key, then largest id).
    const uint32_t key = rank_key_desc(c.z[i]);
    if (above == 0 || key >= last_key) {
      last_key = key;
      last = i;
    }
    ++above;
  }
  if (above < 2 || c.n - (above - 1) < ctx.min_keep) return;
  compact(c, ctx, [&](size_t i) { return i == last || double(c.w[i]) < threshold; });
  c.w_valid = false;  // the maximum was removed
}
}  // namespace

extern const SamplerStageInterface kXtcStage = {
    "xtc", {kOptions, 2}, 0, enabled, filter, nullptr, nullptr, nullptr, nullptr,
    /*replaces_filters=*/false, /*drops_zero_mass=*/false, /*state_field=*/nullptr,
    /*place: llama.cpp, hf=*/{80, 90}};

}  // namespace lk
