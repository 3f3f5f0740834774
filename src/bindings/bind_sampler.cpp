// The sampler (sampler_session.h, sampling_speculative.h). A sampler is
// built by one call: its scalar options cross as one double per entry of
// sampler_options() (sampler_options.h), its token lists packed in one int32
// buffer in the order of kLists, and the logit bias values as float32s. The
// layouts are exported in the schema (lk_sampler_schema), from which the JS
// wrapper builds its tables: nothing here is mirrored by hand in JS.
// 64-bit seeds, streams and counters cross as decimal strings.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common.h"
#include "sampling/sampler_options.h"
#include "sampling/sampler_session.h"
#include "sampling/sampling_speculative.h"

using lk_bind::ptr;
using lk_bind::report;

namespace {
// The packed lists: each is its length (-1 for an absent allowedTokens, which
// then restricts nothing) followed by its tokens.
enum List { kBanned, kAllowed, kBeginSuppress, kEos, kBadWords, kBadWordsOffsets, kDryBreakers,
            kDryBreakersOffsets, kOrder, kBiasTokens, kPrompt, kListCount };
const char* const kListNames[kListCount] = {"banned", "allowed", "beginSuppress", "eos", "badWords",
                                            "badWordsOffsets", "dryBreakers", "dryBreakersOffsets",
                                            "order", "biasTokens", "prompt"};
// Result of a step, as doubles: token, logprob, raw logprob, entropy, candidates,
// the alternatives' count, then kMaxTopLogprobs tokens and their log-probabilities.
enum Result { kToken, kLogprob, kRawLogprob, kEntropy, kCandidates, kTopCount, kTopTokens,
              kTopLogprobs = kTopTokens + lk::kMaxTopLogprobs, kResultSize = kTopLogprobs + lk::kMaxTopLogprobs };

uint64_t parse_u64(const std::string& s) { return std::strtoull(s.c_str(), nullptr, 10); }

// One workspace for every sampler of this module instance: a module (one per
// page or Worker) runs one step at a time, and a workspace is ~44 bytes per
// vocabulary entry (11 MiB at 256 000), which batch use would multiply.
lk::SamplerWorkspace& shared_workspace() {
  static lk::SamplerWorkspace ws;
  return ws;
}

template <class T>
lk::Span<T> span_of(const std::vector<int32_t>& v) {
  return {reinterpret_cast<const T*>(v.data()), v.size()};
}

class SamplerBinding {
 public:
  SamplerBinding(const std::string& seed, const std::string& stream, uintptr_t params, uintptr_t lists,
                 uintptr_t bias_values)
      : sampler_(parse_u64(seed), parse_u64(stream), &shared_workspace()) {
    lk::SamplerConfig cfg;
    // Every option of the schema, core and stage-declared.
    for (size_t i = 0; i < lk::option_count(); ++i) lk::set_option(cfg, i, ptr<double>(params)[i]);
    // Unpack the lists; configure() copies them, so these vectors may go.
    std::vector<int32_t> list[kListCount];
    const int32_t* p = ptr<int32_t>(lists);
    for (int k = 0; k < kListCount; ++k) {
      const int32_t n = *p++;
      if (k == kAllowed) cfg.restrict_to_allowed = n >= 0;
      if (n > 0) list[k].assign(p, p + n);
      if (n > 0) p += n;
    }
    std::vector<lk::TokenBias> bias(list[kBiasTokens].size());
    for (size_t i = 0; i < bias.size(); ++i) bias[i] = {list[kBiasTokens][i], ptr(bias_values)[i]};
    cfg.logit_bias = {bias.data(), bias.size()};
    cfg.banned_tokens = span_of<int32_t>(list[kBanned]);
    cfg.allowed_tokens = span_of<int32_t>(list[kAllowed]);
    cfg.begin_suppress_tokens = span_of<int32_t>(list[kBeginSuppress]);
    cfg.eos_tokens = span_of<int32_t>(list[kEos]);
    cfg.bad_words = span_of<int32_t>(list[kBadWords]);
    cfg.bad_words_offsets = span_of<uint32_t>(list[kBadWordsOffsets]);
    cfg.dry_breakers = span_of<int32_t>(list[kDryBreakers]);
    cfg.dry_breakers_offsets = span_of<uint32_t>(list[kDryBreakersOffsets]);
    cfg.order = span_of<int32_t>(list[kOrder]);
    options_code_ = report(sampler_.configure(cfg));
    sampler_.set_prompt(list[kPrompt].data(), list[kPrompt].size());
  }

  // A bad option or order, found at construction: its code (0 = none) and
  // the core's message (the JS wrapper throws it and disposes the sampler).
  int options_code() const { return options_code_; }
  std::string options_message() const { return lk::sampler_options_message(sampler_.options_status(), sampler_.config()); }

  void set_prompt(uintptr_t tokens, uint32_t n) { sampler_.set_prompt(ptr<int32_t>(tokens), n); }

  // For the plain exports below (lk_sampler_sample, lk_sampler_accept).
  uintptr_t address() const { return reinterpret_cast<uintptr_t>(this); }

