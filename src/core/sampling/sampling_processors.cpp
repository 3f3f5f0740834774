// Logit processing before the stages: bias, penalties over the history
// window, masks (semantics in sampler.h). Everything history-dependent costs
// O(history): penalty counts live in a vocabulary-sized array that is zero
// between steps, and only the touched entries are reset.
#include <algorithm>

#include "kernels/kernels.h"
#include "sampling/sampling_candidates.h"

namespace lk {
namespace {
constexpr float kNegInf = -__builtin_inff();

void apply_penalties(float* logits, const SamplerConfig& cfg, Span<int32_t> history,
                     SamplerWorkspace::Impl& ws) {
  const bool on = cfg.repetition_penalty != 1.0f || cfg.frequency_penalty != 0.0f ||
                  cfg.presence_penalty != 0.0f;
  if (!on || cfg.penalty_last_n == 0 || history.size == 0) return;
  size_t window = history.size;
  if (cfg.penalty_last_n > 0 && size_t(cfg.penalty_last_n) < window) window = size_t(cfg.penalty_last_n);
  // HF prompt_ignore_length: the first positions of the history are never penalised.
  const size_t ignored = size_t(cfg.penalty_prompt_ignore_length);
  if (history.size - window < ignored) window = ignored < history.size ? history.size - ignored : 0;
  const int32_t* tail = history.data + (history.size - window);
  ws.touched.clear();
  for (size_t i = 0; i < window; ++i) {
    uint32_t& count = ws.token_counts[size_t(tail[i])];
    if (count++ == 0) ws.touched.push_back(tail[i]);
  }
  for (int32_t t : ws.touched) {
    uint32_t& count = ws.token_counts[size_t(t)];
    float& z = logits[t];
    if (cfg.repetition_penalty != 1.0f) z = z <= 0 ? z * cfg.repetition_penalty : z / cfg.repetition_penalty;
    z -= float(count) * cfg.frequency_penalty + (count > 0 ? cfg.presence_penalty : 0.0f);
    count = 0;
  }
}
void mask(float* logits, Span<int32_t> tokens) {
  for (size_t i = 0; i < tokens.size; ++i) logits[tokens.data[i]] = kNegInf;
}

// True when the history ends with tokens [first, last).
bool history_ends_with(const std::vector<int32_t>& h, const int32_t* first, const int32_t* last) {
  const size_t n = size_t(last - first);
  if (n > h.size()) return false;
  return std::equal(first, last, h.end() - std::ptrdiff_t(n));
}

// HF NoRepeatNGramLogitsProcessor: ban t when (last n-1 tokens, t) already occurs.
void mask_repeated_ngrams(float* logits, const std::vector<int32_t>& h, size_t n) {
  if (h.size() + 1 < n) return;
  const int32_t* prefix = h.data() + (h.size() - (n - 1));
  for (size_t i = 0; i + n <= h.size(); ++i)
    if (std::equal(prefix, prefix + (n - 1), h.data() + i)) logits[h[i + n - 1]] = kNegInf;
}

void mask_bad_words(float* logits, const SamplerConfig& cfg, const std::vector<int32_t>& h) {
  const uint32_t* off = cfg.bad_words_offsets.data;
  for (size_t w = 0; w + 1 < cfg.bad_words_offsets.size; ++w) {
    const int32_t* first = cfg.bad_words.data + off[w];
    const int32_t* last = cfg.bad_words.data + off[w + 1] - 1;  // the word's final token
    if (history_ends_with(h, first, last)) logits[*last] = kNegInf;
  }
}
}  // namespace

void process_logits(float* logits, size_t vocab, const SamplerConfig& cfg, const SequenceState& seq,
                    SamplerWorkspace::Impl& ws) {
  // An infinite bias on the opposite infinity (+inf on a -inf mask, -inf on a +inf logit) gives
  // -inf, not NaN: a mask or a ban wins.
  for (size_t i = 0; i < cfg.logit_bias.size; ++i) {
    float& z = logits[cfg.logit_bias.data[i].token];
    const float b = cfg.logit_bias.data[i].value;
    z = (z == -b && b - b != 0) ? kNegInf : z + b;
  }
  apply_penalties(logits, cfg, {seq.history.data(), seq.history.size()}, ws);
  apply_dry(logits, cfg, seq.history, ws);
  mask(logits, cfg.banned_tokens);
  if (cfg.restrict_to_allowed) {
    // Mark the allowed tokens in the (zero) count array, mask the rest, unmark.
    for (size_t i = 0; i < cfg.allowed_tokens.size; ++i) ws.token_counts[size_t(cfg.allowed_tokens.data[i])] = 1;
    for (size_t t = 0; t < vocab; ++t)
      if (ws.token_counts[t] == 0) logits[t] = kNegInf;
    for (size_t i = 0; i < cfg.allowed_tokens.size; ++i) ws.token_counts[size_t(cfg.allowed_tokens.data[i])] = 0;
  }
  if (cfg.token_bitmask.size) active_kernels().apply_bitmask(logits, vocab, cfg.token_bitmask.data);
  if (seq.generated() == 0) mask(logits, cfg.begin_suppress_tokens);
  if (seq.generated() < size_t(cfg.min_new_tokens) || seq.history.size() < size_t(cfg.min_length))
    mask(logits, cfg.eos_tokens);
  if (cfg.no_repeat_ngram_size > 0) mask_repeated_ngrams(logits, seq.history, size_t(cfg.no_repeat_ngram_size));
  mask_bad_words(logits, cfg, seq.history);
}

}  // namespace lk
