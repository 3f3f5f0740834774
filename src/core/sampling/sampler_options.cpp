#include "sampling/sampler_options.h"

#include "number_text.h"

#include "sampling/sampler_stages.h"

#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace lk {
namespace {
constexpr double kInf = __builtin_inf();
constexpr double kFloatMax = 3.4028234663852886e38;
constexpr double kInt32Max = 2147483647.0;
// The sampler's weights hold their contract for T in [2^-64, 2^65] (kernels.h
// make_weight_params: every intermediate normal); a temperature and a dynamic
// range of at most 2^64 each keep T there (below 2^-64 is greedy).
constexpr double kMaxTemperature = 0x1p64;

// A double as the field's type, defined for every double: a value the type
// cannot hold becomes one that validation rejects (an integer field's minimum,
// below every option's range; a float field's infinity), never undefined behaviour.
template <class T>
T stored(double v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v != 0;
  } else if constexpr (std::is_integral_v<T>) {
    const bool fits = v >= double(std::numeric_limits<T>::min()) && v <= double(std::numeric_limits<T>::max());
    return fits && double(T(v)) == v ? T(v) : std::numeric_limits<T>::min();
  } else if constexpr (std::is_same_v<T, float>) {
    return v > kFloatMax ? __builtin_inff() : v < -kFloatMax ? -__builtin_inff() : float(v);
  } else {
    return v;
  }
}

#define LK_FIELD(f)                                                            \
  [](const SamplerConfig& c) { return double(c.f); },                          \
      [](SamplerConfig& c, double v) { c.f = stored<decltype(c.f)>(v); }, 0.0

