// Beam search as Hugging Face transformers' generate() does it
// (generation/utils.py `_beam_search` after the v4.50 refactor, read at
// commit 000034a44ef887621d9b36001a5eb7c46e64cb3f; docs/beam-search.md).
//
// B prompts × numBeams running beams. Each step takes the [B·numBeams × V]
// logits of the running beams (row b·numBeams + j = beam j of prompt b) and
// returns, for each row of the next step, the row it continues (parents: a
// flat row index into this step's rows, so the caller reorders its KV cache
// by it) and the token it appends, the running scores and whether the search
// is done. finalize() gives up to numReturnSequences finished hypotheses per
// prompt, best first.
//
// Per step, exactly as HF:
//  1. log-probabilities: log_softmax of each row (float64 log-normaliser,
//     ops/rows.h row_norm), then the processors on the log-probabilities
//     (HF runs its logits processors after the log_softmax in beam search),
//     in HF's order: single-token sequence bias (+b), repetition penalty over
//     the whole history (prompt + generated; x < 0 ? x·p : x/p), then the
//     masks (-inf): no_repeat_ngram, bad words, min_new_tokens (EOS while
//     fewer than minNewTokens were generated), suppress tokens,
//     begin-suppress (at the first generated token), an optional per-row
//     token bitmask. No renormalisation afterwards (HF's default).
//  2. candidates: running score + log-probability over numBeams × V per
//     prompt; the K = max(2, 1 + #EOS)·numBeams best, ties broken by the
//     lower flat index beam·V + token (torch.topk promises no order among
//     ties). Selection is O(numBeams·V): per row, the exact top
//     K + (tokens the processors touched) by logit (ops/select.h: the
//     log-probability of an untouched token is its logit minus a row
//     constant), then a sort of the few gathered per prompt. With
//     do_sample (HF beam sampling): HF's warpers on each row after the
//     processors, and the K drawn without replacement from
//     softmax(running + warped) over numBeams × V, kept in draw order
//     (decoding/beam_sample.h).
//  3. a candidate hits a stopping criterion when its token is an EOS id or
//     it reaches maxNewTokens; running beams = the numBeams best of the K
//     after adding -1e9 to the ones that hit (so finished candidates go on
//     only when nothing else is left, as in HF).
//  4. finished hypotheses: candidates among the first numBeams of the K that
//     hit, scored sum / generated_len ** lengthPenalty, with -1e9 added when
//     the prompt's slots are all finished and earlyStopping is true, or when
//     the early-stop heuristic already said no improvement is possible;
//     merged with the kept ones, the numBeams best kept.
//  5. early-stop heuristic per prompt (HF _check_early_stop_heuristic) and
//     the loop's stopping rule (_beam_search_has_unfinished_sequences).
// Arithmetic is float64 where HF uses float32 tensors: the -1e9 sentinels
// and the initial -1e9 scores of beams 1..numBeams-1 are reproduced as
// values, so only float32 rounding can order things differently from a
// particular torch run (e.g. ties torch creates by rounding).
//
// Errors (no state change on error): a bad configuration is kBadArgument
// with index = BeamArg, token lists kBadMaskToken (index = entry in the
// order eos, suppress, begin-suppress, bad words), prompts kBadHistoryToken,
// bias kBadBias, bad-word offsets kBadBadWords; a step with rows other than
// B·numBeams or a short bitmask kBadShape / kBitmaskTooShort, a NaN kNaN
// (flat index of the first), a step after the search is done kBadArgument
// with index BeamArg::kStepAfterDone.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "decoding/beam_sample.h"
#include "ops/select.h"
#include "status.h"

