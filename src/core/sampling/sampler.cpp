// One sampling step: validation, logit processing, the stage chain, the
// seeded draw and the log-probabilities of the result (contract in sampler.h).
#include "sampling/sampler.h"

#include "kernels/kernels.h"
#include "ops/rows.h"
#include "sampling/sampling_candidates.h"
#include "sampling/sampler_options.h"
#include "sampling/sampler_stages.h"
#include "sampling/sampling_masses.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
constexpr float kInf = __builtin_inff();
constexpr size_t kMaxVocab = size_t(1) << 23;  // keeps every mass sum (each <= 2^30) exact in float64

// Every entry a filter index, each filter at most once, and every enabled
// filter listed (index: the bad entry, or order.size + the filter left out).
Status check_order(const SamplerConfig& cfg) {
  if (cfg.order.size == 0) return Status::Ok();
  bool seen[kMaxFilters] = {};
  const size_t filters = filter_count();
  for (size_t i = 0; i < cfg.order.size; ++i) {
    const int32_t f = cfg.order.data[i];
    if (f < 0 || size_t(f) >= filters || seen[f]) return Status::Error(StatusCode::kBadOrder, i);
    seen[f] = true;
  }
  for (size_t f = 0; f < filters; ++f)
    if (!seen[f] && stage_enabled(cfg, filter_stage(f))) return Status::Error(StatusCode::kBadOrder, cfg.order.size + f);
  return Status::Ok();
}

Status check_tokens(Span<int32_t> list, size_t vocab, StatusCode code) {
  for (size_t i = 0; i < list.size; ++i)
    if (list.data[i] < 0 || size_t(list.data[i]) >= vocab) return Status::Error(code, i);
  return Status::Ok();
}

// A list of token sequences: offsets ascend strictly from 0 to the token
// count, so every sequence is non-empty and they tile the tokens exactly.
Status check_sequences(Span<int32_t> tokens, Span<uint32_t> offsets, StatusCode code) {
  if (offsets.size == 0) return tokens.size == 0 ? Status::Ok() : Status::Error(code);
  if (offsets.data[0] != 0 || offsets.data[offsets.size - 1] != tokens.size) return Status::Error(code);
  for (size_t i = 0; i + 1 < offsets.size; ++i)
    if (offsets.data[i + 1] <= offsets.data[i]) return Status::Error(code, i);
  return Status::Ok();
}

// Log-probability of candidate i under the weights of c at temperature t
// (weights_sum computed before: c is read only here).
double final_logprob(const Candidates& c, size_t i, double t) {
  if (c.z_max == kInf) return c.z[i] == kInf ? -dlog(c.w_sum) : -kInf;
  return (double(c.z[i]) - double(c.z_max)) / t - dlog(c.w_sum);
}

// The n best of c in rank order (logit desc, ties lower id), without
// sorting the list: one selection, then an insertion sort of <= 20.
int32_t top_alternatives(const Candidates& c, size_t n, SamplerWorkspace::Impl& ws, int32_t* pos) {
  const size_t m = top_positions(c.z, c.n, n, ws);
  for (size_t k = 0; k < m; ++k) {
    // Positions arrive in id order, so a stable insertion by logit ranks ties by id.
    const uint32_t i = ws.positions[k];
    size_t j = k;
    while (j > 0 && c.z[pos[j - 1]] < c.z[i]) {
      pos[j] = pos[j - 1];
      --j;
    }
    pos[j] = int32_t(i);
  }
  return int32_t(m);
}

Status draw_token(Candidates& c, double t, uint64_t bits53, StepContext& ctx, size_t* chosen) {
  ensure_weights(c, t, ctx);
  const double total = total_mass(c, ctx);
  if (total == 0) return Status::Error(StatusCode::kNoTokenLeft);
  const double target = double(scale_draw(bits53, uint64_t(total)));
  *chosen = draw_position(c.w, ctx.ws.blocks.data(), c.n, target);
  return Status::Ok();
}
}  // namespace

SamplerWorkspace::SamplerWorkspace() : impl_(new Impl) {}
SamplerWorkspace::~SamplerWorkspace() = default;