// clang-format off
const SamplerOption kOptions[] = {
  {"temperature", OptionKind::kNumber, 0, kMaxTemperature, false, false, LK_DOC("0 = greedy (the first maximum); 1 leaves the logits as they are; at most 2^64."), LK_FIELD(temperature)},
  {"dynatempRange", OptionKind::kNumber, 0, kMaxTemperature, false, false, LK_DOC("llama.cpp dynamic temperature (temp_ext): T ranges over temperature ± this; 0 = off."), LK_FIELD(dynatemp_range)},
  {"dynatempExponent", OptionKind::kNumber, 0, kInf, false, false, LK_DOC("Exponent of the normalised entropy in dynamic temperature."), LK_FIELD(dynatemp_exponent)},
  {"topK", OptionKind::kInteger, 0, kInt32Max, false, false, LK_DOC("Keep the k most probable tokens; 0 = off."), LK_FIELD(top_k)},
  {"topP", OptionKind::kNumber, 0, 1, false, false, LK_DOC("Nucleus: keep the smallest head holding this much mass; 1 = off."), LK_FIELD(top_p)},
  {"minP", OptionKind::kNumber, 0, 1, false, false, LK_DOC("Keep tokens with p >= minP · p_max; 0 = off."), LK_FIELD(min_p)},
  {"typicalP", OptionKind::kNumber, 0, 1, false, false, LK_DOC("Locally typical sampling (llama.cpp typical); 1 = off."), LK_FIELD(typical_p)},
  {"topNSigma", OptionKind::kNumber, 0, kInf, false, false, LK_DOC("Keep logits >= max − n·σ (llama.cpp top-n-σ); 0 = off."), LK_FIELD(top_n_sigma)},
  {"epsilon", OptionKind::kNumber, 0, 1, false, true, LK_DOC("HF epsilon sampling: keep p >= epsilon; 0 = off."), LK_FIELD(epsilon)},
  {"eta", OptionKind::kNumber, 0, 1, false, true, LK_DOC("HF eta sampling: keep p >= min(eta, sqrt(eta)·e^-H); 0 = off."), LK_FIELD(eta)},
  {"minKeep", OptionKind::kInteger, 0, kInt32Max, false, false, LK_DOC("Every filter keeps at least max(minKeep, 1) tokens."), LK_FIELD(min_keep)},
  {"repetitionPenalty", OptionKind::kFloat, 0, kFloatMax, true, false, LK_DOC("HF/llama.cpp repetition penalty: positive logits divided, negative multiplied; 1 = off."), LK_FIELD(repetition_penalty)},
  {"frequencyPenalty", OptionKind::kFloat, -kFloatMax, kFloatMax, false, false, LK_DOC("OpenAI frequency penalty: z −= count · this."), LK_FIELD(frequency_penalty)},
  {"presencePenalty", OptionKind::kFloat, -kFloatMax, kFloatMax, false, false, LK_DOC("OpenAI presence penalty: z −= this once a token occurred."), LK_FIELD(presence_penalty)},
  {"penaltyLastN", OptionKind::kInteger, -1, kInt32Max, false, false, LK_DOC("Penalty window over the history: -1 = all, 0 = none."), LK_FIELD(penalty_last_n)},
  {"promptIgnoreLength", OptionKind::kInteger, 0, kInt32Max, false, false, LK_DOC("HF prompt_ignore_length: the first this many history tokens (e.g. the prompt) are never penalised."), LK_FIELD(penalty_prompt_ignore_length)},
  {"dryMultiplier", OptionKind::kFloat, 0, kFloatMax, false, false, LK_DOC("DRY (llama.cpp) multiplier; 0 = off."), LK_FIELD(dry_multiplier)},
  {"dryBase", OptionKind::kFloat, 0, kFloatMax, true, false, LK_DOC("DRY base of the exponential penalty; < 1 = off."), LK_FIELD(dry_base)},
  {"dryAllowedLength", OptionKind::kInteger, 0, kInt32Max, false, false, LK_DOC("DRY: repeats up to this length are not penalised."), LK_FIELD(dry_allowed_length)},
  {"dryPenaltyLastN", OptionKind::kInteger, -1, kInt32Max, false, false, LK_DOC("DRY window over the history: -1 = all, 0 = none."), LK_FIELD(dry_penalty_last_n)},
  {"minNewTokens", OptionKind::kInteger, 0, kInt32Max, false, false, LK_DOC("EOS is masked until this many tokens were generated (HF)."), LK_FIELD(min_new_tokens)},
  {"minLength", OptionKind::kInteger, 0, kInt32Max, false, false, LK_DOC("EOS is masked until the history (prompt included) is this long (HF)."), LK_FIELD(min_length)},
  {"noRepeatNgramSize", OptionKind::kInteger, 0, kInt32Max, false, false, LK_DOC("HF no-repeat n-gram size; 0 = off."), LK_FIELD(no_repeat_ngram_size)},
  {"mirostat", OptionKind::kInteger, 0, 2, false, false, LK_DOC("Mirostat 1 or 2 (replaces the stage chain); 0 = off."), LK_FIELD(mirostat)},
  {"mirostatTau", OptionKind::kNumber, 0, kInf, false, false, LK_DOC("Mirostat target surprise, in bits."), LK_FIELD(mirostat_tau)},
  {"mirostatEta", OptionKind::kNumber, 0, kInf, false, false, LK_DOC("Mirostat learning rate."), LK_FIELD(mirostat_eta)},
  {"mirostatM", OptionKind::kInteger, 1, 1024, false, false, LK_DOC("Mirostat 1: tokens used to estimate the Zipf exponent."), LK_FIELD(mirostat_m)},
  {"topLogprobs", OptionKind::kInteger, 0, kMaxTopLogprobs, false, false, LK_DOC("Alternatives to report (OpenAI top_logprobs), under the raw distribution unless topLogprobsFinal."), LK_FIELD(top_logprobs)},
  {"topLogprobsFinal", OptionKind::kBoolean, 0, 1, false, false, LK_DOC("Report the alternatives under the final distribution instead."), LK_FIELD(top_logprobs_final)},
  {"rawLogprob", OptionKind::kBoolean, 0, 1, false, false, LK_DOC("Also the token's log-probability under the raw distribution (one more pass over V)."), LK_FIELD(compute_raw_logprob)},
  {"entropy", OptionKind::kBoolean, 0, 1, false, false, LK_DOC("Also the entropy of the final distribution."), LK_FIELD(compute_entropy)},
};
// clang-format on
#undef LK_FIELD