namespace lk {

enum class EarlyStopping : int32_t { kFalse = 0, kTrue = 1, kNever = 2 };

// The index of a kBadArgument status: which setting is out of range.
enum class BeamArg : size_t {
  kBatch = 0,               // >= 1
  kNumBeams = 1,            // >= 1
  kVocab = 2,               // >= 1, <= 2^24, and numBeams·V >= K
  kMaxNewTokens = 3,        // >= 1
  kMinNewTokens = 4,        // >= 0
  kNumReturnSequences = 5,  // 1 .. numBeams
  kLengthPenalty = 6,       // finite
  kEarlyStopping = 7,       // false, true, "never"
  kRepetitionPenalty = 8,   // finite > 0
  kNoRepeatNgramSize = 9,   // >= 0
  kPadTokenId = 10,         // -1 (none) or in [0, V)
  kPrompts = 11,            // none or one per prompt
  kStepAfterDone = 12,      // step() after done
  kDoSample = 13,           // doSample needs numBeams >= 2 (HF samples one beam with _sample)
  kTemperature = 14,        // finite > 0
  kTopP = 15,               // [0, 1]
  kMinP = 16,               // [0, 1]
  kNumBeamGroups = 17,      // >= 1, divides numBeams
  kDiversityPenalty = 18,   // finite > 0 with groups (and no sampling), 0 without
};

struct BeamBias {
  int32_t token;
  double value;  // finite
};

struct BeamSearchConfig {
  size_t batch = 1;
  size_t num_beams = 1;
  size_t vocab = 0;
  size_t max_new_tokens = 20;
  size_t min_new_tokens = 0;
  size_t num_return_sequences = 1;
  double length_penalty = 1.0;
  EarlyStopping early_stopping = EarlyStopping::kFalse;
  std::vector<int32_t> eos;   // any number, each in [0, V)
  int32_t pad_token = -1;     // -1 = none
  // Processors (HF order, see above).
  std::vector<BeamBias> bias;
  double repetition_penalty = 1.0;
  size_t no_repeat_ngram_size = 0;
  std::vector<int32_t> bad_words;           // the words' tokens, concatenated
  std::vector<uint32_t> bad_words_offsets;  // word count + 1 entries from 0 to bad_words.size(), or empty
  std::vector<int32_t> suppress_tokens;
  std::vector<int32_t> begin_suppress_tokens;
  // The prompts' tokens (only the processors read them): empty, or B lists.
  std::vector<std::vector<int32_t>> prompts;
  // Beam sampling (HF do_sample=True): the warpers after the processors, then
  // the K candidates drawn without replacement (decoding/beam_sample.h) with
  // the RNG of prompt b = (seed, stream + b); entry x = beam·V + token of
  // step n uses its uniform number n·numBeams·V + x.
  bool do_sample = false;
  uint64_t seed = 0, stream = 0;
  double temperature = 1.0;  // finite > 0
  size_t top_k = 0;          // 0 = off
  double top_p = 1.0;        // [0, 1], 1 = off
  double min_p = 0.0;        // [0, 1], 0 = off
  // Diverse (group) beam search (HF's group-beam-search recipe, below): G
  // groups of numBeams / G beams, each step's groups in order, group g's
  // log-probabilities lowered by diversity_penalty · (how many beams of
  // groups < g of the prompt chose the token this step).
  size_t num_beam_groups = 1;
  double diversity_penalty = 0.0;
};

// One hypothesis of finalize().
struct BeamHypothesis {
  std::vector<int32_t> tokens;  // generated tokens (with the final EOS, if any)
  double score = 0;             // logprob / len ** lengthPenalty (HF sequences_scores)
  double logprob = 0;           // sum of the processed log-probabilities
};

class BeamSearch {
 public:
  // Validates cfg and starts a new search; on error the searcher is unchanged.
  Status reset(const BeamSearchConfig& cfg);
  // logits: rows × V (rows must be B·numBeams). bitmask: null, or
  // rows × words (words >= ceil(V/32)) int32 words, bit t%32 of word t/32 set
  // = token t allowed (XGrammar's layout).
  Status step(const float* logits, size_t rows, const uint32_t* bitmask = nullptr, size_t bitmask_words = 0);

