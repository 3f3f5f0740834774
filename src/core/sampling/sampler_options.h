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

#include "sampling/sampler.h"

namespace lk {

// The options' one-line docs feed the generated SamplerOptions (.d.ts) and
// docs/sampler.md, which scripts/sampler-docs.mjs writes from the native
// build's schema (scripts/sampler-schema.cpp); the shipped wasm modules are built with
// LK_OPTION_DOCS=0 and leave the text out (the download budget).
#ifndef LK_OPTION_DOCS
#define LK_OPTION_DOCS 1
#endif
#if LK_OPTION_DOCS
#define LK_DOC(text) text
#else
#define LK_DOC(text) ""
#endif

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
  // A SamplerConfig field (the core table), or null for an option a stage
  // declares (sampler_stages.h), whose value lives in stage_options.
  double (*get)(const SamplerConfig&);
  void (*set)(SamplerConfig&, double);
  double def;           // the default of a stage-declared option (core: the field's initialiser)
};

// The core table: options that are SamplerConfig fields.
Span<SamplerOption> sampler_options();

// Every option of the schema, in the order of the bindings' parameter table:
// the core table, then each registered stage's own options.
size_t option_count();
const SamplerOption& option_at(size_t i);
// The value in force (a stage option's default when cfg leaves it unset).
double option_value(const SamplerConfig& cfg, size_t i);
void set_option(SamplerConfig& cfg, size_t i, double value);
// Position of the option called `name` among all, or -1.
int32_t sampler_option_index(const char* name);
// Whether v is a valid value of the option (NaN never is).
bool option_accepts(const SamplerOption& option, double v);

// The message of a validate_sampler_options status (kBadOption, kBadOrder)
// for cfg, worded as the JS API words it, e.g. "options.topP must be <= 1,
// got 1.5", "options.order leaves out 'minP', which the options enable: list
// it, or turn it off". The wasm module hands these to JS, so both say the same.
std::string sampler_options_message(const Status& st, const SamplerConfig& cfg);

// The schema as JSON: {"options":[{name, kind, default, min, max,
// minExclusive, maxExclusive, doc, stage}], "stages":[the filters' names, by
// filter index], "selectors":[..], "orders":{"llama.cpp":[..], "hf":[..]},
// "maxTopLogprobs":20, "status":{name: code}}; unbounded sides are null; an
// option's stage is the stage that declares it, or null.
std::string sampler_schema_json();

}  // namespace lk
