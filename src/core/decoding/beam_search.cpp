// Beam search after HF transformers' _beam_search (semantics in beam_search.h).
#include "decoding/beam_search.h"

#include <algorithm>
#include <cstring>

#include "decoding/rank.h"
#include "kernels/kernels.h"
#include "ops/rows.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
constexpr double kNegInf = -__builtin_inf();
constexpr double kBig = 1.0e9;  // HF's sentinel: -1e9 marks "not this one"
constexpr uint8_t kTouched = 1, kPenalised = 2, kHamming = 4;

Status bad(BeamArg a) { return Status::Error(StatusCode::kBadArgument, size_t(a)); }

// n ** lp for a generated length n >= 1 (exact for lp 0 and 1).
double len_pow(size_t n, double lp) {
  if (lp == 0.0) return 1.0;
  if (lp == 1.0) return double(n);
  return dexp(lp * dlog(double(n)));
}

// BeamHypotheses.add on one group's list, kept in HF's list order as ids,
// scores and sums of its n <= cap entries: a new entry goes in while the list
// is short or when it beats the worst; over cap, the worst (the first of equal
// ones) leaves and worst becomes the smallest kept score. The new entry is
// stored with id new_id, or with the leaver's id when `reuse` (its slot is
// free). Returns the stored id, or -1 when the entry is not kept.
int64_t group_hyp_add(uint32_t* id, double* score, double* sum, size_t& n, double& worst, size_t cap, double s,
                      double total, uint32_t new_id, bool reuse) {
  const bool full = n >= cap;
  if (full && !(s > worst)) return -1;
  if (full) {  // the leaver is an old entry (s > worst, its score)
    size_t lo = 0;
    for (size_t i = 1; i < n; ++i)
      if (score[i] < score[lo]) lo = i;
    if (reuse) new_id = id[lo];
    for (size_t i = lo; i + 1 < n; ++i) id[i] = id[i + 1], score[i] = score[i + 1], sum[i] = sum[i + 1];
    --n;
  }
  id[n] = new_id, score[n] = s, sum[n] = total;
  ++n;
  worst = full ? *std::min_element(score, score + n) : std::min(s, worst);
  return new_id;
}

bool in_vocab(int32_t t, size_t v) { return t >= 0 && size_t(t) < v; }

Status check_tokens(const std::vector<int32_t>& list, size_t v, size_t& entry) {
  for (int32_t t : list) {
    if (!in_vocab(t, v)) return Status::Error(StatusCode::kBadMaskToken, entry);
    ++entry;
  }
  return Status::Ok();
}

Status validate(const BeamSearchConfig& c) {
  if (c.batch < 1) return bad(BeamArg::kBatch);
  if (c.num_beams < 1) return bad(BeamArg::kNumBeams);
  const size_t k = std::max<size_t>(2, 1 + c.eos.size()) * c.num_beams;
  if (c.vocab < 1 || c.vocab > (size_t(1) << 24) || c.num_beams * c.vocab < k ||
      double(c.num_beams) * double(c.vocab) >= 4294967296.0)
    return bad(BeamArg::kVocab);
  if (c.max_new_tokens < 1) return bad(BeamArg::kMaxNewTokens);
  if (c.num_return_sequences < 1 || c.num_return_sequences > c.num_beams) return bad(BeamArg::kNumReturnSequences);
  if (!(c.length_penalty - c.length_penalty == 0.0)) return bad(BeamArg::kLengthPenalty);
  if (int32_t(c.early_stopping) < 0 || int32_t(c.early_stopping) > 2) return bad(BeamArg::kEarlyStopping);
  if (!(c.repetition_penalty > 0.0) || c.repetition_penalty - c.repetition_penalty != 0.0)
    return bad(BeamArg::kRepetitionPenalty);
  if (c.pad_token != -1 && !in_vocab(c.pad_token, c.vocab)) return bad(BeamArg::kPadTokenId);
  if (!c.prompts.empty() && c.prompts.size() != c.batch) return bad(BeamArg::kPrompts);
  if (c.num_beam_groups < 1 || c.num_beams % c.num_beam_groups != 0) return bad(BeamArg::kNumBeamGroups);
  if (c.num_beam_groups > 1 ? !(c.diversity_penalty > 0.0) || c.diversity_penalty - c.diversity_penalty != 0.0 || c.do_sample
                            : c.diversity_penalty != 0.0)
    return bad(BeamArg::kDiversityPenalty);
  if (c.do_sample) {
    if (c.num_beams < 2) return bad(BeamArg::kDoSample);
    if (!(c.temperature > 0.0) || c.temperature - c.temperature != 0.0) return bad(BeamArg::kTemperature);
    if (!(c.top_p >= 0.0 && c.top_p <= 1.0)) return bad(BeamArg::kTopP);
    if (!(c.min_p >= 0.0 && c.min_p <= 1.0)) return bad(BeamArg::kMinP);
  }
  size_t entry = 0;
  for (const auto* list : {&c.eos, &c.suppress_tokens, &c.begin_suppress_tokens, &c.bad_words}) {
    Status s = check_tokens(*list, c.vocab, entry);
    if (!s.ok()) return s;
  }
  for (size_t i = 0; i < c.bias.size(); ++i)
    if (!in_vocab(c.bias[i].token, c.vocab) || c.bias[i].value - c.bias[i].value != 0.0)
      return Status::Error(StatusCode::kBadBias, i);
  const auto& off = c.bad_words_offsets;
  if (off.empty() ? !c.bad_words.empty() : (off.front() != 0 || off.back() != c.bad_words.size()))
    return Status::Error(StatusCode::kBadBadWords, 0);
  for (size_t i = 1; i < off.size(); ++i)
    if (off[i] <= off[i - 1]) return Status::Error(StatusCode::kBadBadWords, i);
  size_t at = 0;
  for (const auto& p : c.prompts)
    for (int32_t t : p) {
      if (!in_vocab(t, c.vocab)) return Status::Error(StatusCode::kBadHistoryToken, at);
      ++at;
    }
  return Status::Ok();
}

}  // namespace