void SamplerWorkspace::Impl::reserve(size_t vocab) {
  if (keys.size() >= vocab) return;
  for (int b = 0; b < 2; ++b) {
    ids[b].resize(vocab);
    z[b].resize(vocab);
    w[b].resize(vocab);
  }
  keys.resize(vocab);
  positions.resize(vocab + 4);
  head_w.resize(vocab);
  sum_w.resize(vocab);
  blocks.resize(vocab / kMassBlock + 1);
  token_counts.resize(vocab, 0);
}

Status validate_sampler_options(const SamplerConfig& cfg) {
  using S = StatusCode;
  // Every scalar option against its range (one table, sampler_options.h):
  // the core table, then each stage's own options.
  const Span<SamplerOption> core = sampler_options();
  for (size_t i = 0; i < core.size; ++i)
    if (!option_accepts(core.data[i], core.data[i].get(cfg))) return Status::Error(S::kBadOption, i);
  const Span<const SamplerStageInterface*> stages = sampler_stages();
  size_t at = core.size;
  for (size_t s = 0; s < stages.size; ++s) {
    const Span<SamplerOption> own = stages.data[s]->options;
    if (own.size == 0) continue;
    const double* values = stage_own(cfg, s);
    for (size_t k = 0; k < own.size; ++k, ++at)
      if (!option_accepts(own.data[k], values[k])) return Status::Error(S::kBadOption, at);
  }
  // One selector picks the token: a second enabled one names its first own
  // option in the error (or, with none, the option named as the stage).
  const size_t selector = enabled_selector(cfg);
  const size_t second = selector == SIZE_MAX ? SIZE_MAX : enabled_selector(cfg, selector + 1);
  if (second != SIZE_MAX) {
    const SamplerStageInterface& s = *sampler_stages().data[second];
    return Status::Error(S::kBadOption, size_t(sampler_option_index(s.options.size ? s.options.data[0].name : s.name)));
  }
  return check_order(cfg);
}

namespace {
// What depends on the vocabulary: its size and every token list against it.
Status validate_against_vocab(const SamplerConfig& cfg, size_t vocab) {
  using S = StatusCode;
  if (vocab == 0) return Status::Error(S::kEmpty);
  if (vocab > kMaxVocab) return Status::Error(S::kBadShape);
  for (size_t i = 0; i < cfg.logit_bias.size; ++i) {
    const TokenBias& b = cfg.logit_bias.data[i];
    if (b.token < 0 || size_t(b.token) >= vocab || b.value != b.value) return Status::Error(S::kBadBias, i);
  }
  Status st = check_tokens(cfg.banned_tokens, vocab, S::kBadMaskToken);
  if (!st.ok()) return st;
  if (cfg.restrict_to_allowed) {
    st = check_tokens(cfg.allowed_tokens, vocab, S::kBadMaskToken);
    if (!st.ok()) return st;
  }
  if (cfg.token_bitmask.size != 0 && cfg.token_bitmask.size < (vocab + 31) / 32)
    return Status::Error(S::kBitmaskTooShort);
  for (Span<int32_t> list : {cfg.begin_suppress_tokens, cfg.eos_tokens, cfg.bad_words}) {
    st = check_tokens(list, vocab, S::kBadMaskToken);
    if (!st.ok()) return st;
  }
  st = check_sequences(cfg.bad_words, cfg.bad_words_offsets, S::kBadBadWords);
  if (!st.ok()) return st;
  st = check_tokens(cfg.dry_breakers, vocab, S::kBadDryBreakers);
  if (!st.ok()) return st;
  return check_sequences(cfg.dry_breakers, cfg.dry_breakers_offsets, S::kBadDryBreakers);
}
}  // namespace

Status validate_sampler_config(const SamplerConfig& cfg, size_t vocab) {
  if (vocab == 0) return Status::Error(StatusCode::kEmpty);
  if (vocab > kMaxVocab) return Status::Error(StatusCode::kBadShape);
  Status st = validate_sampler_options(cfg);
  return st.ok() ? validate_against_vocab(cfg, vocab) : st;
}