const char* kind_name(OptionKind k) {
  switch (k) {
    case OptionKind::kNumber: return "number";
    case OptionKind::kFloat: return "float";
    case OptionKind::kInteger: return "integer";
    case OptionKind::kBoolean: return "boolean";
  }
  return "";
}

void append_number(std::string& out, double v) {
  out += v == kInf || v == -kInf ? "null" : number_text(v);
}

void append_string(std::string& out, const char* s) {
  out += '"';
  for (; *s; ++s) {
    if (*s == '"' || *s == '\\') out += '\\';
    out += *s;
  }
  out += '"';
}

// A list of filter indices as their names.
void append_filters(std::string& out, Span<int32_t> filters) {
  out += '[';
  for (size_t i = 0; i < filters.size; ++i) {
    if (i) out += ',';
    append_string(out, sampler_stages().data[filter_stage(size_t(filters.data[i]))]->name);
  }
  out += ']';
}
}  // namespace

Span<SamplerOption> sampler_options() { return {kOptions, sizeof(kOptions) / sizeof(kOptions[0])}; }

namespace {
// Option i of the schema beyond the core table: its stage and its place there.
struct StageOption {
  size_t stage, own;
};
bool stage_option(size_t i, StageOption* where) {
  size_t k = i - sampler_options().size;
  const Span<const SamplerStageInterface*> stages = sampler_stages();
  for (size_t s = 0; s < stages.size; ++s) {
    if (k < stages.data[s]->options.size) {
      *where = {s, k};
      return true;
    }
    k -= stages.data[s]->options.size;
  }
  return false;
}
}  // namespace

size_t option_count() {
  size_t n = sampler_options().size;
  const Span<const SamplerStageInterface*> stages = sampler_stages();
  for (size_t s = 0; s < stages.size; ++s) n += stages.data[s]->options.size;
  return n;
}

const SamplerOption& option_at(size_t i) {
  if (i < sampler_options().size) return sampler_options().data[i];
  StageOption at{};
  stage_option(i, &at);
  return sampler_stages().data[at.stage]->options.data[at.own];
}

double option_value(const SamplerConfig& cfg, size_t i) {
  if (i < sampler_options().size) return sampler_options().data[i].get(cfg);
  StageOption at{};
  stage_option(i, &at);
  return stage_own(cfg, at.stage)[at.own];
}

void set_option(SamplerConfig& cfg, size_t i, double value) {
  if (i < sampler_options().size) return sampler_options().data[i].set(cfg, value);
  StageOption at{};
  stage_option(i, &at);
  cfg.stage_options.values[stage_slots(at.stage).options + at.own] = value;
}

int32_t sampler_option_index(const char* name) {
  for (size_t i = 0; i < option_count(); ++i)
    if (std::strcmp(option_at(i).name, name) == 0) return int32_t(i);
  return -1;
}

bool option_accepts(const SamplerOption& o, double v) {
  if (!(v == v) || v == kInf || v == -kInf) return false;
  if (o.min_exclusive ? !(v > o.min) : !(v >= o.min)) return false;
  if (o.max_exclusive ? !(v < o.max) : !(v <= o.max)) return false;
  if (o.kind == OptionKind::kInteger || o.kind == OptionKind::kBoolean) return v == double(int64_t(v));
  return true;
}

namespace {
std::string filter_name(size_t f) { return sampler_stages().data[filter_stage(f)]->name; }
}  // namespace