// log p = z - c; a +inf maximum: the +inf entries share the mass (rows.h);
// an all -inf row has c = +inf.
double BeamSearch::RowLogp::operator()(float z) const {
  if (inf_max) return z == __builtin_inff() ? inf_logp : kNegInf;
  return double(z) - c;
}

int32_t BeamSearch::fill_token() const {
  if (cfg_.num_beam_groups > 1) return group_pad();
  if (cfg_.eos.empty()) return -1;
  return cfg_.pad_token > 0 ? cfg_.pad_token : cfg_.eos[0];
}

Status BeamSearch::reset(const BeamSearchConfig& cfg) {
  Status s = validate(cfg);
  if (!s.ok()) return s;
  cfg_ = cfg;
  const size_t n = rows(), v = cfg_.vocab;
  k_ = std::max<size_t>(2, 1 + cfg_.eos.size()) * cfg_.num_beams;
  steps_ = 0;
  done_ = false;
  running_.assign(n, {});
  running_score_.assign(n, -kBig);
  // Score 0 for the first beam (of each group: HF's beam_scores[:, ::gs] = 0).
  for (size_t r = 0; r < n; r += cfg_.num_beams / cfg_.num_beam_groups) running_score_[r] = 0.0;
  gcount_.assign(cfg_.batch * cfg_.num_beam_groups, 0);
  gworst_.assign(cfg_.batch * cfg_.num_beam_groups, kBig);
  gdone_.assign(cfg_.batch * cfg_.num_beam_groups, 0);
  gid_.assign(n, 0);
  gscore_.assign(n, 0.0);
  gsum_.assign(n, 0.0);
  parents_.assign(n, 0);
  for (size_t r = 0; r < n; ++r) parents_[r] = int32_t(r);
  tokens_.assign(n, -1);
  fin_tokens_.assign(n, {});
  fin_score_.assign(n, -kBig);
  fin_logprob_.assign(n, 0.0);
  fin_done_.assign(n, 0);
  unsatisfied_.assign(cfg_.batch, 1);
  prompt_done_.assign(cfg_.batch, 0);
  val_.assign(v, 0.0);
  mark_.assign(v, 0);
  masked_.resize(v);
  pos_.resize(v + 4);
  keys_.resize(v);
  next_running_.assign(n, {});
  norm_.assign(n, {});
  next_parents_.assign(n, 0);
  next_tokens_.assign(n, 0);
  next_scores_.assign(n, 0.0);
  key_.assign(cfg_.num_beams + k_, 0.0);
  order_.reserve(cfg_.num_beams + k_);
  hit_.assign(k_, 0);
  slot_tokens_.assign(cfg_.num_beams, {});
  slot_score_.assign(cfg_.num_beams, 0.0);
  slot_logprob_.assign(cfg_.num_beams, 0.0);
  slot_done_.assign(cfg_.num_beams, 0);
  if (cfg_.do_sample) {
    acc_.resize(cfg_.num_beams * v);
    weight_.resize(cfg_.num_beams * v);
    drawn_.resize(k_);
  }
  return Status::Ok();
}

