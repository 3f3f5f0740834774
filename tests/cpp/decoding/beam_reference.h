// A float64 reference of HF transformers' beam search, written from
// generation/utils.py `_beam_search` (commit 000034a44ef887621d9b36001a5eb7c46e64cb3f)
// as plainly as possible: dense log-softmax rows, dense processors, full
// stable sorts where HF calls torch.topk (ties: lower index first). Shared by
// test_beam_search.cpp and the JS digest. Separate code from
// src/core/decoding: it only borrows the configuration struct as data.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <vector>

#include "decoding/beam_search.h"
#include "sampling/sampling_rng.h"

namespace lk_test {

// logits of prompt b after the generated tokens `gen` (V floats).
using ToyModel = std::function<std::vector<float>(size_t b, const std::vector<int32_t>& gen)>;
// Allowed tokens (bitmask words) of prompt b after `gen`, or empty.
using ToyMask = std::function<std::vector<uint32_t>(size_t b, const std::vector<int32_t>& gen)>;

inline uint64_t splitmix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The toy model: logits a fixed function of (prompt, prefix). quantum > 0
// rounds them to multiples of it (ties inside a row); eos_ramp makes the
// first EOS likelier as the prefix grows.
inline ToyModel toy_model(size_t vocab, uint64_t seed, double quantum, std::vector<int32_t> eos, double eos_ramp) {
  return [=](size_t b, const std::vector<int32_t>& gen) {
    uint64_t h = splitmix(seed ^ (b * 0x1234567ull));
    for (int32_t t : gen) h = splitmix(h ^ (uint64_t(t) + 1) * 0x9E3779B1ull);
    std::vector<float> z(vocab);
    for (size_t v = 0; v < vocab; ++v) {
      double u = double(splitmix(h + v) >> 11) * 0x1p-53;
      double x = -4.0 + 8.0 * u;
      if (quantum > 0) x = std::round(x / quantum) * quantum;
      z[v] = float(x);
    }
    if (!eos.empty()) z[size_t(eos[0])] += float(-3.0 + eos_ramp * double(gen.size()));
    return z;
  };
}

struct RefHyp {
  std::vector<int32_t> tokens;
  double score, logprob;
};
struct RefRun {
  std::vector<std::vector<RefHyp>> hyps;          // per prompt, best first (finished slots only)
  std::vector<std::vector<int32_t>> parents, tokens;  // per step, B·numBeams
  std::vector<std::vector<double>> scores;
  size_t steps = 0;
};

inline std::vector<double> ref_log_softmax(const std::vector<float>& z) {
  const size_t v = z.size();
  double m = -INFINITY;
  for (float x : z) m = std::max(m, double(x));
  std::vector<double> out(v, -INFINITY);
  if (m == -INFINITY) return out;
  if (m == INFINITY) {
    double n = 0;
    for (float x : z) n += x == INFINITY;
    for (size_t i = 0; i < v; ++i) out[i] = z[i] == INFINITY ? -std::log(n) : -INFINITY;
    return out;
  }
  double s = 0;
  for (float x : z) s += std::exp(double(x) - m);
  for (size_t i = 0; i < v; ++i) out[i] = double(z[i]) - m - std::log(s);
  return out;
}

// HF's processors (utils.py _get_logits_processor order) on log-probabilities.
inline void ref_process(std::vector<double>& lp, const lk::BeamSearchConfig& c, const std::vector<int32_t>& hist,
                        size_t generated, const std::vector<uint32_t>& mask) {
  const double ninf = -INFINITY;
  for (const auto& e : c.bias) lp[size_t(e.token)] += e.value;  // SequenceBiasLogitsProcessor (1-token)
  if (c.repetition_penalty != 1.0) {                            // RepetitionPenaltyLogitsProcessor
    std::vector<int32_t> u = hist;
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    for (int32_t t : u) lp[size_t(t)] = lp[size_t(t)] < 0 ? lp[size_t(t)] * c.repetition_penalty : lp[size_t(t)] / c.repetition_penalty;
  }
  const size_t n = c.no_repeat_ngram_size;  // NoRepeatNGramLogitsProcessor
  if (n > 0 && hist.size() + 1 >= n) {
    for (size_t i = 0; i + n <= hist.size(); ++i) {
      bool same = true;
      for (size_t k = 0; k + 1 < n; ++k) same = same && hist[i + k] == hist[hist.size() - (n - 1) + k];
      if (same) lp[size_t(hist[i + n - 1])] = ninf;
    }
  }
  for (size_t w = 0; w + 1 < c.bad_words_offsets.size(); ++w) {  // NoBadWordsLogitsProcessor
    const size_t a = c.bad_words_offsets[w], e = c.bad_words_offsets[w + 1];
    const size_t plen = e - a - 1;
    bool match = plen <= hist.size();
    for (size_t k = 0; match && k < plen; ++k) match = hist[hist.size() - plen + k] == c.bad_words[a + k];
    if (match) lp[size_t(c.bad_words[e - 1])] = ninf;
  }
  if (generated < c.min_new_tokens)  // MinNewTokensLengthLogitsProcessor
    for (int32_t t : c.eos) lp[size_t(t)] = ninf;
  for (int32_t t : c.suppress_tokens) lp[size_t(t)] = ninf;  // SuppressTokensLogitsProcessor
  if (generated == 0)
    for (int32_t t : c.begin_suppress_tokens) lp[size_t(t)] = ninf;  // SuppressTokensAtBeginLogitsProcessor
  if (!mask.empty())  // a grammar processor appended last
    for (size_t t = 0; t < lp.size(); ++t)
      if (!((mask[t / 32] >> (t % 32)) & 1u)) lp[t] = ninf;
}

// Indices of v sorted by value descending, ties by lower index (torch.topk, k = all).
inline std::vector<size_t> ref_argsort_desc(const std::vector<double>& v) {
  std::vector<size_t> i(v.size());
  std::iota(i.begin(), i.end(), 0);
  std::stable_sort(i.begin(), i.end(), [&](size_t a, size_t b) { return v[a] > v[b]; });
  return i;
}

inline std::vector<double> ref_softmax(const std::vector<double>& x) {
  double m = -INFINITY, s = 0;
  for (double v : x) m = std::max(m, v);
  std::vector<double> p(x.size(), 0.0);
  if (m == -INFINITY) return p;
  for (size_t i = 0; i < x.size(); ++i) s += p[i] = std::exp(x[i] - m);
  for (double& v : p) v /= s;
  return p;
}

// HF's warpers (_get_logits_processor with do_sample, in its order) on a row of
// processed log-probabilities, written from logits_process.py as literally as
// possible: TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper,
// MinPLogitsWarper with min_tokens_to_keep = mk. Sorts order ties by lower
// token id first in descending order (its reverse ascending).
inline void ref_warp(std::vector<double>& s, const lk::BeamSearchConfig& c, size_t mk) {
  const size_t V = s.size();
  if (c.temperature != 1.0)
    for (double& x : s) x /= c.temperature;
  if (c.top_k != 0) {
    const size_t k = std::min(std::max(c.top_k, mk), V);
    std::vector<double> sorted = s;
    std::sort(sorted.begin(), sorted.end(), std::greater<double>());
    const double kth = sorted[k - 1];
    for (double& x : s)
      if (x < kth) x = -INFINITY;
  }
  if (c.top_p < 1.0) {
    std::vector<size_t> asc = ref_argsort_desc(s);
    std::reverse(asc.begin(), asc.end());
    std::vector<double> sorted(V);
    for (size_t i = 0; i < V; ++i) sorted[i] = s[asc[i]];
    std::vector<double> p = ref_softmax(sorted);
    double cum = 0;
    std::vector<char> remove(V);
    for (size_t i = 0; i < V; ++i) remove[i] = (cum += p[i]) <= 1.0 - c.top_p;
    for (size_t i = V - std::min(mk, V); i < V; ++i) remove[i] = 0;
    for (size_t i = 0; i < V; ++i)
      if (remove[i]) s[asc[i]] = -INFINITY;
  }
  if (c.min_p > 0.0) {
    std::vector<double> p = ref_softmax(s);
    const double top = *std::max_element(p.begin(), p.end());
    std::vector<size_t> desc = ref_argsort_desc(s);
    for (size_t i = std::min(mk, V); i < V; ++i)
      if (p[desc[i]] < c.min_p * top) s[desc[i]] = -INFINITY;
  }
}

// torch.multinomial(softmax(acc), K, replacement=False) as torch computes it
// (aten multinomial without replacement: topk(p / q), q ~ Exp(1)), with logitkit's
// uniforms: p = exp(acc - max), q_x = -log(1 - u_x), u_x uniform number counter + x
// of rng; the K largest p / q, largest first, ties (p = 0) by lower index.
inline std::vector<size_t> ref_draw(const std::vector<double>& acc, size_t K, lk::SamplingRng rng, uint64_t counter) {
  double m = -INFINITY;
  for (double a : acc) m = std::max(m, a);
  std::vector<double> key(acc.size(), 0.0);
  for (size_t x = 0; x < acc.size(); ++x) {
    const double p = acc[x] == -INFINITY ? 0.0 : std::exp(acc[x] - m);
    if (!(p > 0)) continue;
    rng.counter = counter + x;
    key[x] = p / -std::log(1.0 - rng.next_uniform());
  }
  std::vector<size_t> out = ref_argsort_desc(key);
  out.resize(K);
  return out;
}

inline RefRun ref_beam_search(const lk::BeamSearchConfig& c, const ToyModel& model, const ToyMask& mask = nullptr) {
  const size_t B = c.batch, nb = c.num_beams, V = c.vocab;
  const size_t K = std::max<size_t>(2, 1 + c.eos.size()) * nb;
  const double big = 1e9;
  const bool es_true = c.early_stopping == lk::EarlyStopping::kTrue;
  std::vector<std::vector<std::vector<int32_t>>> run(B, std::vector<std::vector<int32_t>>(nb));
  std::vector<std::vector<double>> run_score(B, std::vector<double>(nb, -big));
  for (auto& r : run_score) r[0] = 0;
  std::vector<std::vector<std::vector<int32_t>>> fin(B, std::vector<std::vector<int32_t>>(nb));
  std::vector<std::vector<double>> fin_score(B, std::vector<double>(nb, -big)), fin_lp(B, std::vector<double>(nb, 0));
  std::vector<std::vector<char>> fin_done(B, std::vector<char>(nb, 0));
  std::vector<char> unsat(B, 1);
  RefRun out;
  size_t cur = 0;  // generated so far (cur_len - decoder_prompt_len)
  for (;;) {
    bool all_hit = true;
    std::vector<int32_t> parents(B * nb), tokens(B * nb);
    std::vector<double> scores(B * nb);
    for (size_t b = 0; b < B; ++b) {
      std::vector<double> acc(nb * V);
      for (size_t j = 0; j < nb; ++j) {
        std::vector<double> lp = ref_log_softmax(model(b, run[b][j]));
        std::vector<int32_t> hist = c.prompts.empty() ? std::vector<int32_t>{} : c.prompts[b];
        hist.insert(hist.end(), run[b][j].begin(), run[b][j].end());
        ref_process(lp, c, hist, cur, mask ? mask(b, run[b][j]) : std::vector<uint32_t>{});
        if (c.do_sample) ref_warp(lp, c, std::max<size_t>(2, 1 + c.eos.size()));
        for (size_t v = 0; v < V; ++v) acc[j * V + v] = lp[v] + run_score[b][j];
      }
      // _get_top_k_continuations
      std::vector<size_t> top;
      if (c.do_sample) {  // sampled, in draw order (HF gathers without sorting)
        top = ref_draw(acc, K, lk::SamplingRng{c.seed, c.stream + b, 0}, uint64_t(cur) * nb * V);
      } else {
        top = ref_argsort_desc(acc);
        top.resize(K);
      }
      std::vector<double> tk_lp(K);
      std::vector<std::vector<int32_t>> tk_seq(K);
      std::vector<char> hits(K);
      for (size_t i = 0; i < K; ++i) {
        tk_lp[i] = acc[top[i]];
        tk_seq[i] = run[b][top[i] / V];
        tk_seq[i].push_back(int32_t(top[i] % V));
        const int32_t t = tk_seq[i].back();
        hits[i] = tk_seq[i].size() >= c.max_new_tokens || std::count(c.eos.begin(), c.eos.end(), t) > 0;  // stopping criteria
        all_hit = all_hit && hits[i];
      }
      // _get_running_beams_for_next_iteration
      std::vector<double> tk_run(K);
      for (size_t i = 0; i < K; ++i) tk_run[i] = tk_lp[i] + (hits[i] ? -big : 0.0);
      std::vector<size_t> nxt = ref_argsort_desc(tk_run);
      for (size_t i = 0; i < nb; ++i) {
        parents[b * nb + i] = int32_t(b * nb + top[nxt[i]] / V);
        tokens[b * nb + i] = int32_t(top[nxt[i]] % V);
        scores[b * nb + i] = tk_run[nxt[i]];
      }
      // _update_finished_beams
      std::vector<double> s(K);
      bool full = true;
      for (char d : fin_done[b]) full = full && d;
      full = full && es_true;
      for (size_t i = 0; i < K; ++i) {
        s[i] = tk_lp[i] / std::pow(double(cur + 1), c.length_penalty);
        if (full) s[i] += -big;
        if (!unsat[b]) s[i] += -big;
        if (!(hits[i] && i < nb)) s[i] += -big;
      }
      std::vector<double> merged = fin_score[b];
      merged.insert(merged.end(), s.begin(), s.end());
      std::vector<size_t> keep = ref_argsort_desc(merged);
      std::vector<std::vector<int32_t>> f2(nb);
      std::vector<double> fs2(nb), fl2(nb);
      std::vector<char> fd2(nb);
      for (size_t i = 0; i < nb; ++i) {
        const size_t m = keep[i];
        fs2[i] = merged[m];
        if (m < nb) {
          f2[i] = fin[b][m], fl2[i] = fin_lp[b][m], fd2[i] = fin_done[b][m];
        } else {
          f2[i] = tk_seq[m - nb], fl2[i] = tk_lp[m - nb], fd2[i] = hits[m - nb] && m - nb < nb;
        }
      }
      fin[b] = f2, fin_score[b] = fs2, fin_lp[b] = fl2, fin_done[b] = fd2;
      for (size_t i = 0; i < nb; ++i) run[b][i] = tk_seq[nxt[i]], run_score[b][i] = tk_run[nxt[i]];
    }
    out.parents.push_back(parents), out.tokens.push_back(tokens), out.scores.push_back(scores);
    ++cur;
    // _check_early_stop_heuristic
    const double hyp = (c.early_stopping == lk::EarlyStopping::kNever && c.length_penalty > 0.0) ? double(c.max_new_tokens) : double(cur);
    bool improvement = false, all_fin = true;
    for (size_t b = 0; b < B; ++b) {
      const double best = run_score[b][0] / std::pow(hyp, c.length_penalty);
      const double mn = *std::min_element(fin_score[b].begin(), fin_score[b].end());
      bool any = false;
      for (size_t j = 0; j < nb; ++j) any = any || best > (fin_done[b][j] ? mn : -big);
      unsat[b] = unsat[b] && any;
      improvement = improvement || unsat[b];
      for (char d : fin_done[b]) all_fin = all_fin && d;
    }
    // _beam_search_has_unfinished_sequences
    if (!(improvement && !(all_fin && es_true) && !all_hit)) break;
  }
  out.steps = cur;
  out.hyps.resize(B);
  for (size_t b = 0; b < B; ++b)
    for (size_t i = 0; i < c.num_return_sequences; ++i)
      if (fin_done[b][i]) out.hyps[b].push_back({fin[b][i], fin_score[b][i], fin_lp[b][i]});
  return out;
}

// HF's diverse (group) beam search, written from the group-beam-search recipe
// (_group_beam_search, HammingDiversityLogitsProcessor) and the BeamSearchScorer /
// BeamHypotheses it uses (generation/beam_search.py), as plainly as possible:
// Python lists for the hypotheses, dense rows, full stable sorts.
struct RefHypList {  // BeamHypotheses
  size_t cap;
  double lp, worst = 1e9;
  std::vector<RefHyp> beams;
  void add(const std::vector<int32_t>& hyp, double sum, size_t len) {
    const double score = sum / std::pow(double(len), lp);
    if (beams.size() < cap || score > worst) {
      beams.push_back({hyp, score, sum});
      if (beams.size() > cap) {
        std::vector<std::pair<double, size_t>> sorted;
        for (size_t i = 0; i < beams.size(); ++i) sorted.push_back({beams[i].score, i});
        std::sort(sorted.begin(), sorted.end());
        beams.erase(beams.begin() + std::ptrdiff_t(sorted[0].second));
        worst = sorted[1].first;
      } else {
        worst = std::min(score, worst);
      }
    }
  }
  bool is_done(double best_sum, size_t cur, const lk::BeamSearchConfig& c) const {
    if (beams.size() < cap) return false;
    if (c.early_stopping == lk::EarlyStopping::kTrue) return true;
    const size_t n = c.early_stopping == lk::EarlyStopping::kNever && lp > 0.0 ? c.max_new_tokens : cur;
    return worst >= best_sum / std::pow(double(n), lp);
  }
};

inline RefRun ref_group_beam_search(const lk::BeamSearchConfig& c, const ToyModel& model, const ToyMask& mask = nullptr) {
  const size_t B = c.batch, nb = c.num_beams, V = c.vocab, G = c.num_beam_groups, gs = nb / G;
  const size_t K = std::max<size_t>(2, 1 + c.eos.size()) * gs;
  const int32_t pad = c.pad_token >= 0 ? c.pad_token : c.eos.empty() ? -1 : c.eos[0];
  std::vector<std::vector<int32_t>> ids(B * nb);  // generated tokens per row (input_ids without the prompt)
  std::vector<double> beam_scores(B * nb, -1e9);
  for (size_t r = 0; r < B * nb; r += gs) beam_scores[r] = 0;
  std::vector<RefHypList> hyps(B * G, RefHypList{gs, c.length_penalty});
  std::vector<char> done(B * G, 0);
  RefRun out;
  size_t cur = 0;
  for (;;) {
    std::vector<int32_t> current(B * nb, 0), reorder(B * nb, 0);
    std::vector<std::vector<int32_t>> next_ids = ids;
    for (size_t g = 0; g < G; ++g) {
      for (size_t b = 0; b < B; ++b) {
        const size_t bg = b * G + g, r0 = b * nb + g * gs;
        std::vector<double> acc(gs * V);
        for (size_t j = 0; j < gs; ++j) {
          std::vector<double> lp = ref_log_softmax(model(b, ids[r0 + j]));
          std::vector<int32_t> hist = c.prompts.empty() ? std::vector<int32_t>{} : c.prompts[b];
          hist.insert(hist.end(), ids[r0 + j].begin(), ids[r0 + j].end());
          ref_process(lp, c, hist, cur, mask ? mask(b, ids[r0 + j]) : std::vector<uint32_t>{});
          if (g > 0) {  // HammingDiversityLogitsProcessor: bincount of the earlier groups' tokens
            std::vector<double> freq(V, 0.0);
            for (size_t i = b * nb; i < b * nb + g * gs; ++i) freq[size_t(current[i])] += 1;
            for (size_t t = 0; t < V; ++t) lp[t] -= c.diversity_penalty * freq[t];
          }
          for (size_t t = 0; t < V; ++t) acc[j * V + t] = lp[t] + beam_scores[r0 + j];
        }
        std::vector<size_t> top = ref_argsort_desc(acc);
        top.resize(K);
        // BeamSearchScorer.process
        if (done[bg]) {
          for (size_t i = 0; i < gs; ++i) {
            beam_scores[r0 + i] = 0, current[r0 + i] = pad, reorder[r0 + i] = int32_t(g * gs);
            next_ids[r0 + i] = ids[g * gs];
            next_ids[r0 + i].push_back(pad);
          }
          continue;
        }
        size_t beam_idx = 0;
        std::vector<double> new_scores(gs);
        for (size_t rank = 0; rank < K; ++rank) {
          const size_t row = r0 + top[rank] / V;
          const int32_t tok = int32_t(top[rank] % V);
          std::vector<int32_t> seq = ids[row];
          seq.push_back(tok);
          if (std::count(c.eos.begin(), c.eos.end(), tok) > 0) {
            if (rank >= gs) continue;
            hyps[bg].add(seq, acc[top[rank]], cur + 1);
          } else {
            new_scores[beam_idx] = acc[top[rank]];
            current[r0 + beam_idx] = tok;
            reorder[r0 + beam_idx] = int32_t(row);
            next_ids[r0 + beam_idx] = seq;
            ++beam_idx;
          }
          if (beam_idx == gs) break;
        }
        for (size_t i = 0; i < gs; ++i) beam_scores[r0 + i] = new_scores[i];
        done[bg] = done[bg] || hyps[bg].is_done(acc[top[0]], cur + 1, c);
      }
    }
    ids = next_ids;
    ++cur;
    out.parents.push_back(reorder), out.tokens.push_back(current), out.scores.push_back(beam_scores);
    if (std::count(done.begin(), done.end(), 0) == 0 || cur >= c.max_new_tokens) break;
  }
  out.steps = cur;
  // BeamSearchScorer.finalize
  out.hyps.resize(B);
  for (size_t b = 0; b < B; ++b) {
    std::vector<RefHyp> all;
    for (size_t g = 0; g < G; ++g) {
      RefHypList h = hyps[b * G + g];
      if (!done[b * G + g])
        for (size_t i = 0; i < gs; ++i) h.add(ids[b * nb + g * gs + i], beam_scores[b * nb + g * gs + i], cur);
      all.insert(all.end(), h.beams.begin(), h.beams.end());
    }
    std::stable_sort(all.begin(), all.end(), [](const RefHyp& x, const RefHyp& y) { return x.score < y.score; });
    for (size_t j = 0; j < c.num_return_sequences; ++j) out.hyps[b].push_back(all[all.size() - 1 - j]);
  }
  return out;
}

}  // namespace lk_test
