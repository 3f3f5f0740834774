// One sampling step on one row of float32 logits: logit processing, the
// filter stages, a seeded draw, and the log-probabilities of the result.
//
// Cost: O(V + history) per step whatever k, p or the shape of the
// distribution (history-dependent masks add O(history · (n-gram size + DRY
// breakers)) and the bad words' total length). No sort of the vocabulary
// anywhere: ranked cuts use the exact radix selection of ops/select.h,
// so every kept set is the one sort-then-cut gives with ties broken by the
// lower token id. On long rows, top-k, top-p and the top alternatives first
// gather the entries above a threshold guessed from a fixed sample and
// checked exactly (ops/select.h): a speed-up that never changes a
// result, with the full selection as fallback.
//
// ---- The pipeline ---------------------------------------------------------
// 1. Logit processing, in place on `logits`, in this fixed order:
//    a. logit bias: logits[t] += value (OpenAI `logit_bias`: the value is
//       added; ±100 effectively bans/forces; ±inf are allowed).
//    b. repetition penalty over the distinct tokens of the history window
//       (llama.cpp `penalties` and HF `RepetitionPenaltyLogitsProcessor`):
//       a logit <= 0 is multiplied by the penalty, a positive one divided,
//       once per distinct token however often it occurs.
//    c. frequency and presence penalties (OpenAI; llama.cpp `penalties`):
//       logits[t] -= count(t)·frequency + (count(t) > 0)·presence.
//       The window is the last `penalty_last_n` history tokens (-1 = all,
//       0 = none), as llama.cpp's penalty_last_n, without the first
//       penalty_prompt_ignore_length tokens of the history (HF
//       `prompt_ignore_length`: a prompt's tokens need not count).
//    c'. DRY, "don't repeat yourself" (llama.cpp `dry`, same defaults): over
//       the last dry_penalty_last_n history tokens (-1 = all), for each token
//       t that would extend a repeat of the history's suffix of length
//       L >= dry_allowed_length: logits[t] -= multiplier · base^(L −
//       allowed_length) (exponent capped so the power stays below FLT_MAX).
//       Repeats do not reach back past the last sequence breaker (token
//       sequences here, as llama.cpp's after tokenising its strings);
//       single-token breakers are never penalised. O(history) by the
//       Z-algorithm. Off when dry_multiplier = 0 or dry_base < 1.
//    d. masks: these tokens become -inf (masks come last so nothing can undo
//       them):
//       - banned_tokens (HF `SuppressTokensLogitsProcessor` is the same);
//       - tokens outside allowed_tokens, when restrict_to_allowed;
//       - tokens whose bit is clear in token_bitmask (XGrammar layout: bit
//         i % 32 of word i / 32 set = allowed);
//       - begin_suppress_tokens while no token has been generated yet (HF
//         `SuppressTokensAtBeginLogitsProcessor`);
//       - eos_tokens while generated < min_new_tokens or history length <
//         min_length (HF `MinNewTokensLengthLogitsProcessor`,
//         `MinLengthLogitsProcessor`; the history includes the prompt);
//       - with no_repeat_ngram_size = n > 0, every token that would repeat an
//         n-gram of the whole history (HF `NoRepeatNGramLogitsProcessor`);
//       - bad words (HF `NoBadWordsLogitsProcessor`): sequence i is
//         bad_words[offsets[i] .. offsets[i+1]); its last token is banned when
//         the history ends with the rest of it (always, for one-token words).
//    On return `logits` holds these processed logits.
// 2. A NaN in the processed logits is kNaN with the index of the first; a
//    row with every logit -inf is kNoTokenLeft.
// 3. temperature == 0 (or below 2^-64): greedy, exactly: the token is the
//    first index of the maximum processed logit; the stages are skipped
//    (every one of them keeps that token anyway, except XTC). No draw is
//    used, but the step still advances the RNG by two (see 5).
// 4. Otherwise the filter stages run in `order` (default: the "llama.cpp"
//    preset, llama.cpp's common-sampler chain; each filter declares its place
//    in each preset, sampler_stages.h). Filters see the probabilities at the
//    temperature in force: 1 before the temperature stage, T after it (HF
//    applies temperature first: the "hf" preset). Every filter keeps at least
//    max(min_keep, 1) candidates (the most probable ones), except where noted.
//    Probabilities are computed from the sampler's weights w_i = exp((z_i -
//    z_max)/T) (kernels.h sampler_weights, sampler_weight.inc): float32,
//    within 2^-24·(4 + 2|y|) relative, y = (z_i - z_max)/T, the same bits on
//    every build and under fused multiply-adds or flushed subnormals (w_max =
//    1; +inf logits share all mass; 0 below e^-80), except that a token
//    provably below the mass grid (z_i - z_max < -31·ln2·T, so w_i < 2^-31 and
//    its mass q_i is 0) may get w_i = 0 by a comparison, without an exp, when
//    a stage that drops zero-mass tokens runs. S = Σ w_i in float64 (when the
//    zeroed weights could add up to 2^-22 of S, S is summed from every
//    weight). p_i = w_i / S.
//    - top-k (llama.cpp `top_k`, HF `TopKLogitsWarper`): the k = max(top_k,
//      min_keep) largest logits, ties to lower ids; 0 = off.
//    - top-p (llama.cpp `top_p`, HF `TopPLogitsWarper`): in rank order
//      (logit descending, ties lower id first) keep token j iff the mass
//      ranked before it is < top_p of the total. Masses are the weights in
//      fixed point, q_i = round(w_i · 2^30) (sampling_masses.h), summed
//      exactly, so the cut is exact and independent of summation order
//      (tokens with w < 2^-31 carry no mass). top_p = 1 is off.
//    - min-p (llama.cpp `min_p`, HF `MinPLogitsWarper`): keep p_i >= min_p ·
//      p_max, evaluated as w_i >= min_p. 0 = off.
//    - typical-p (llama.cpp `typical`): rank by |−log p_i − H| ascending
//      (H the entropy; the distance rounded to float32, ties lower id), keep
//      token j iff the mass ranked before it is <= typical_p of the total
//      (llama.cpp's strict `cum_sum > p` stop). 1 = off.
//    - top-n-σ (llama.cpp `top_n_sigma`): keep z_i >= z_max − n·σ, σ the
//      population standard deviation of the finite logits. 0 = off; no
//      min_keep guard (as llama.cpp; the maximum always survives).
//    - epsilon (HF `EpsilonLogitsWarper`): keep p_i >= epsilon. 0 = off.
//    - eta (HF `EtaLogitsWarper`): keep p_i >= min(eta, sqrt(eta)·exp(−H)).
//      0 = off.
//    - XTC (llama.cpp `xtc`): stages/xtc.cpp, with its options.
//    - temperature: T = temperature, or with dynatemp_range > 0 the
//      llama.cpp `temp_ext` rule: T = max(0, t − r) + 2r·(H / log n)^exponent
//      with H the entropy at T = 1 of the n current candidates (a T below
//      2^-64 keeps only the first maximum).
//    Mirostat (llama.cpp `mirostat`, `mirostat_v2`), when mirostat = 1 or 2,
//    replaces the stage chain, as llama.cpp's common sampler does: the
//    temperature stage, then v2 keeps p_i >= 2^-mu (at least one token), v1
//    estimates the Zipf exponent s from the top mirostat_m tokens and keeps
//    the top k = ((s−1)·2^mu / (1 − V^(1−s)))^(1/s) (from pairs with
//    p > 0); after the draw mu -= eta·(−log2 p_final(token) − tau). mu
//    starts at 2·tau. Greedy (temperature 0) bypasses mirostat and keeps mu.
// 5. The draw: every step consumes exactly two draws from `rng` (u1 for the
//    token, u2 for XTC), so streams stay aligned whatever the settings. The
//    token is found by inverse CDF over the kept candidates in token-id
//    order with the exact integer masses q_i: the first token whose running
//    mass exceeds floor(u1 · Q), Q = Σ q_i. So P(token) = q_i / Q up to the
//    2^-53 grid of u1, identically on every build; q_i / Q is within
//    2^-31·(1 + n·p_i)/S of p_i.
//
// ---- Results --------------------------------------------------------------
// - logprob: log p of the token under the final distribution (the kept
//   candidates, renormalised, at the final temperature): (z − z_max)/T − log S
//   in float64. Greedy: 0.
// - raw_logprob (when compute_raw_logprob): log softmax at T = 1 of the
//   processed logits over the whole vocabulary (after bias, penalties and
//   masks; before temperature and every filter), as lk::log_softmax.
// - top alternatives (top_logprobs = n in [0, 20]): the n most probable tokens
//   (OpenAI `top_logprobs` shape), descending, ties lower id first, with their
//   log-probabilities; under the raw distribution by default (OpenAI, vLLM
//   "raw_logprobs"), or under the final one with top_logprobs_final (then
//   only kept candidates appear, so there may be fewer than n).
// - entropy (when compute_entropy): of the final distribution, in nats.
// Accuracy (tests/cpp/sampling/test_sampler.cpp): log-probabilities (logprob,
// raw_logprob, the alternatives) within 2^-18 absolute and entropy within
// 1e-6·(1 + H) of a float64 evaluation from the same processed float32
// logits; the reported kept-set probabilities within 2e-6 relative of w_i / S
// (tests/cpp/sampling/test_sampler_reference.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "sampling/sampling_rng.h"
#include "status.h"