void BeamSearch::beam_history(size_t row, std::vector<int32_t>& h) const {
  h.clear();
  if (!cfg_.prompts.empty()) {
    const auto& p = cfg_.prompts[row / cfg_.num_beams];
    h.insert(h.end(), p.begin(), p.end());
  }
  h.insert(h.end(), running_[row].begin(), running_[row].end());
}

void BeamSearch::touch(int32_t t, const float* z, const RowLogp& lp) {
  if (mark_[size_t(t)]) return;
  mark_[size_t(t)] = kTouched;
  val_[size_t(t)] = lp(z[t]);
  touched_.push_back(t);
}

void BeamSearch::mask(int32_t t, const float* z, const RowLogp& lp) {
  touch(t, z, lp);
  val_[size_t(t)] = kNegInf;
}

// HF's processors on one row's log-probabilities, in HF's order, written to
// val_ for the tokens they touch (touched_). Costs O(history + lists).
void BeamSearch::process_row(const float* z, const RowLogp& lp, const std::vector<int32_t>& h) {
  for (const BeamBias& e : cfg_.bias) {
    touch(e.token, z, lp);
    val_[size_t(e.token)] += e.value;
  }
  if (cfg_.repetition_penalty != 1.0) {
    const double p = cfg_.repetition_penalty;
    for (int32_t t : h) {
      touch(t, z, lp);
      if (mark_[size_t(t)] & kPenalised) continue;
      mark_[size_t(t)] |= kPenalised;
      double& x = val_[size_t(t)];
      x = x < 0 ? x * p : x / p;
    }
  }
  const size_t ng = cfg_.no_repeat_ngram_size;
  if (ng > 0 && h.size() + 1 >= ng) {
    const int32_t* prefix = h.data() + (h.size() - (ng - 1));
    for (size_t i = 0; i + ng <= h.size(); ++i)
      if (std::equal(prefix, prefix + (ng - 1), h.data() + i)) mask(h[i + ng - 1], z, lp);
  }
  const auto& off = cfg_.bad_words_offsets;
  for (size_t w = 0; w + 1 < off.size(); ++w) {
    const int32_t* first = cfg_.bad_words.data() + off[w];
    const int32_t* last = cfg_.bad_words.data() + off[w + 1] - 1;  // the word's final token
    const size_t len = size_t(last - first);
    if (len <= h.size() && std::equal(first, last, h.end() - std::ptrdiff_t(len))) mask(*last, z, lp);
  }
  if (steps_ < cfg_.min_new_tokens)
    for (int32_t t : cfg_.eos) mask(t, z, lp);
  for (int32_t t : cfg_.suppress_tokens) mask(t, z, lp);
  if (steps_ == 0)
    for (int32_t t : cfg_.begin_suppress_tokens) mask(t, z, lp);
}

