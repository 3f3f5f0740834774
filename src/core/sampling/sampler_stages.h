// The sampler's stages behind one interface, as llama.cpp's llama_sampler_i:
// each stage is one struct of functions, and the registry
// (sampler_stages.cpp) lists them. The chain runs the enabled filters in the
// configured order, then the enabled selector (or the plain draw) picks the
// token; a selector may replace the filters (mirostat, as llama.cpp's common
// sampler runs it). A stage declares its options (they join the sampler schema that
// sampler_options.h exports, and reach the stage as `own`, from
// SamplerConfig::stage_options), its per-sequence state (kept in
// SequenceState::stage_state and saved with it) and, for a filter, its place
// in each preset order. The registry is the one list of stages: the filter
// names and the preset orders (in the schema, the .d.ts and the docs) come
// from it.
//
// Adding a stage: one file defining a SamplerStageInterface (a filter:
// stages/xtc.cpp; a selector: stages/adaptive_p.cpp), its test, a docs
// paragraph, and one line in the registry (CONTRIBUTING.md).
#pragma once
#include <cstddef>
#include <cstdint>

#include "sampling/sampler.h"
#include "sampling/sampler_options.h"
#include "sampling/sampling_candidates.h"

namespace lk {

// The preset orders (options.order = "llama.cpp" | "hf"): llama.cpp's
// common-sampler chain, and HF transformers' warper order (temperature first).
constexpr size_t kOrderPresets = 2;
// Room for filters (validation keeps a flag per filter on the stack).
constexpr size_t kMaxFilters = 64;
extern const char* const kOrderPresetNames[kOrderPresets];

struct SamplerStageInterface {
  const char* name;                  // as in the schema (and options.order for filters)
  Span<SamplerOption> options;       // options declared here (not SamplerConfig fields); may be empty
  size_t state_size;                 // per-sequence doubles; 0 = stateless
  // Whether the stage changes anything under these options. `own` are the
  // values of the stage's own options, in declaration order.
  bool (*enabled)(const SamplerConfig& cfg, const double* own);
  // Filters: narrow the candidates, at their place in the order (called only
  // when enabled).
  void (*filter)(Candidates& c, StepContext& ctx, const double* own);
  // Selectors (filter == nullptr): after the filters, leave in c the final
  // distribution (candidates and weights at ctx.temperature) the token is
  // drawn from; `state` is this sequence's state, already observed.
  void (*select)(Candidates& c, StepContext& ctx, const double* own, double* state);
  // Selectors with state: the state of a new sequence.
  void (*reset)(const SamplerConfig& cfg, const double* own, double* state);
  // At the start of each step: learn from the history (e.g. the token that was
  // accepted after the last pick). Nothing is called at accept time, so
  // SequenceState stays plain data.
  void (*observe)(const double* own, double* state, const SequenceState& seq);
  // After the draw (candidate `chosen` of c, whose log-probability under the
  // final distribution is `logprob`): update the state, or remember what the
  // next observe() needs. Returns whether the step's state is saved to the
  // sequence (false: the sequence keeps the state it had, unset included).
  bool (*picked)(const Candidates& c, size_t chosen, double logprob, StepContext& ctx, const double* own,
                 double* state, const SequenceState& seq);
  // Selectors: run instead of the filters (the selector applies what it
  // needs of them itself).
  bool replaces_filters = false;
  // Keeps no token of zero mass (but for min_keep): while such a stage is
  // enabled, the row's weights need not compute the tail below the mass grid.
  bool drops_zero_mass = false;
  // A selector whose state (state_size 1) predates the pooled stage state
  // keeps it in its own SequenceState field, saved under its own JSON key
  // (mirostat's mu, "mirostatMu"); nullptr: in SequenceState::stage_state.
  double SequenceState::*state_field = nullptr;
  // Filters: the place in each preset order (kOrderPresetNames), as a rank:
  // a preset lists the filters by ascending rank (equal ranks in registry
  // order). The built-in filters use multiples of 10, so a new one goes
  // between two by picking a rank between theirs.
  double place[kOrderPresets] = {0, 0};
  // Filters that select a fixed count of the best tokens (top-k): that count
  // (0 = none) under these options, so that when the filter opens the chain
  // the step's first scan also gathers the head it selects from.
  size_t (*head)(const SamplerConfig& cfg, const double* own, size_t min_keep) = nullptr;
};

// Every registered stage, in registry order.
Span<const SamplerStageInterface*> sampler_stages();
// The filters (stages with a filter function), in registry order: options.order
// lists filter indices into this list.
size_t filter_count();
// The registry index of filter f.
size_t filter_stage(size_t f);
// The filter index of the filter called `name`, or -1.
int32_t sampler_stage_index(const char* name);
// A preset order (0 = "llama.cpp", 1 = "hf") as filter indices, every filter once.
Span<int32_t> order_preset(size_t preset);

// Where stage s's own option values and state live.
struct StageSlots {
  size_t options;  // first index into SamplerConfig::stage_options
  size_t state;    // first index into SequenceState::stage_state
};
StageSlots stage_slots(size_t stage);
// Σ state_size over the stages whose state is in SequenceState::stage_state.
size_t stage_state_size();
// The values of stage s's own options in cfg, in declaration order.
inline const double* stage_own(const SamplerConfig& cfg, size_t stage) {
  return cfg.stage_options.values + stage_slots(stage).options;
}
// Whether stage s changes anything under cfg (its `enabled`, with its own options).
inline bool stage_enabled(const SamplerConfig& cfg, size_t stage) {
  return sampler_stages().data[stage]->enabled(cfg, stage_own(cfg, stage));
}
// The first enabled selector registered at or after `from`, or SIZE_MAX (the plain draw).
size_t enabled_selector(const SamplerConfig& cfg, size_t from = 0);
// Whether an enabled stage (a filter, wherever the order puts it, or the
// selector) keeps no zero-mass token: StepContext::skip_below_grid.
bool zero_mass_dropped(const SamplerConfig& cfg);

// The temperature stage's work (sampling_filters.cpp), for a selector that
// replaces the filters but applies the temperature (mirostat).
void apply_temperature(Candidates& c, StepContext& ctx);

}  // namespace lk