  // out: kResultSize doubles laid out as Result.
  int sample(uintptr_t logits, uint32_t vocab, uintptr_t bitmask, uint32_t words, uintptr_t out) {
    lk::SampleResult r;
    int code = report(sampler_.sample(ptr(logits), vocab, &r, mask(bitmask, words)));
    if (code == 0) {
      double* o = ptr<double>(out);
      o[kToken] = r.token;
      o[kLogprob] = r.logprob;
      o[kRawLogprob] = r.raw_logprob;
      o[kEntropy] = r.entropy;
      o[kCandidates] = double(r.candidates);
      o[kTopCount] = r.top_count;
      for (int i = 0; i < r.top_count; ++i) {
        o[kTopTokens + i] = r.top_tokens[i];
        o[kTopLogprobs + i] = r.top_logprobs[i];
      }
    }
    return code;
  }

  int distribution(uintptr_t logits, uint32_t vocab, uintptr_t bitmask, uint32_t words, uintptr_t ids,
                   uintptr_t probs, uintptr_t count) {
    size_t n = 0;
    int code = report(sampler_.distribution(ptr(logits), vocab, ptr<int32_t>(ids), ptr(probs), &n, mask(bitmask, words)));
    *ptr<uint32_t>(count) = uint32_t(n);
    return code;
  }

  void accept(int32_t token) { sampler_.accept(token); }
  void reset() { sampler_.reset(); }
  std::string save() const { return sampler_.save(); }
  int restore(const std::string& json) { return report(sampler_.restore(json)); }
  double history_length() { return double(sampler_.state().history.size()); }

 private:
  static lk::Span<uint32_t> mask(uintptr_t bitmask, uint32_t words) {
    return {bitmask ? ptr<uint32_t>(bitmask) : nullptr, bitmask ? size_t(words) : 0};
  }

  lk::Sampler sampler_;
  int options_code_ = 0;
};

// The core's schema plus this file's layouts (lists, result).
std::string sampler_schema() {
  std::string core = lk::sampler_schema_json();
  std::string extra = ",\"lists\":[";
  for (int k = 0; k < kListCount; ++k) {
    if (k) extra += ',';
    extra += std::string("\"") + kListNames[k] + "\"";
  }
  extra += "],\"result\":{\"token\":" + std::to_string(kToken) + ",\"logprob\":" + std::to_string(kLogprob) +
           ",\"rawLogprob\":" + std::to_string(kRawLogprob) + ",\"entropy\":" + std::to_string(kEntropy) +
           ",\"candidates\":" + std::to_string(kCandidates) + ",\"topCount\":" + std::to_string(kTopCount) +
           ",\"topTokens\":" + std::to_string(kTopTokens) + ",\"topLogprobs\":" + std::to_string(kTopLogprobs) +
           ",\"size\":" + std::to_string(kResultSize) + "}";
  core.insert(core.size() - 1, extra);
  return core;
}

// out: accepted, token, the stream's counter after the call (as a double: exact below 2^53).
int speculative_verify(uintptr_t target, uintptr_t draft, uintptr_t tokens, uint32_t k, uint32_t vocab,
                       const std::string& seed, const std::string& stream, const std::string& counter,
                       uintptr_t out) {
  lk::SamplingRng rng{parse_u64(seed), parse_u64(stream), parse_u64(counter)};
  lk::SpeculativeResult r;
  int code = report(lk::speculative_verify(ptr(target), ptr(draft), ptr<int32_t>(tokens), k, vocab, rng, &r));
  double* o = ptr<double>(out);
  o[0] = r.accepted;
  o[1] = r.token;
  o[2] = double(rng.counter);
  return code;
}

std::string status_message(int32_t code) { return lk::status_name(lk::StatusCode(code)); }
}  // namespace

// The per-token calls: plain exports taking the SamplerBinding's address (see common.h).
extern "C" EMSCRIPTEN_KEEPALIVE int lk_sampler_sample(uintptr_t self, uintptr_t logits, uint32_t vocab,
                                                      uintptr_t bitmask, uint32_t words, uintptr_t out) {
  return ptr<SamplerBinding>(self)->sample(logits, vocab, bitmask, words, out);
}
extern "C" EMSCRIPTEN_KEEPALIVE void lk_sampler_accept(uintptr_t self, int32_t token) {
  ptr<SamplerBinding>(self)->accept(token);
}

EMSCRIPTEN_BINDINGS(sampler) {
  emscripten::class_<SamplerBinding>("SamplerBinding")
      .constructor<const std::string&, const std::string&, uintptr_t, uintptr_t, uintptr_t>()
      .function("setPrompt", &SamplerBinding::set_prompt)
      .function("optionsCode", &SamplerBinding::options_code)
      .function("optionsMessage", &SamplerBinding::options_message)
      .function("address", &SamplerBinding::address)
      .function("distribution", &SamplerBinding::distribution)
      .function("reset", &SamplerBinding::reset)
      .function("save", &SamplerBinding::save)
      .function("restore", &SamplerBinding::restore)
      .function("historyLength", &SamplerBinding::history_length);
  emscripten::function("speculativeVerify", &speculative_verify);
  emscripten::function("statusMessage", &status_message);
  emscripten::function("samplerSchema", &sampler_schema);
}