// The k best candidates (running score + processed log-probability) of rows
// r0 .. r0 + count - 1, best first, ties by the lower flat index (row - r0)·V +
// token, into cands_[0..k). ham: tokens chosen this step by earlier groups
// (HF's HammingDiversityLogitsProcessor, after the other processors:
// -diversityPenalty · their count).
void BeamSearch::gather_top(size_t r0, size_t count, size_t k, const float* logits, const uint32_t* bitmask,
                            size_t bitmask_words, const int32_t* ham, size_t ham_n) {
  const size_t v = cfg_.vocab;
  cands_.clear();
  for (size_t j = 0; j < count; ++j) {
    const size_t r = r0 + j;
    const float* z = logits + r * v;
    const float* src = z;
    if (bitmask) {
      std::memcpy(masked_.data(), z, v * sizeof(float));
      active_kernels().apply_bitmask(masked_.data(), v, bitmask + r * bitmask_words);
      src = masked_.data();
    }
    beam_history(r, hist_);
    process_row(z, norm_[r], hist_);
    for (size_t i = 0; i < ham_n; ++i) {
      const int32_t t = ham[i];
      touch(t, z, norm_[r]);
      if (mark_[size_t(t)] & kHamming) continue;
      mark_[size_t(t)] |= kHamming;
      val_[size_t(t)] -= cfg_.diversity_penalty * double(std::count(ham, ham + ham_n, t));
    }
    // Processed values of the touched tokens (HF's processor order).
    for (int32_t t : touched_) {
      double x = val_[size_t(t)];
      if (bitmask && !((bitmask[r * bitmask_words + size_t(t) / 32] >> (size_t(t) % 32)) & 1u)) x = kNegInf;
      cands_.push_back({running_score_[r] + x, uint32_t(j * v + size_t(t))});
    }
    // Untouched: log p = z - c, in the logits' own order.
    const size_t m = std::min(v, k + touched_.size());
    const size_t got = top_k_positions(src, v, m, pos_.data(), keys_.data(), sample_, selector_);
    for (size_t i = 0; i < got; ++i) {
      const uint32_t t = pos_[i];
      if (mark_[t]) continue;
      cands_.push_back({running_score_[r] + norm_[r](src[t]), uint32_t(j * v + t)});
    }
    for (int32_t t : touched_) mark_[size_t(t)] = 0;
    touched_.clear();
  }
  // The k best: score descending, then lower flat index.
  const size_t nc = cands_.size();
  key_.resize(std::max(nc, key_.size()));
  flat_.resize(nc);
  order_.resize(nc);
  for (size_t i = 0; i < nc; ++i) key_[i] = cands_[i].score, flat_[i] = cands_[i].flat, order_[i] = uint32_t(i);
  rank_first(order_, k, Rank{key_.data(), flat_.data()});
  for (size_t i = 0; i < k; ++i) cands_[i] = {key_[order_[i]], flat_[order_[i]]};
}

// Diverse (group) beam search: HF's group-beam-search recipe (the
// _group_beam_search of utils.py before v4.50, BeamSearchScorer with groups in
// beam_search.py; beam_search.h). Groups in order; group g of prompt b keeps
// gs = numBeams / G beams and its own gs finished hypotheses.
void BeamSearch::step_groups(const float* logits, const uint32_t* bitmask, size_t bitmask_words) {
  const size_t nb = cfg_.num_beams, v = cfg_.vocab, G = cfg_.num_beam_groups, gs = nb / G;
  const size_t kg = std::max<size_t>(2, 1 + cfg_.eos.size()) * gs, gen_len = steps_ + 1;
  const int32_t pad = group_pad();
  for (size_t b = 0; b < cfg_.batch; ++b) {
    for (size_t g = 0; g < G; ++g) {
      const size_t bg = b * G + g, r0 = b * nb + g * gs;
      if (gdone_[bg]) {  // HF pads a finished group: token pad, score 0, reorder index g·gs (prompt 0's row)
        for (size_t i = 0; i < gs; ++i) {
          next_parents_[r0 + i] = int32_t(g * gs);
          next_tokens_[r0 + i] = pad;
          next_scores_[r0 + i] = 0;
          next_running_[r0 + i] = running_[g * gs];
          next_running_[r0 + i].push_back(pad);
        }
        continue;
      }
      gather_top(r0, gs, kg, logits, bitmask, bitmask_words, next_tokens_.data() + b * nb, g * gs);
      size_t filled = 0;
      for (size_t i = 0; i < kg && filled < gs; ++i) {
        const Cand& c = cands_[i];
        const size_t parent = r0 + c.flat / v;
        const int32_t tok = int32_t(c.flat % v);
        hist_ = running_[parent];
        hist_.push_back(tok);
        if (std::find(cfg_.eos.begin(), cfg_.eos.end(), tok) != cfg_.eos.end()) {
          if (i < gs) {  // only EOS among the gs best
            const size_t base = b * nb + g * gs;
            const int64_t slot = group_hyp_add(gid_.data() + base, gscore_.data() + base, gsum_.data() + base,
                                               gcount_[bg], gworst_[bg], gs, c.score / len_pow(gen_len, cfg_.length_penalty),
                                               c.score, uint32_t(gcount_[bg]), true);
            if (slot >= 0) fin_tokens_[base + size_t(slot)] = hist_;
          }
          continue;
        }
        const size_t row = r0 + filled++;
        next_parents_[row] = int32_t(parent);
        next_tokens_[row] = tok;
        next_scores_[row] = c.score;
        next_running_[row].swap(hist_);
      }
      // BeamHypotheses.is_done with the best candidate's score.
      if (gcount_[bg] >= gs) {
        const EarlyStopping es = cfg_.early_stopping;
        const size_t n = es == EarlyStopping::kNever && cfg_.length_penalty > 0.0 ? cfg_.max_new_tokens : gen_len;
        gdone_[bg] = es == EarlyStopping::kTrue || gworst_[bg] >= cands_[0].score / len_pow(n, cfg_.length_penalty);
      }
    }
  }
  running_.swap(next_running_);
  parents_.swap(next_parents_);
  tokens_.swap(next_tokens_);
  running_score_.swap(next_scores_);
  ++steps_;
  bool all = true;
  for (size_t b = 0; b < cfg_.batch; ++b) {
    prompt_done_[b] = 1;
    for (size_t g = 0; g < G; ++g) prompt_done_[b] &= gdone_[b * G + g];
    all = all && prompt_done_[b];
  }
  done_ = all || steps_ >= cfg_.max_new_tokens;
}