namespace {
// k when the stage chain opens with top-k (the first enabled stage) and
// top_positions would pre-select its head with a sampled threshold; else 0.
size_t opening_top_k(const SamplerConfig& cfg, size_t vocab) {
  const size_t selector = enabled_selector(cfg);
  if (selector != SIZE_MAX && sampler_stages().data[selector]->replaces_filters) return 0;
  const Span<int32_t> order = cfg.order.size ? cfg.order : order_preset(0);
  for (size_t i = 0; i < order.size; ++i) {
    const size_t s = filter_stage(size_t(order.data[i]));
    if (!stage_enabled(cfg, s)) continue;
    const SamplerStageInterface& stage = *sampler_stages().data[s];
    if (!stage.head) return 0;
    const size_t min_keep = cfg.min_keep > 1 ? size_t(cfg.min_keep) : 1;
    const size_t k = stage.head(cfg, stage_own(cfg, s), min_keep);
    return k != 0 && k < vocab && uses_sampled_threshold(vocab, k) ? k : 0;
  }
  return 0;
}

// The selector stage of a step (sampler_stages.h): its option values and a
// working copy of its state, written back to the sequence only by a step
// that draws and succeeds.
struct Selection {
  size_t stage = SIZE_MAX;
  const double* own = nullptr;  // the selector's own option values, in cfg
  std::vector<double> state;

  explicit Selection(const SamplerConfig& cfg, const SequenceState& seq) {
    stage = enabled_selector(cfg);
    if (stage == SIZE_MAX) return;
    own = stage_own(cfg, stage);
    const SamplerStageInterface& s = *sampler_stages().data[stage];
    const size_t at = stage_slots(stage).state;
    if (s.state_size == 0) return;
    // NaN is unset: a new sequence's state.
    if (s.state_field && seq.*s.state_field == seq.*s.state_field) {
      state.assign(1, seq.*s.state_field);
    } else if (!s.state_field && seq.stage_state.size() == stage_state_size() &&
               seq.stage_state[at] == seq.stage_state[at]) {
      state.assign(seq.stage_state.begin() + long(at), seq.stage_state.begin() + long(at + s.state_size));
    } else {
      state.assign(s.state_size, 0.0);
      s.reset(cfg, own, state.data());
    }
    if (s.observe) s.observe(own, state.data(), seq);
  }
  const SamplerStageInterface& interface() const { return *sampler_stages().data[stage]; }
  bool replaces_filters() const { return stage != SIZE_MAX && interface().replaces_filters; }
  void commit(SequenceState& seq) const {
    if (state.empty()) return;
    if (interface().state_field) {
      seq.*interface().state_field = state[0];
      return;
    }
    if (seq.stage_state.size() != stage_state_size()) seq.stage_state.assign(stage_state_size(), __builtin_nan(""));
    std::copy(state.begin(), state.end(), seq.stage_state.begin() + long(stage_slots(stage).state));
  }
};

// Steps 1-4 of sampler.h: leaves the final candidates in c, with weights at
// ctx.temperature, and the step's token draw in *bits53. seq.rng advances
// only on success.
Status run_chain(float* logits, size_t vocab, SequenceState& seq, StepContext& ctx, Candidates& c,
                 uint64_t* bits53, Selection* selection) {
  const SamplerConfig& cfg = ctx.cfg;
  // Options checked once by the caller (lk::Sampler at configure) need not be rechecked every step.
  Status st = ctx.options_checked ? validate_against_vocab(cfg, vocab) : validate_sampler_config(cfg, vocab);
  if (!st.ok()) return st;
  st = check_tokens(Span<int32_t>{seq.history.data(), seq.history.size()}, vocab, StatusCode::kBadHistoryToken);
  if (!st.ok()) return st;
  if (seq.prompt_length > seq.history.size()) return Status::Error(StatusCode::kBadShape);
  SamplerWorkspace::Impl& ws = ctx.ws;
  ws.reserve(vocab);
  ws.raw_norm_valid = false;
  process_logits(logits, vocab, cfg, seq, ws);

  // One pass finds NaN and the maximum; greedy's argmax also finds the first
  // position of the maximum, which the other paths do not need.
  const bool greedy = is_greedy_temperature(cfg.temperature) && cfg.dynatemp_range == 0;
  Argmax top{SIZE_MAX, 0.0f, SIZE_MAX};
  const size_t head = greedy ? 0 : opening_top_k(cfg, vocab);
  const float head_threshold = head != 0 ? sample_threshold(logits, vocab, head, ws.sample) : __builtin_nanf("");
  if (greedy) {
    top = active_kernels().argmax(logits, vocab);
  } else if (head_threshold == head_threshold) {
    // The chain opens with top-k: the scan also gathers the head top-k will select from.
    const ScanGather sg = scan_max_gather_at_least(logits, vocab, head_threshold, ws.positions.data());
    top.nan_index = sg.nan_index;
    top.value = sg.max;
    ctx.head_for = head;
    ctx.head_count = sg.count;
  } else {
    const MaxScan scan = active_kernels().scan_max(logits, vocab);
    top.nan_index = scan.nan_index;
    top.value = scan.max;
  }
  if (top.nan_index != SIZE_MAX) return Status::Error(StatusCode::kNaN, top.nan_index);
  if (top.value == -kInf) return Status::Error(StatusCode::kNoTokenLeft);
  ctx.row = logits;
  ctx.row_max = top.value;

  ctx.min_keep = cfg.min_keep > 1 ? size_t(cfg.min_keep) : 1;
  // Stages that keep no zero-mass token (but for min_keep): the row's weights
  // need not compute the tail below the mass grid, which they drop.
  ctx.skip_below_grid = zero_mass_dropped(cfg);
  ctx.vocab = vocab;
  *bits53 = seq.rng.next_bits53();
  ctx.u_aux = seq.rng.next_uniform();
  c.z = logits;
  c.n = vocab;
  c.w = ws.w[0].data();
  ws.cur = 0;
  if (greedy) {
    // Greedy: the first maximum alone is the final distribution.
    const uint32_t first = uint32_t(top.index);
    compact_positions(c, ctx, &first, 1, [](size_t) { return true; });
  } else {
    const Span<int32_t> order = selection->replaces_filters() ? Span<int32_t>{} : cfg.order.size ? cfg.order : order_preset(0);
    for (size_t i = 0; i < order.size; ++i) {
      const size_t s = filter_stage(size_t(order.data[i]));
      if (stage_enabled(cfg, s)) sampler_stages().data[s]->filter(c, ctx, stage_own(cfg, s));
    }
    if (selection->stage != SIZE_MAX) {
      selection->interface().select(c, ctx, selection->own, selection->state.empty() ? nullptr : selection->state.data());
    }
  }
  ensure_weights(c, ctx.temperature, ctx);
  return Status::Ok();
}
}  // namespace

