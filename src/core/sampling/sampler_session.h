// A sampler for one generated sequence: its configuration (with owned copies
// of every list), its state (history, RNG position, mirostat mu) and its
// scratch memory, with llama.cpp-style sample / accept / reset, and the
// state saved and restored as plain JSON so that generation resumes exactly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sampling/sampler.h"

namespace lk {

class Sampler {
 public:
  // The RNG stream (seed, stream) starts at draw 0. With `shared`, steps use
  // that workspace (which must outlive the sampler) instead of an own one:
  // ~44 bytes per vocabulary entry, so many samplers on one thread share one.
  explicit Sampler(uint64_t seed = 0, uint64_t stream = 0, SamplerWorkspace* shared = nullptr);
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Copies cfg and every list it points to (cfg's spans need not outlive the
  // call) and checks its options (validate_sampler_options): a bad option or
  // order is returned here, and by every step until configured again.
  Status configure(const SamplerConfig& cfg);
  // What configure() returned, and its message (sampler_options_message).
  const Status& options_status() const { return options_status_; }
  const SamplerConfig& config() const { return cfg_; }

  // Replaces the history by a prompt (counted as prompt, not generated).
  void set_prompt(const int32_t* tokens, size_t count);
  // One step on a row of `vocab` logits (processed in place); does not accept.
  // A step's own grammar bitmask (XGrammar layout), when not empty, is used
  // for that step instead of the configured one: per-step input, not
  // configuration, so nothing is copied.
  Status sample(float* logits, size_t vocab, SampleResult* out, Span<uint32_t> step_bitmask = {});
  // The final distribution the next sample would draw from (advances the RNG like a step).
  Status distribution(float* logits, size_t vocab, int32_t* ids, float* probs, size_t* count,
                      Span<uint32_t> step_bitmask = {});
  // Appends a generated token to the history.
  void accept(int32_t token) { state_.accept(token); }
  // Back to the start: empty history, draw 0 of the same stream, mu unset.
  void reset();

  // {"version":1,"seed":"..","stream":"..","counter":"..","promptLength":n,
  //  "mirostatMu":x|null,"history":[..]} and, once a stateful stage has
  //  stepped, "stageState":[x|null, ..]: 64-bit integers as decimal strings
  // (exact in JavaScript), doubles with 17 significant digits (exact round trip).
  std::string save() const;
  // Restores a save(); on kBadState the sampler is unchanged.
  Status restore(const std::string& json);

  SequenceState& state() { return state_; }

 private:
  SamplerConfig cfg_;
  Status options_status_;  // validate_sampler_options(cfg_), checked once at configure()
  SequenceState state_;
  std::unique_ptr<SamplerWorkspace> own_ws_;  // when no workspace is shared
  SamplerWorkspace* ws_;
  std::vector<TokenBias> bias_;
  std::vector<int32_t> banned_, allowed_, begin_suppress_, eos_, bad_words_, dry_breakers_;
  std::vector<uint32_t> bitmask_, bad_words_offsets_, dry_breakers_offsets_;
  std::vector<int32_t> order_;
};

}  // namespace lk
