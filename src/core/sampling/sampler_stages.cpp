#include "sampling/sampler_stages.h"

#include <cstring>

namespace lk {

// The registry: every stage, one line each, filters and selectors in any
// order (a new stage is one more line above the last). A filter's place in
// the preset orders is declared in its own file.
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
  X(kAdaptivePStage)      \
  /* end of the registry */

#define LK_DECLARE(id) extern const SamplerStageInterface id;
LK_STAGES(LK_DECLARE)
#undef LK_DECLARE

const char* const kOrderPresetNames[kOrderPresets] = {"llama.cpp", "hf"};

namespace {
#define LK_ADDRESS(id) &id,
const SamplerStageInterface* kStages[] = {LK_STAGES(LK_ADDRESS)};
#undef LK_ADDRESS
#undef LK_STAGES
constexpr size_t kStageTotal = sizeof(kStages) / sizeof(kStages[0]);

// What the registry implies, worked out once: each stage's slots (in order
// of registration), the filters, the preset orders and the options' defaults.
struct Layout {
  StageSlots slots[kStageTotal];
  size_t state = 0;
  size_t filters[kStageTotal];
  size_t filter_total = 0;
  int32_t presets[kOrderPresets][kStageTotal];
  double defaults[kMaxStageOptions] = {};
  Layout() {
    size_t options = 0;
    for (size_t s = 0; s < kStageTotal; ++s) {
      const SamplerStageInterface& stage = *kStages[s];
      slots[s] = {options, state};
      // A stage is a filter or a selector, never both nor neither.
      if ((stage.filter == nullptr) == (stage.select == nullptr)) __builtin_trap();
      if (options + stage.options.size > kMaxStageOptions) __builtin_trap();  // raise kMaxStageOptions in sampler.h
      for (size_t k = 0; k < stage.options.size; ++k) defaults[options + k] = stage.options.data[k].def;
      options += stage.options.size;
      if (!stage.state_field) state += stage.state_size;
      if (stage.filter) filters[filter_total++] = s;
      if (filter_total > kMaxFilters) __builtin_trap();  // raise kMaxFilters in sampler_stages.h
    }
    // Each preset: the filters by ascending rank, equal ranks in registry
    // order (an insertion sort: a dozen entries, and no sort's code in the download).
    for (size_t p = 0; p < kOrderPresets; ++p) {
      for (size_t f = 0; f < filter_total; ++f) {
        size_t j = f;
        for (; j > 0 && kStages[filters[presets[p][j - 1]]]->place[p] > kStages[filters[f]]->place[p]; --j)
          presets[p][j] = presets[p][j - 1];
        presets[p][j] = int32_t(f);
      }
    }
  }
};
const Layout& layout() {
  static const Layout l;
  return l;
}
}  // namespace

StageOptionValues::StageOptionValues() { std::memcpy(values, layout().defaults, sizeof(values)); }

Span<const SamplerStageInterface*> sampler_stages() { return {kStages, kStageTotal}; }

size_t filter_count() { return layout().filter_total; }

size_t filter_stage(size_t f) { return layout().filters[f]; }

int32_t sampler_stage_index(const char* name) {
  for (size_t f = 0; f < filter_count(); ++f)
    if (std::strcmp(kStages[filter_stage(f)]->name, name) == 0) return int32_t(f);
  return -1;
}

Span<int32_t> order_preset(size_t preset) { return {layout().presets[preset], layout().filter_total}; }

StageSlots stage_slots(size_t stage) { return layout().slots[stage]; }

size_t stage_state_size() { return layout().state; }

size_t enabled_selector(const SamplerConfig& cfg, size_t from) {
  for (size_t s = from; s < kStageTotal; ++s)
    if (kStages[s]->select && stage_enabled(cfg, s)) return s;
  return SIZE_MAX;
}

bool zero_mass_dropped(const SamplerConfig& cfg) {
  for (size_t s = 0; s < kStageTotal; ++s)
    if (kStages[s]->drops_zero_mass && stage_enabled(cfg, s)) return true;
  return false;
}

}  // namespace lk
