// The sampler's stages behind one interface, as llama.cpp's llama_sampler_i:
// each stage is one struct of functions, and the registry
// (sampler_stages.cpp) lists them. The chain runs the enabled filters in the
// configured order, then the enabled selector (or the plain draw) picks the
// token; a selector may replace the filters (mirostat, as llama.cpp's common
// sampler runs it). A stage declares its options (they join the sampler schema that
// sampler_options.h exports, and reach the stage through
// SamplerConfig::stage_options) and its per-sequence state (kept in
// SequenceState::stage_state and saved with it).
//
// Adding a stage: one file defining a SamplerStageInterface (see
// stages/adaptive_p.cpp), its test, a docs entry, and one line in the registry.
#pragma once
#include <cstddef>
#include <cstdint>

#include "sampling/sampler.h"
#include "sampling/sampler_options.h"
#include "sampling/sampling_candidates.h"

namespace lk {

struct SamplerStageInterface {
  const char* name;                  // as in the schema (and options.order for filters)
  Span<SamplerOption> options;       // options declared here (not SamplerConfig fields); may be empty
  size_t state_size;                 // per-sequence doubles; 0 = stateless
  // Whether the stage changes anything under these options. `own` are the
  // values of the stage's own options, in declaration order.
  bool (*enabled)(const SamplerConfig& cfg, const double* own);
  // Filters: narrow the candidates, at their place in the order.
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
};

// Every stage: the filters first, in SamplerStage order, then the selectors.
Span<const SamplerStageInterface*> sampler_stages();
// The registered filters are SamplerStage's values [0, kStageCount).
inline const SamplerStageInterface& filter_stage(SamplerStage s) { return *sampler_stages().data[size_t(s)]; }

// Where stage s's own option values and state live.
struct StageSlots {
  size_t options;  // first index into SamplerConfig::stage_options
  size_t state;    // first index into SequenceState::stage_state
};
StageSlots stage_slots(size_t stage);
// Σ state_size over the stages whose state is in SequenceState::stage_state.
size_t stage_state_size();
// The stage's own option values (declared defaults where cfg leaves them unset).
void stage_option_values(const SamplerConfig& cfg, size_t stage, double* out);
// The first enabled selector registered at or after `from`, or SIZE_MAX (the plain draw).
size_t enabled_selector(const SamplerConfig& cfg, size_t from = kStageCount);
// Whether an enabled stage (a filter, wherever the order puts it, or the
// selector) keeps no zero-mass token: StepContext::skip_below_grid.
bool zero_mass_dropped(const SamplerConfig& cfg);

}  // namespace lk