std::string sampler_options_message(const Status& st, const SamplerConfig& cfg) {
  if (st.code == StatusCode::kBadOption && st.index < option_count()) {
    const SamplerOption& o = option_at(st.index);
    const double v = option_value(cfg, st.index);
    const std::string name = std::string("options.") + o.name, got = ", got " + number_text(v);
    const bool integer = o.kind == OptionKind::kInteger || o.kind == OptionKind::kBoolean;
    if (option_accepts(o, v)) {
      // A valid value that enables a second selector.
      const size_t first = enabled_selector(cfg);
      return name + " enables the " + sampler_stages().data[enabled_selector(cfg, first + 1)]->name +
             " selector, but " + sampler_stages().data[first]->name + " already picks the token: one selector at a time";
    }
    if (v != v || (integer && v == v && v != kInf && v != -kInf && v != double(int64_t(v))))
      return name + " must be " + (integer ? "an integer" : "a number") + got;
    if (o.min_exclusive ? !(v > o.min) : !(v >= o.min))
      return name + " must be " + (o.min_exclusive ? "> " : ">= ") + number_text(o.min) + got;
    if (v == kInf && o.max == kInf) return name + " must be finite" + got;
    return name + " must be " + (o.max_exclusive ? "< " : "<= ") + number_text(o.max) + got;
  }
  if (st.code == StatusCode::kBadOrder) {
    const Span<int32_t> order = cfg.order;
    if (st.index >= order.size) {
      return "options.order leaves out '" + filter_name(st.index - order.size) +
             "', which the options enable: list it, or turn it off";
    }
    const int32_t f = order.data[st.index];
    const std::string at = "options.order[" + number_text(double(st.index)) + "]";
    if (f >= 0 && size_t(f) < filter_count()) return at + " repeats '" + filter_name(size_t(f)) + "': list each stage once";
    std::string names;
    for (size_t k = 0; k < filter_count(); ++k) names += (k ? ", " : "") + filter_name(k);
    return at + " must be one of " + names;
  }
  return status_name(st.code);
}

std::string sampler_schema_json() {
  std::string out = "{\"options\":[";
  const SamplerConfig defaults;
  const Span<const SamplerStageInterface*> stages = sampler_stages();
  for (size_t i = 0; i < option_count(); ++i) {
    const SamplerOption& o = option_at(i);
    if (i) out += ',';
    out += "{\"name\":";
    append_string(out, o.name);
    out += ",\"kind\":";
    append_string(out, kind_name(o.kind));
    out += ",\"default\":";
    append_number(out, option_value(defaults, i));
    out += ",\"min\":";
    append_number(out, o.min);
    out += ",\"max\":";
    append_number(out, o.max);
    out += o.min_exclusive ? ",\"minExclusive\":true" : ",\"minExclusive\":false";
    out += o.max_exclusive ? ",\"maxExclusive\":true" : ",\"maxExclusive\":false";
    out += ",\"doc\":";
    append_string(out, o.doc);
    out += ",\"stage\":";
    StageOption at{};
    if (stage_option(i, &at)) append_string(out, stages.data[at.stage]->name);
    else out += "null";
    out += '}';
  }
  out += "],\"stages\":";
  std::vector<int32_t> filters(filter_count());
  for (size_t f = 0; f < filters.size(); ++f) filters[f] = int32_t(f);
  append_filters(out, {filters.data(), filters.size()});
  out += ",\"selectors\":[";
  bool first = true;
  for (size_t s = 0; s < stages.size; ++s) {
    if (!stages.data[s]->select) continue;
    if (!first) out += ',';
    first = false;
    append_string(out, stages.data[s]->name);
  }
  out += ']';
  out += ",\"orders\":{";
  for (size_t p = 0; p < kOrderPresets; ++p) {
    if (p) out += ',';
    append_string(out, kOrderPresetNames[p]);
    out += ':';
    append_filters(out, order_preset(p));
  }
  out += "},\"maxTopLogprobs\":";
  append_number(out, kMaxTopLogprobs);
  out += ",\"status\":{";
  for (int32_t code = 0; code < int32_t(StatusCode::kCount); ++code) {
    if (code) out += ',';
    append_string(out, status_id(StatusCode(code)));
    out += ':';
    append_number(out, code);
  }
  out += "}}";
  return out;
}

}  // namespace lk
