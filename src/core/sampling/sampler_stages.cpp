#include "sampling/sampler_stages.h"

namespace lk {

// The registry: every stage, one line each. The filters come first, in
// SamplerStage order (options.order names them); the selectors after.
#define LK_STAGES(X)      \
  X(kTopKStage)           \
  X(kTopPStage)           \
  X(kMinPStage)           \
  X(kTypicalPStage)       \
  X(kTopNSigmaStage)      \
  X(kEpsilonStage)        \
  X(kEtaStage)            \
  X(kXtcStage)            \
  X(kTemperatureStage)    \
  X(kMirostatStage)       \
  X(kAdaptivePStage)

#define LK_DECLARE(id) extern const SamplerStageInterface id;
LK_STAGES(LK_DECLARE)
#undef LK_DECLARE

namespace {
#define LK_ADDRESS(id) &id,
const SamplerStageInterface* kStages[] = {LK_STAGES(LK_ADDRESS)};
#undef LK_ADDRESS
constexpr size_t kStageTotal = sizeof(kStages) / sizeof(kStages[0]);

// Slots in order of registration; checked once against the room SamplerConfig has.
struct Layout {
  StageSlots slots[kStageTotal];
  size_t state = 0;
  Layout() {
    size_t options = 0;
    for (size_t s = 0; s < kStageTotal; ++s) {
      slots[s] = {options, state};
      options += kStages[s]->options.size;
      if (!kStages[s]->state_field) state += kStages[s]->state_size;
    }
    if (options > kMaxStageOptions) __builtin_trap();  // raise kMaxStageOptions in sampler.h
  }
};
const Layout& layout() {
  static const Layout l;
  return l;
}
}  // namespace
#undef LK_STAGES

Span<const SamplerStageInterface*> sampler_stages() { return {kStages, kStageTotal}; }

StageSlots stage_slots(size_t stage) { return layout().slots[stage]; }

size_t stage_state_size() { return layout().state; }

void stage_option_values(const SamplerConfig& cfg, size_t stage, double* out) {
  const SamplerStageInterface& s = *kStages[stage];
  const size_t base = stage_slots(stage).options;
  for (size_t k = 0; k < s.options.size; ++k) {
    const double v = cfg.stage_options[base + k];
    out[k] = v == v ? v : s.options.data[k].def;
  }
}

size_t enabled_selector(const SamplerConfig& cfg, size_t from) {
  double own[kMaxStageOptions];
  for (size_t s = from; s < kStageTotal; ++s) {
    stage_option_values(cfg, s, own);
    if (kStages[s]->enabled(cfg, own)) return s;
  }
  return SIZE_MAX;
}

bool zero_mass_dropped(const SamplerConfig& cfg) {
  double own[kMaxStageOptions];
  for (size_t s = 0; s < kStageTotal; ++s) {
    if (!kStages[s]->drops_zero_mass) continue;
    stage_option_values(cfg, s, own);
    if (kStages[s]->enabled(cfg, own)) return true;
  }
  return false;
}

}  // namespace lk