int32_t BeamSearch::group_pad() const {
  return cfg_.pad_token >= 0 ? cfg_.pad_token : cfg_.eos.empty() ? -1 : cfg_.eos[0];
}

// Beam sampling: prompt b's K candidates in draw order (HF _get_top_k_continuations
// with do_sample: multinomial over softmax(running + warped log-probabilities)).
void BeamSearch::sample_candidates(size_t b, const float* logits, const uint32_t* bitmask, size_t bitmask_words) {
  const size_t nb = cfg_.num_beams, v = cfg_.vocab;
  BeamWarpers w;
  w.temperature = cfg_.temperature;
  w.top_k = cfg_.top_k;
  w.top_p = cfg_.top_p;
  w.min_p = cfg_.min_p;
  w.min_keep = std::max<size_t>(2, 1 + cfg_.eos.size());
  double top = kNegInf;
  for (size_t j = 0; j < nb; ++j) {
    const size_t r = b * nb + j;
    const float* z = logits + r * v;
    double* s = acc_.data() + j * v;
    for (size_t t = 0; t < v; ++t) s[t] = norm_[r](z[t]);
    beam_history(r, hist_);
    process_row(z, norm_[r], hist_);
    for (int32_t t : touched_) s[t] = val_[size_t(t)], mark_[size_t(t)] = 0;
    touched_.clear();
    if (bitmask) {
      const uint32_t* m = bitmask + r * bitmask_words;
      for (size_t t = 0; t < v; ++t)
        if (!((m[t / 32] >> (t % 32)) & 1u)) s[t] = kNegInf;
    }
    beam_warp(s, v, w, warp_);
    for (size_t t = 0; t < v; ++t) top = std::max(top, s[t] += running_score_[r]);
  }
  for (size_t i = 0; i < nb * v; ++i) weight_[i] = acc_[i] == kNegInf ? 0.0 : dexp(acc_[i] - top);
  SamplingRng rng{cfg_.seed, cfg_.stream + b, 0};
  draw_without_replacement(weight_.data(), nb * v, k_, rng, uint64_t(steps_) * nb * v, warp_.idx, drawn_.data());
  cands_.clear();
  for (size_t i = 0; i < k_; ++i) cands_.push_back({acc_[drawn_[i]], drawn_[i]});
}