Status sampler_distribution(float* logits, size_t vocab, const SamplerConfig& cfg, SequenceState& seq,
                            SamplerWorkspace& workspace, int32_t* ids, float* probs, size_t* count) {
  return sampler_distribution_checked(logits, vocab, cfg, seq, workspace, ids, probs, count, false);
}

Status sampler_distribution_checked(float* logits, size_t vocab, const SamplerConfig& cfg, SequenceState& seq,
                                    SamplerWorkspace& workspace, int32_t* ids, float* probs, size_t* count,
                                    bool options_checked) {
  StepContext ctx{cfg, workspace.impl()};
  ctx.options_checked = options_checked;
  Candidates c;
  uint64_t bits53;
  Selection selection(cfg, seq);  // read, not committed: a distribution is not a pick
  Status st = run_chain(logits, vocab, seq, ctx, c, &bits53, &selection);
  if (!st.ok()) return st;
  // Masked tokens (-inf) may still be candidates when no stage cut them; they
  // are not part of the distribution (probability exactly 0 by the mask).
  // When +inf logits remain, they share all the mass (the limit) and every
  // finite candidate has probability exactly 0: it is not listed either.
  const double inv_sum = 1.0 / weights_sum(c, ctx);
  // A weight below the mass grid may be 0 here (it is never drawn); its
  // probability is still reported, from its weight computed in full.
  const float* w = c.w;
  if (c.below != 0 && c.z_max != kInf) {
    active_kernels().sampler_weights(c.z, c.n, make_weight_params(c.z_max, c.w_t), ctx.ws.sum_w.data(), false);
    w = ctx.ws.sum_w.data();
  }
  size_t kept = 0;
  for (size_t i = 0; i < c.n; ++i) {
    if (c.z[i] == -kInf || (c.z_max == kInf && c.z[i] != kInf)) continue;
    ids[kept] = c.id(i);
    probs[kept] = float(double(w[i]) * inv_sum);
    ++kept;
  }
  *count = kept;
  return Status::Ok();
}