namespace lk {

template <class T>
struct Span {
  const T* data = nullptr;
  size_t size = 0;
};

struct TokenBias {
  int32_t token;
  float value;
};

constexpr int32_t kMaxTopLogprobs = 20;
// Room for the options that stages declare themselves (sampler_stages.h).
constexpr size_t kMaxStageOptions = 16;

// The values of the options that stages declare themselves, at the slots the
// registry assigns (sampler_stages.h); set them by name through
// sampler_options.h. A new configuration holds every declared default.
struct StageOptionValues {
  StageOptionValues();
  double values[kMaxStageOptions];
};

struct SamplerConfig {
  // Logit processing (step 1 above).
  Span<TokenBias> logit_bias;            // tokens in [0, V), values not NaN
  Span<int32_t> banned_tokens;           // tokens in [0, V)
  Span<int32_t> allowed_tokens;          // used when restrict_to_allowed
  bool restrict_to_allowed = false;
  Span<uint32_t> token_bitmask;          // empty = off, else >= ceil(V/32) words
  float repetition_penalty = 1.0f;       // finite > 0; 1 = off
  float frequency_penalty = 0.0f;        // finite
  float presence_penalty = 0.0f;         // finite
  int32_t penalty_last_n = 64;           // -1 = whole history, 0 = off
  int32_t penalty_prompt_ignore_length = 0;  // >= 0: the first this many history tokens are never penalised (HF)
  float dry_multiplier = 0.0f;           // finite >= 0; 0 = off
  float dry_base = 1.75f;                // finite > 0; < 1 = off
  int32_t dry_allowed_length = 2;        // >= 0
  int32_t dry_penalty_last_n = -1;       // -1 = whole history, 0 = off
  Span<int32_t> dry_breakers;            // sequence breakers' tokens, concatenated
  Span<uint32_t> dry_breakers_offsets;   // breaker count + 1 entries, from 0 to dry_breakers.size