Status BeamSearch::step(const float* logits, size_t rows_in, const uint32_t* bitmask, size_t bitmask_words) {
  if (done_) return bad(BeamArg::kStepAfterDone);
  const size_t nb = cfg_.num_beams, v = cfg_.vocab, n = rows();
  if (rows_in != n) return Status::Error(StatusCode::kBadShape, rows_in);
  if (bitmask && bitmask_words < (v + 31) / 32) return Status::Error(StatusCode::kBitmaskTooShort, bitmask_words);
  // Every row's normaliser first: a NaN anywhere leaves the search as it was.
  std::vector<RowLogp>& norm = norm_;
  for (size_t r = 0; r < n; ++r) {
    RowNorm rn;
    Status s = row_norm(logits + r * v, v, 1.0, &rn);
    if (!s.ok()) return Status::Error(s.code, r * v + s.index);
    if (rn.max == __builtin_inff()) {
      norm[r].inf_max = true;
      norm[r].inf_logp = -dlog(double(rn.inf_count));
    } else {
      norm[r].c = rn.max == -__builtin_inff() ? __builtin_inf() : double(rn.max) + rn.log_sum;
    }
  }

  if (cfg_.num_beam_groups > 1) {
    step_groups(logits, bitmask, bitmask_words);
    return Status::Ok();
  }
  const size_t gen_len = steps_ + 1;  // generated tokens after this step
  const double lenpen = len_pow(gen_len, cfg_.length_penalty);
  const bool es_true = cfg_.early_stopping == EarlyStopping::kTrue;
  bool all_hit = true;
  std::vector<int32_t>&next_parents = next_parents_, &next_tokens = next_tokens_;
  std::vector<double>&next_scores = next_scores_, &key = key_;
  std::vector<uint8_t>& hit = hit_;
  std::vector<uint32_t>& order = order_;
  // torch.topk over a short list: value descending, then lower position (rank.h).
  auto rank_keys = [&](size_t n) {
    order.resize(n);
    for (size_t i = 0; i < n; ++i) order[i] = uint32_t(i);
    rank_first(order, nb, Rank{key.data()});
  };

  for (size_t b = 0; b < cfg_.batch; ++b) {
    if (cfg_.do_sample) {
      sample_candidates(b, logits, bitmask, bitmask_words);
    } else {
      gather_top(b * nb, nb, k_, logits, bitmask, bitmask_words, nullptr, 0);
    }
    for (size_t i = 0; i < k_; ++i) {
      const int32_t tok = int32_t(cands_[i].flat % v);
      hit[i] = gen_len >= cfg_.max_new_tokens ||
               std::find(cfg_.eos.begin(), cfg_.eos.end(), tok) != cfg_.eos.end();
      all_hit = all_hit && hit[i];
    }
    // Running beams: the numBeams best after -1e9 on the ones that hit.
    for (size_t i = 0; i < k_; ++i) {
      key[i] = hit[i] ? cands_[i].score + -kBig : cands_[i].score;
    }
    rank_keys(k_);
    for (size_t i = 0; i < nb; ++i) {
      const Cand& c = cands_[order[i]];
      const size_t parent = b * nb + c.flat / v;
      const size_t row = b * nb + i;
      next_parents[row] = int32_t(parent);
      next_tokens[row] = int32_t(c.flat % v);
      next_scores[row] = key[order[i]];
      next_running_[row] = running_[parent];
      next_running_[row].push_back(next_tokens[row]);
    }
    // Finished hypotheses: merge the kept slots with the new ones, keep numBeams.
    bool full = es_true;
    for (size_t j = 0; j < nb; ++j) full = full && fin_done_[b * nb + j];
    for (size_t j = 0; j < nb; ++j) key[j] = fin_score_[b * nb + j];
    for (size_t i = 0; i < k_; ++i) {
      double s = cands_[i].score / lenpen;
      if (full) s += -kBig;
      if (!unsatisfied_[b]) s += -kBig;
      if (!(hit[i] && i < nb)) s += -kBig;
      key[nb + i] = s;
    }
    rank_keys(nb + k_);
    auto& slot_tokens = slot_tokens_;
    auto& slot_score = slot_score_;
    auto& slot_logprob = slot_logprob_;
    auto& slot_done = slot_done_;
    for (size_t i = 0; i < nb; ++i) {
      const size_t m = order[i];
      slot_score[i] = key[m];
      if (m < nb) {
        slot_tokens[i].swap(fin_tokens_[b * nb + m]);
        slot_logprob[i] = fin_logprob_[b * nb + m];
        slot_done[i] = fin_done_[b * nb + m];
      } else {
        const Cand& c = cands_[m - nb];
        slot_tokens[i] = running_[b * nb + c.flat / v];
        slot_tokens[i].push_back(int32_t(c.flat % v));
        slot_logprob[i] = c.score;
        slot_done[i] = hit[m - nb] && (m - nb) < nb;
      }
    }
    for (size_t i = 0; i < nb; ++i) {
      fin_tokens_[b * nb + i].swap(slot_tokens[i]);
      fin_score_[b * nb + i] = slot_score[i];
      fin_logprob_[b * nb + i] = slot_logprob[i];
      fin_done_[b * nb + i] = slot_done[i];
    }
  }
  running_.swap(next_running_);
  parents_.swap(next_parents);
  tokens_.swap(next_tokens);
  running_score_.swap(next_scores);
  ++steps_;

  // HF _check_early_stop_heuristic, then _beam_search_has_unfinished_sequences.
  const bool never_long = cfg_.early_stopping == EarlyStopping::kNever && cfg_.length_penalty > 0.0;
  const double hyp_pow = len_pow(never_long ? cfg_.max_new_tokens : steps_, cfg_.length_penalty);
  bool improvement = false, all_finished = true;
  for (size_t b = 0; b < cfg_.batch; ++b) {
    const double best = running_score_[b * nb] / hyp_pow;
    double worst = fin_score_[b * nb];
    bool prompt_full = true;
    for (size_t j = 0; j < nb; ++j) {
      worst = std::min(worst, fin_score_[b * nb + j]);
      prompt_full = prompt_full && fin_done_[b * nb + j];
    }
    bool any = false;
    for (size_t j = 0; j < nb; ++j) any = any || best > (fin_done_[b * nb + j] ? worst : -kBig);
    unsatisfied_[b] = unsatisfied_[b] && any;
    improvement = improvement || unsatisfied_[b];
    all_finished = all_finished && prompt_full;
    prompt_done_[b] = !unsatisfied_[b] || (es_true && prompt_full);
  }
  const bool exists_open = !(all_finished && es_true);
  done_ = !(improvement && exists_open && !all_hit);
  return Status::Ok();
}

