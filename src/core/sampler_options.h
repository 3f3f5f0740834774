// The sampler's scalar options, one table: the name the JS API uses, the
// kind, the valid range, a one-line doc, and where the value lives in
// SamplerConfig. Defaults are SamplerConfig's own member initialisers (read
// through the table), so they are written once. validate_sampler_config
// checks every option through this table (an option outside its range is
// kBadOption with index = the option's position here); the wasm module
// exports it, with the stage names, order presets, list layout, result
// layout and status codes, as the schema (sampler_schema_json) from which the
// JS wrapper builds its validation, and against which tests check the .d.ts
// and docs/sampler.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "sampler.h"

namespace lk {

enum class OptionKind : int32_t {
  kNumber,   // a finite double
  kFloat,    // a finite value stored as float32 (|v| <= FLT_MAX)
  kInteger,  // an integer stored as int32
  kBoolean,  // 0 or 1
};

struct SamplerOption {
  const char* name;     // as in the JS API
  OptionKind kind;
  double min, max;      // -inf / +inf: unbounded on that side
  bool min_exclusive, max_exclusive;
  const char* doc;      // one line for the .d.ts and docs/sampler.md
  double (*get)(const SamplerConfig&);
  void (*set)(SamplerConfig&, double);
};

// Every scalar option, in the order of the bindings' parameter table.
Span<SamplerOption> sampler_options();
// Position of the option called `name`, or -1.
int32_t sampler_option_index(const char* name);
// Whether v is a valid value of the option (NaN never is).
bool option_accepts(const SamplerOption& option, double v);

// Names of the stages, indexed by SamplerStage.
extern const char* const kStageNames[kStageCount];

// The schema as JSON: {"options":[{name, kind, default, min, max,
// minExclusive, maxExclusive, doc}], "stages":[..], "orders":{"llama.cpp":[..],
// "hf":[..]}, "maxTopLogprobs":20, "status":{name: code}}; unbounded sides are null.
std::string sampler_schema_json();

}  // namespace lk