  // Stages (step 4 above); each default is "off".
  double temperature = 1.0;              // >= 0, finite; 0 = greedy
  double dynatemp_range = 0.0;           // >= 0
  double dynatemp_exponent = 1.0;        // >= 0
  int32_t top_k = 0;                     // >= 0
  double top_p = 1.0;                    // [0, 1]
  double min_p = 0.0;                    // [0, 1]
  double typical_p = 1.0;                // [0, 1]
  double top_n_sigma = 0.0;              // >= 0
  double epsilon = 0.0;                  // [0, 1)
  double eta = 0.0;                      // [0, 1)
  int32_t min_keep = 1;                  // filters keep >= max(min_keep, 1)
  // The filters' order, as filter indices (sampler_stage_index, or a
  // preset's list from order_preset): every enabled filter once; empty = the
  // "llama.cpp" preset.
  Span<int32_t> order;

  // History-dependent masks (step 1d).
  Span<int32_t> begin_suppress_tokens;   // tokens in [0, V)
  Span<int32_t> eos_tokens;              // tokens in [0, V)
  int32_t min_new_tokens = 0;            // >= 0
  int32_t min_length = 0;                // >= 0
  int32_t no_repeat_ngram_size = 0;      // >= 0; 0 = off
  Span<int32_t> bad_words;               // the words' tokens, concatenated
  Span<uint32_t> bad_words_offsets;      // word count + 1 entries, from 0 to bad_words.size

