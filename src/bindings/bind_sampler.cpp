// The sampler (sampler_session.h, sampling_speculative.h). Parameters cross
// as a fixed table of doubles (kParam* below, mirrored in src/js/sampler.js)
// and lists as typed-array pointers; results are written to a double table.
// 64-bit seeds, streams and counters cross as decimal strings.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common.h"
#include "sampler_session.h"
#include "sampling_speculative.h"

using lk_bind::ptr;
using lk_bind::report;

namespace {
enum Param {
  kTemperature, kDynatempRange, kDynatempExponent, kTopK, kTopP, kMinP, kTypicalP, kTopNSigma, kEpsilon, kEta,
  kXtcProbability, kXtcThreshold, kMinKeep, kRepetitionPenalty, kFrequencyPenalty, kPresencePenalty, kPenaltyLastN,
  kDryMultiplier, kDryBase, kDryAllowedLength, kDryPenaltyLastN, kMinNewTokens, kMinLength, kNoRepeatNgramSize,
  kMirostat, kMirostatTau, kMirostatEta, kMirostatM, kTopLogprobs, kTopLogprobsFinal, kComputeRawLogprob,
  kComputeEntropy, kRestrictToAllowed, kParamCount
};
enum List { kBanned, kAllowed, kBeginSuppress, kEos, kBadWords, kBadWordsOffsets, kDryBreakers, kDryBreakersOffsets, kOrder, kListCount };

uint64_t parse_u64(const std::string& s) { return std::strtoull(s.c_str(), nullptr, 10); }

// One workspace for every sampler of this module instance: a module (one per
// page or Worker) runs one step at a time, and a workspace is ~44 bytes per
// vocabulary entry (11 MiB at 256 000), which batch use would multiply.
lk::SamplerWorkspace& shared_workspace() {
  static lk::SamplerWorkspace ws;
  return ws;
}

class SamplerBinding {
 public:
  SamplerBinding(const std::string& seed, const std::string& stream)
      : sampler_(parse_u64(seed), parse_u64(stream), &shared_workspace()) {}

  void set_params(uintptr_t p) {
    const double* v = ptr<double>(p);
    cfg_.temperature = v[kTemperature];
    cfg_.dynatemp_range = v[kDynatempRange];
    cfg_.dynatemp_exponent = v[kDynatempExponent];
    cfg_.top_k = int32_t(v[kTopK]);
    cfg_.top_p = v[kTopP];
    cfg_.min_p = v[kMinP];
    cfg_.typical_p = v[kTypicalP];
    cfg_.top_n_sigma = v[kTopNSigma];
    cfg_.epsilon = v[kEpsilon];
    cfg_.eta = v[kEta];
    cfg_.xtc_probability = v[kXtcProbability];
    cfg_.xtc_threshold = v[kXtcThreshold];
    cfg_.min_keep = int32_t(v[kMinKeep]);
    cfg_.repetition_penalty = float(v[kRepetitionPenalty]);
    cfg_.frequency_penalty = float(v[kFrequencyPenalty]);
    cfg_.presence_penalty = float(v[kPresencePenalty]);
    cfg_.penalty_last_n = int32_t(v[kPenaltyLastN]);
    cfg_.dry_multiplier = float(v[kDryMultiplier]);
    cfg_.dry_base = float(v[kDryBase]);
    cfg_.dry_allowed_length = int32_t(v[kDryAllowedLength]);
    cfg_.dry_penalty_last_n = int32_t(v[kDryPenaltyLastN]);
    cfg_.min_new_tokens = int32_t(v[kMinNewTokens]);
    cfg_.min_length = int32_t(v[kMinLength]);
    cfg_.no_repeat_ngram_size = int32_t(v[kNoRepeatNgramSize]);
    cfg_.mirostat = int32_t(v[kMirostat]);
    cfg_.mirostat_tau = v[kMirostatTau];
    cfg_.mirostat_eta = v[kMirostatEta];
    cfg_.mirostat_m = int32_t(v[kMirostatM]);
    cfg_.top_logprobs = int32_t(v[kTopLogprobs]);
    cfg_.top_logprobs_final = v[kTopLogprobsFinal] != 0;
    cfg_.compute_raw_logprob = v[kComputeRawLogprob] != 0;
    cfg_.compute_entropy = v[kComputeEntropy] != 0;
    cfg_.restrict_to_allowed = v[kRestrictToAllowed] != 0;
  }

  void set_bias(uintptr_t tokens, uintptr_t values, uint32_t n) {
    bias_.resize(n);
    for (uint32_t i = 0; i < n; ++i) bias_[i] = {ptr<int32_t>(tokens)[i], ptr(values)[i]};
  }