std::vector<BeamHypothesis> BeamSearch::finalize(size_t b) const {
  std::vector<BeamHypothesis> out;
  if (cfg_.num_beam_groups > 1) {
    // BeamSearchScorer.finalize: the open groups' beams join their lists
    // (ids >= gs: running row gs + i), then every list of the prompt in
    // order, best first (Python's stable sort popped from the end: of equal
    // scores the later entry first).
    const size_t G = cfg_.num_beam_groups, nb = cfg_.num_beams, gs = nb / G;
    std::vector<uint32_t> id(nb), src(nb);
    std::vector<double> score(nb), sum(nb);
    size_t total = 0;
    for (size_t g = 0; g < G; ++g) {
      const size_t bg = b * G + g, base = b * nb + g * gs;
      size_t n = gcount_[bg];
      double worst = gworst_[bg];
      std::copy(gid_.begin() + std::ptrdiff_t(base), gid_.begin() + std::ptrdiff_t(base + n), id.begin() + std::ptrdiff_t(total));
      std::copy(gscore_.begin() + std::ptrdiff_t(base), gscore_.begin() + std::ptrdiff_t(base + n), score.begin() + std::ptrdiff_t(total));
      std::copy(gsum_.begin() + std::ptrdiff_t(base), gsum_.begin() + std::ptrdiff_t(base + n), sum.begin() + std::ptrdiff_t(total));
      if (!gdone_[bg])
        for (size_t i = 0; i < gs; ++i)
          group_hyp_add(id.data() + total, score.data() + total, sum.data() + total, n, worst, gs,
                        running_score_[base + i] / len_pow(steps_, cfg_.length_penalty), running_score_[base + i],
                        uint32_t(gs + i), false);
      for (size_t i = 0; i < n; ++i) src[total + i] = uint32_t(base) + id[total + i];  // base + slot, or base + gs + row
      total += n;
    }
    // Python's stable sort popped from the end: score descending, the later entry first.
    std::vector<uint32_t> order(total), later(total);
    for (size_t i = 0; i < total; ++i) order[i] = uint32_t(i), later[i] = uint32_t(total - i);
    rank_first(order, cfg_.num_return_sequences, Rank{score.data(), later.data()});
    for (size_t k = 0; k < std::min(total, cfg_.num_return_sequences); ++k) {
      const size_t at = order[k];
      out.push_back({id[at] < gs ? fin_tokens_[src[at]] : running_[src[at] - gs], score[at], sum[at]});
    }
    return out;
  }
  for (size_t i = 0; i < cfg_.num_return_sequences; ++i) {
    const size_t s = b * cfg_.num_beams + i;
    if (!fin_done_[s]) continue;
    out.push_back({fin_tokens_[s], fin_score_[s], fin_logprob_[s]});
  }
  return out;
}

}  // namespace lk