  size_t rows() const { return cfg_.batch * cfg_.num_beams; }
  size_t steps() const { return steps_; }
  bool done() const { return done_; }
  // Of the last step, per row of the next step (rows()): parent row, token, running score.
  const int32_t* parents() const { return parents_.data(); }
  const int32_t* tokens() const { return tokens_.data(); }
  const double* scores() const { return running_score_.data(); }
  // Per prompt: no finished hypothesis can change any more (HF's heuristic
  // satisfied, or all slots finished with earlyStopping true).
  const uint8_t* prompt_done() const { return prompt_done_.data(); }
  const BeamSearchConfig& config() const { return cfg_; }
  // The value HF pads finished rows with: pad (if set and not 0), else the
  // first EOS, or -1 without EOS (HF's `pad_token_id or eos_token_id[0]`).
  int32_t fill_token() const;

  // Up to numReturnSequences finished hypotheses of prompt b, best first
  // (HF returns its unfilled slots too, as rows of padding scored -1e9; they
  // are left out here).
  std::vector<BeamHypothesis> finalize(size_t b) const;

 private:
  struct Cand {
    double score;   // running + processed log-probability
    uint32_t flat;  // beam·V + token, within the prompt
  };
  struct RowLogp {  // a row's log-probabilities: z - c, or the +inf / all -inf cases
    double c = 0;
    double inf_logp = 0;
    bool inf_max = false;
    double operator()(float z) const;
  };
  void beam_history(size_t row, std::vector<int32_t>& h) const;
  void touch(int32_t t, const float* z, const RowLogp& lp);
  void mask(int32_t t, const float* z, const RowLogp& lp);
  void process_row(const float* z, const RowLogp& lp, const std::vector<int32_t>& h);
  void sample_candidates(size_t b, const float* logits, const uint32_t* bitmask, size_t bitmask_words);
  void gather_top(size_t r0, size_t count, size_t k, const float* logits, const uint32_t* bitmask,
                  size_t bitmask_words, const int32_t* ham, size_t ham_n);
  void step_groups(const float* logits, const uint32_t* bitmask, size_t bitmask_words);
  int32_t group_pad() const;

  BeamSearchConfig cfg_;
  size_t k_ = 0;  // candidates kept per prompt
  size_t steps_ = 0;
  bool done_ = false;
  // Running beams (B·numBeams): generated tokens, score.
  std::vector<std::vector<int32_t>> running_;
  std::vector<double> running_score_;
  std::vector<int32_t> parents_, tokens_;
  // Finished slots (B·numBeams), best first.
  std::vector<std::vector<int32_t>> fin_tokens_;
  std::vector<double> fin_score_, fin_logprob_;
  std::vector<uint8_t> fin_done_;
  std::vector<uint8_t> unsatisfied_, prompt_done_;

  // Scratch.
  std::vector<double> val_;        // V: processed log-probability of touched tokens
  std::vector<uint8_t> mark_;      // V: touched
  std::vector<int32_t> touched_;
  std::vector<float> masked_;      // V: a row with its bitmask applied
  std::vector<uint32_t> pos_, keys_;
  std::vector<float> sample_;
  PrefixSelector selector_;
  std::vector<Cand> cands_;
  std::vector<std::vector<int32_t>> next_running_;
  std::vector<int32_t> hist_;
  std::vector<RowLogp> norm_;
  std::vector<int32_t> next_parents_, next_tokens_;
  std::vector<double> next_scores_, key_;
  std::vector<uint32_t> order_, flat_;
  std::vector<uint8_t> hit_;
  std::vector<std::vector<int32_t>> slot_tokens_;
  std::vector<double> slot_score_, slot_logprob_;
  std::vector<uint8_t> slot_done_;
  // Beam sampling: a prompt's warped scores and weights (numBeams·V), the draws.
  std::vector<double> acc_, weight_;
  std::vector<uint32_t> drawn_;
  BeamWarpScratch warp_;
  // Group beam search: per prompt × group, its finished hypotheses (at most
  // gs = numBeams / G, in HF's list order: the slot in fin_tokens_ of each, its
  // score and sum, at b·numBeams + g·gs ...), their count, the worst score, done.
  std::vector<uint32_t> gid_;
  std::vector<double> gscore_, gsum_, gworst_;
  std::vector<size_t> gcount_;
  std::vector<uint8_t> gdone_;
};

}  // namespace lk