  // Mirostat (replaces the stage chain when 1 or 2).
  int32_t mirostat = 0;                  // 0, 1 or 2
  double mirostat_tau = 5.0;             // target surprise, bits; >= 0
  double mirostat_eta = 0.1;             // learning rate; >= 0
  int32_t mirostat_m = 100;              // v1: tokens used to estimate s; [1, 1024]

  // Options declared by stages (sampler_stages.h): XTC's, adaptive-p's, ...
  StageOptionValues stage_options;

  // Results.
  int32_t top_logprobs = 0;              // [0, 20]
  bool top_logprobs_final = false;       // alternatives under the final distribution
  bool compute_raw_logprob = false;
  bool compute_entropy = false;
};

struct SampleResult {
  int32_t token = -1;
  double logprob = 0;                    // under the final distribution
  double raw_logprob = 0;                // when compute_raw_logprob, else 0
  double entropy = 0;                    // when compute_entropy, else 0
  size_t candidates = 0;                 // size of the final kept set (masked tokens excluded)
  int32_t top_count = 0;                 // number of alternatives filled
  int32_t top_tokens[kMaxTopLogprobs] = {};
  double top_logprobs[kMaxTopLogprobs] = {};
};

// Scratch memory for the steps: grows to the largest vocabulary seen, then
// a step allocates nothing. It holds nothing from one step to the next
// (every step leaves its counters zeroed), so samplers that never step at
// the same time may share one; concurrent steps need one each.
class SamplerWorkspace {
 public:
  SamplerWorkspace();
  ~SamplerWorkspace();
  SamplerWorkspace(const SamplerWorkspace&) = delete;
  SamplerWorkspace& operator=(const SamplerWorkspace&) = delete;
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// What a step reads and advances for one sequence: plain data, so it can be
// saved and restored exactly (sampler_session.h does it as JSON).
struct SequenceState {
  SamplingRng rng;                       // advances by two draws per step
  std::vector<int32_t> history;          // prompt + generated tokens
  size_t prompt_length = 0;              // the first prompt_length of history are prompt
  double mirostat_mu = __builtin_nan("");  // NaN until the first mirostat step (then 2·tau)
  std::vector<double> stage_state;       // stateful stages' state (sampler_stages.h); empty until a step needs it

  size_t generated() const { return history.size() - prompt_length; }
  // Appends a generated token (steps never append by themselves).
  void accept(int32_t token) { history.push_back(token); }
};

// Checks every parameter of cfg against a vocabulary of `vocab` tokens.
Status validate_sampler_config(const SamplerConfig& cfg, size_t vocab);
// The part of that check that does not depend on the vocabulary: every
// scalar option, the selector, the order.
Status validate_sampler_options(const SamplerConfig& cfg);

// One step. logits: V = vocab floats (1 <= V <= 2^23), processed in place.
// seq: its history feeds penalties and masks; its rng advances by exactly two
// draws; mirostat updates its mu. The token is not appended (call
// seq.accept). On error seq is unchanged; logits may be modified only for a
// NaN or no-token-left error (validation happens first).
Status sample_logits(float* logits, size_t vocab, const SamplerConfig& cfg, SequenceState& seq,
                     SamplerWorkspace& ws, SampleResult* out);

// B rows of V logits (row-major), row r sampled with seqs[r] exactly as
// sample_logits would: each row has its own stream, so results do not depend
// on B or on the other rows. Stops at the first error, reporting its flat
// logit index for kNaN and the row for the others (in Status::index).
Status sample_batch(float* logits, size_t rows, size_t vocab, const SamplerConfig& cfg, SequenceState* seqs,
                    SamplerWorkspace& ws, SampleResult* out);

// Steps 1-4 without the draw (the rng still advances by two, as a step does;
// mirostat's mu is read, not updated): the final candidates (masked tokens
// excluded) in ascending token id with their probabilities p_i = w_i / S as float32. ids and probs
// need room for `vocab` entries.
Status sampler_distribution(float* logits, size_t vocab, const SamplerConfig& cfg, SequenceState& seq,
                            SamplerWorkspace& ws, int32_t* ids, float* probs, size_t* count);

}  // namespace lk