Status sample_batch(float* logits, size_t rows, size_t vocab, const SamplerConfig& cfg, SequenceState* seqs,
                    SamplerWorkspace& ws, SampleResult* out) {
  for (size_t r = 0; r < rows; ++r) {
    Status st = sample_logits(logits + r * vocab, vocab, cfg, seqs[r], ws, out + r);
    if (!st.ok()) return Status::Error(st.code, st.code == StatusCode::kNaN ? r * vocab + st.index : r);
  }
  return Status::Ok();
}

Status sample_logits(float* logits, size_t vocab, const SamplerConfig& cfg, SequenceState& seq,
                     SamplerWorkspace& workspace, SampleResult* out) {
  return sample_logits_checked(logits, vocab, cfg, seq, workspace, out, false);
}

Status sample_logits_checked(float* logits, size_t vocab, const SamplerConfig& cfg, SequenceState& seq,
                             SamplerWorkspace& workspace, SampleResult* out, bool options_checked) {
  SamplerWorkspace::Impl& ws = workspace.impl();
  StepContext ctx{cfg, ws};
  ctx.options_checked = options_checked;
  Candidates c;
  uint64_t bits53;
  Selection selection(cfg, seq);
  Status st = run_chain(logits, vocab, seq, ctx, c, &bits53, &selection);
  if (!st.ok()) return st;
  size_t chosen = 0;
  st = draw_token(c, ctx.temperature, bits53, ctx, &chosen);
  if (!st.ok()) return st;
  *out = SampleResult();
  const double t = ctx.temperature;
  out->token = c.id(chosen);
  // Masked (-inf) candidates that no stage cut are not counted.
  out->candidates = count_at_least(c.z, c.n, -__FLT_MAX__);
  weights_sum(c, ctx);
  out->logprob = final_logprob(c, chosen, t);
  // Greedy bypasses the selector, which keeps its state (as mirostat keeps mu).
  if (selection.stage != SIZE_MAX && !(is_greedy_temperature(cfg.temperature) && cfg.dynatemp_range == 0)) {
    const SamplerStageInterface& s = selection.interface();
    const bool keep = !s.picked || s.picked(c, chosen, out->logprob, ctx, selection.own, selection.state.data(), seq);
    if (keep) selection.commit(seq);
  }
  if (cfg.compute_entropy) out->entropy = candidates_entropy(c, t);

  const bool need_raw = cfg.compute_raw_logprob || (cfg.top_logprobs > 0 && !cfg.top_logprobs_final);
  float raw_max = ws.raw_max;
  double raw_log_sum = ws.raw_log_sum;
  if (need_raw && !ws.raw_norm_valid) {
    // The raw normaliser from the sampler's weights at T = 1 (every one of
    // them: the log-probability contract needs S, tail included).
    raw_max = ctx.row_max;  // the step's first scan, over the processed logits
    raw_log_sum = raw_max == kInf ? dlog(double(count_at_least(logits, vocab, kInf)))
                                  : dlog(active_kernels().sampler_weights(logits, vocab, make_weight_params(raw_max, 1.0),
                                                                          ws.sum_w.data(), false).sum);
  }
  auto raw_logprob = [&](int32_t token) {
    const float z = logits[token];
    if (raw_max == kInf) return z == kInf ? -raw_log_sum : -double(kInf);
    return (double(z) - double(raw_max)) - raw_log_sum;
  };
  if (cfg.compute_raw_logprob) out->raw_logprob = raw_logprob(out->token);

  if (cfg.top_logprobs > 0) {
    int32_t pos[kMaxTopLogprobs];
    if (cfg.top_logprobs_final) {
      out->top_count = top_alternatives(c, size_t(cfg.top_logprobs), ws, pos);
      for (int32_t i = 0; i < out->top_count; ++i) {
        out->top_tokens[i] = c.id(size_t(pos[i]));
        out->top_logprobs[i] = final_logprob(c, size_t(pos[i]), t);
      }
    } else {
      Candidates row;
      row.z = logits;
      row.n = vocab;
      out->top_count = top_alternatives(row, size_t(cfg.top_logprobs), ws, pos);
      for (int32_t i = 0; i < out->top_count; ++i) {
        out->top_tokens[i] = pos[i];
        out->top_logprobs[i] = raw_logprob(pos[i]);
      }
    }
  }
  return Status::Ok();
}

}  // namespace lk
