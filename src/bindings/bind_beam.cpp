// Beam search (decoding/beam_search.h). Options cross as one float64 array
// and one packed int32 array (count, then entries, per list); results are
// read by JS straight from the searcher's vectors through their addresses.
#include <emscripten/bind.h>

#include "common.h"
#include "decoding/beam_search.h"

using lk_bind::ptr;
using lk_bind::report;

namespace {
// Order of the float64 parameters and of the int32 lists (src/js/beam.js).
enum Param { kBatch, kNumBeams, kVocab, kMaxNew, kMinNew, kNumReturn, kLengthPenalty, kEarlyStopping,
             kRepetitionPenalty, kNoRepeatNgram, kPad, kDoSample, kTemperature, kTopK, kTopP, kMinP, kNumBeamGroups,
             kDiversityPenalty, kParamCount };
// kSeed: seed lo, seed hi, stream lo, stream hi (uint32 words).
enum List { kEos, kSuppress, kBeginSuppress, kBadWords, kBadWordsOffsets, kBiasTokens, kPrompts, kPromptOffsets,
            kSeed, kListCount };

class BeamBinding {
 public:
  int reset(uintptr_t params, uintptr_t lists, uintptr_t bias_values) {
    const double* p = ptr<double>(params);
    lk::BeamSearchConfig c;
    c.batch = size_t(p[kBatch]);
    c.num_beams = size_t(p[kNumBeams]);
    c.vocab = size_t(p[kVocab]);
    c.max_new_tokens = size_t(p[kMaxNew]);
    c.min_new_tokens = size_t(p[kMinNew]);
    c.num_return_sequences = size_t(p[kNumReturn]);
    c.length_penalty = p[kLengthPenalty];
    c.early_stopping = lk::EarlyStopping(int32_t(p[kEarlyStopping]));
    c.repetition_penalty = p[kRepetitionPenalty];
    c.no_repeat_ngram_size = size_t(p[kNoRepeatNgram]);
    c.pad_token = int32_t(p[kPad]);
    c.do_sample = p[kDoSample] != 0;
    c.temperature = p[kTemperature];
    c.top_k = size_t(p[kTopK]);
    c.top_p = p[kTopP];
    c.min_p = p[kMinP];
    c.num_beam_groups = size_t(p[kNumBeamGroups]);
    c.diversity_penalty = p[kDiversityPenalty];
    std::vector<int32_t> list[kListCount];
    const int32_t* q = ptr<int32_t>(lists);
    for (auto& l : list) {
      const int32_t n = *q++;
      l.assign(q, q + n);
      q += n;
    }
    c.eos = list[kEos];
    c.suppress_tokens = list[kSuppress];
    c.begin_suppress_tokens = list[kBeginSuppress];
    c.bad_words = list[kBadWords];
    c.bad_words_offsets.assign(list[kBadWordsOffsets].begin(), list[kBadWordsOffsets].end());
    for (size_t i = 0; i < list[kBiasTokens].size(); ++i)
      c.bias.push_back({list[kBiasTokens][i], ptr<double>(bias_values)[i]});
    const auto word = [&](size_t i) { return uint64_t(uint32_t(list[kSeed][i])); };
    c.seed = word(0) | word(1) << 32;
    c.stream = word(2) | word(3) << 32;
    const auto& off = list[kPromptOffsets];
    for (size_t i = 0; i + 1 < off.size(); ++i)
      c.prompts.emplace_back(list[kPrompts].begin() + off[i], list[kPrompts].begin() + off[i + 1]);
    return report(search_.reset(c));
  }
  int step(uintptr_t logits, uint32_t rows, uintptr_t bitmask, uint32_t words) {
    return report(search_.step(ptr(logits), rows, bitmask ? ptr<uint32_t>(bitmask) : nullptr, words));
  }
  uintptr_t parents() const { return uintptr_t(search_.parents()); }
  uintptr_t tokens() const { return uintptr_t(search_.tokens()); }
  uintptr_t scores() const { return uintptr_t(search_.scores()); }
  uintptr_t prompt_done() const { return uintptr_t(search_.prompt_done()); }
  bool done() const { return search_.done(); }
  uint32_t steps() const { return uint32_t(search_.steps()); }
  int32_t fill_token() const { return search_.fill_token(); }
  // Every prompt's hypotheses, flat: counts (per prompt), offsets into tokens
  // (per hypothesis + 1), tokens, scores, logprobs.
  void finalize() {
    counts_.clear(), offsets_.assign(1, 0), tokens_.clear(), scores_.clear(), logprobs_.clear();
    for (size_t b = 0; b < search_.config().batch; ++b) {
      const auto hyps = search_.finalize(b);
      counts_.push_back(int32_t(hyps.size()));
      for (const auto& h : hyps) {
        tokens_.insert(tokens_.end(), h.tokens.begin(), h.tokens.end());
        offsets_.push_back(int32_t(tokens_.size()));
        scores_.push_back(h.score);
        logprobs_.push_back(h.logprob);
      }
    }
  }
  uintptr_t final_counts() const { return uintptr_t(counts_.data()); }
  uintptr_t final_offsets() const { return uintptr_t(offsets_.data()); }
  uintptr_t final_tokens() const { return uintptr_t(tokens_.data()); }
  uintptr_t final_scores() const { return uintptr_t(scores_.data()); }
  uintptr_t final_logprobs() const { return uintptr_t(logprobs_.data()); }

 private:
  lk::BeamSearch search_;
  std::vector<int32_t> counts_, offsets_, tokens_;
  std::vector<double> scores_, logprobs_;
};
}  // namespace

EMSCRIPTEN_BINDINGS(beam) {
  emscripten::class_<BeamBinding>("BeamBinding")
      .constructor<>()
      .function("reset", &BeamBinding::reset)
      .function("step", &BeamBinding::step)
      .function("parents", &BeamBinding::parents)
      .function("tokens", &BeamBinding::tokens)
      .function("scores", &BeamBinding::scores)
      .function("promptDone", &BeamBinding::prompt_done)
      .function("done", &BeamBinding::done)
      .function("steps", &BeamBinding::steps)
      .function("fillToken", &BeamBinding::fill_token)
      .function("finalize", &BeamBinding::finalize)
      .function("finalCounts", &BeamBinding::final_counts)
      .function("finalOffsets", &BeamBinding::final_offsets)
      .function("finalTokens", &BeamBinding::final_tokens)
      .function("finalScores", &BeamBinding::final_scores)
      .function("finalLogprobs", &BeamBinding::final_logprobs);
}