  void set_list(int32_t kind, uintptr_t data, uint32_t n) {
    if (kind < 0 || kind >= kListCount) return;
    lists_[kind].assign(ptr<int32_t>(data), ptr<int32_t>(data) + n);
  }

  // Copies the staged configuration into the sampler (which owns copies).
  void apply(uintptr_t bitmask, uint32_t words) {
    cfg_.logit_bias = {bias_.data(), bias_.size()};
    cfg_.banned_tokens = span(kBanned);
    cfg_.allowed_tokens = span(kAllowed);
    cfg_.begin_suppress_tokens = span(kBeginSuppress);
    cfg_.eos_tokens = span(kEos);
    cfg_.bad_words = span(kBadWords);
    cfg_.bad_words_offsets = uspan(kBadWordsOffsets);
    cfg_.dry_breakers = span(kDryBreakers);
    cfg_.dry_breakers_offsets = uspan(kDryBreakersOffsets);
    const auto& order = lists_[kOrder];
    cfg_.order = {reinterpret_cast<const lk::SamplerStage*>(order.data()), order.size()};
    cfg_.token_bitmask = {bitmask ? ptr<uint32_t>(bitmask) : nullptr, bitmask ? size_t(words) : 0};
    sampler_.configure(cfg_);
    has_bitmask_ = bitmask != 0;
  }

  void set_prompt(uintptr_t tokens, uint32_t n) { sampler_.set_prompt(ptr<int32_t>(tokens), n); }

  // For the plain exports below (lk_sampler_sample, lk_sampler_accept).
  uintptr_t address() const { return reinterpret_cast<uintptr_t>(this); }

  // out: token, logprob, raw logprob, entropy, candidates, alternatives count,
  // 20 alternative tokens, 20 alternative log-probabilities.
  int sample(uintptr_t logits, uint32_t vocab, uintptr_t bitmask, uint32_t words, uintptr_t out) {
    with_bitmask(bitmask, words);
    lk::SampleResult r;
    int code = report(sampler_.sample(ptr(logits), vocab, &r));
    if (code == 0) {
      double* o = ptr<double>(out);
      o[0] = r.token;
      o[1] = r.logprob;
      o[2] = r.raw_logprob;
      o[3] = r.entropy;
      o[4] = double(r.candidates);
      o[5] = r.top_count;
      for (int i = 0; i < r.top_count; ++i) {
        o[6 + i] = r.top_tokens[i];
        o[26 + i] = r.top_logprobs[i];
      }
    }
    return code;
  }

  int distribution(uintptr_t logits, uint32_t vocab, uintptr_t bitmask, uint32_t words, uintptr_t ids,
                   uintptr_t probs, uintptr_t count) {
    with_bitmask(bitmask, words);
    size_t n = 0;
    int code = report(sampler_.distribution(ptr(logits), vocab, ptr<int32_t>(ids), ptr(probs), &n));
    *ptr<uint32_t>(count) = uint32_t(n);
    return code;
  }

  void accept(int32_t token) { sampler_.accept(token); }
  void reset() { sampler_.reset(); }
  std::string save() const { return sampler_.save(); }
  int restore(const std::string& json) { return report(sampler_.restore(json)); }
  double history_length() { return double(sampler_.state().history.size()); }

 private:
  lk::Span<int32_t> span(int kind) const { return {lists_[kind].data(), lists_[kind].size()}; }
  lk::Span<uint32_t> uspan(int kind) const {
    return {reinterpret_cast<const uint32_t*>(lists_[kind].data()), lists_[kind].size()};
  }
  // A grammar bitmask changes every step: configure with it, or drop the last one.
  void with_bitmask(uintptr_t bitmask, uint32_t words) {
    if (bitmask || has_bitmask_) apply(bitmask, words);
  }

  lk::Sampler sampler_;
  lk::SamplerConfig cfg_;
  std::vector<lk::TokenBias> bias_;
  std::vector<int32_t> lists_[kListCount];
  bool has_bitmask_ = false;
};

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
      .constructor<const std::string&, const std::string&>()
      .function("setParams", &SamplerBinding::set_params)
      .function("setBias", &SamplerBinding::set_bias)
      .function("setList", &SamplerBinding::set_list)
      .function("apply", &SamplerBinding::apply)
      .function("setPrompt", &SamplerBinding::set_prompt)
      .function("address", &SamplerBinding::address)
      .function("distribution", &SamplerBinding::distribution)
      .function("reset", &SamplerBinding::reset)
      .function("save", &SamplerBinding::save)
      .function("restore", &SamplerBinding::restore)
      .function("historyLength", &SamplerBinding::history_length);
  emscripten::function("speculativeVerify", &speculative_verify);
  emscripten::function("statusMessage", &status_message);
}
