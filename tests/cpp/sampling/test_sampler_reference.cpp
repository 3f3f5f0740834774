// The sampler against a plain sort-based reference written here: the same
// logit processing, then every stage by sorting the candidates and cutting.
// Thousands of random rows with ties, -inf masks and +inf entries; kept sets
// must be identical and probabilities within 2e-6 relative.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "sampling/sampler.h"
#include "sampler_testing.h"

using sampler_testing::Lcg;
using sampler_testing::option;
using sampler_testing::order_of;
using sampler_testing::set_option;

namespace {

struct Cand { int32_t id; float z; };
using u128 = unsigned __int128;

// Rank order: larger logit first, ties lower id first.
bool ranked_before(const Cand& a, const Cand& b) { return a.z > b.z || (a.z == b.z && a.id < b.id); }

// The sampler's weights exp((z - max)/t) of the candidates (kernels.h
// sampler_weights: what both sides define p by; their accuracy against
// float64 is tested in test_sampling_masses.cpp).
std::vector<float> weights(const std::vector<Cand>& c, double t, float* zmax) {
  std::vector<float> z, w(c.size());
  for (const Cand& x : c) z.push_back(x.z);
  float m = -INFINITY;
  for (float v : z) m = std::max(m, v);
  *zmax = m;
  if (m == INFINITY || m == -INFINITY) {  // +inf entries share the mass; all -inf has none
    for (size_t i = 0; i < c.size(); ++i) w[i] = z[i] == INFINITY ? 1.0f : 0.0f;
  } else {
    lk::active_kernels().sampler_weights(z.data(), z.size(), lk::make_weight_params(m, t), w.data(), false);
  }
  return w;
}

double seq_sum(const std::vector<float>& w) {
  double s = 0;
  for (float v : w) s += double(v);
  return s;
}

// ceil or floor of p·total, exactly, by an independent route (frexp).
uint64_t exact_mul(double p, uint64_t total, bool ceil) {
  if (p <= 0) return 0;
  if (p >= 1) return total;
  int e;
  double f = std::frexp(p, &e);                 // p = f·2^e, f in [0.5, 1)
  uint64_t mant = uint64_t(std::ldexp(f, 53));  // exact
  int shift = 53 - e;
  u128 prod = u128(mant) * total;
  if (shift >= 128) return (ceil && prod) ? 1 : 0;
  u128 add = ceil ? (u128(1) << shift) - 1 : 0;
  return uint64_t((prod + add) >> shift);
}

std::vector<Cand> keep_ids(const std::vector<Cand>& c, const std::vector<Cand>& kept_ranked) {
  std::vector<int32_t> ids;
  for (const Cand& x : kept_ranked) ids.push_back(x.id);
  std::sort(ids.begin(), ids.end());
  std::vector<Cand> out;
  for (const Cand& x : c)
    if (std::binary_search(ids.begin(), ids.end(), x.id)) out.push_back(x);
  return out;
}

std::vector<Cand> ranked(const std::vector<Cand>& c) {
  std::vector<Cand> r = c;
  std::sort(r.begin(), r.end(), ranked_before);
  return r;
}

std::vector<Cand> top(const std::vector<Cand>& c, size_t k) {
  std::vector<Cand> r = ranked(c);
  if (k < r.size()) r.resize(k);
  return keep_ids(c, r);
}

// Keep, in the given ranking, members whose mass before them is < need, then the min_keep guard.
std::vector<Cand> mass_prefix(const std::vector<Cand>& c, std::vector<std::pair<Cand, uint64_t>> rank,
                              uint64_t need, size_t min_keep) {
  std::vector<Cand> kept;
  uint64_t before = 0;
  for (auto& e : rank) {
    if (before >= need) break;
    kept.push_back(e.first);
    before += e.second;
  }
  if (kept.size() < min_keep) {
    kept.clear();
    for (size_t i = 0; i < std::min(min_keep, rank.size()); ++i) kept.push_back(rank[i].first);
  }
  return keep_ids(c, kept);
}

std::vector<Cand> weight_at_least(const std::vector<Cand>& c, const std::vector<float>& w, double thr, size_t min_keep) {
  std::vector<Cand> out;
  for (size_t i = 0; i < c.size(); ++i)
    if (double(w[i]) >= thr) out.push_back(c[i]);
  if (out.size() < min_keep) return top(c, min_keep);
  return out;
}

double entropy_ref(const std::vector<Cand>& c, double t) {
  float m;
  std::vector<float> w = weights(c, t, &m);
  double s = seq_sum(w), h = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    if (w[i] <= 0) continue;
    double lp = (m == INFINITY) ? -std::log(s) : (double(c[i].z) - m) / t - std::log(s);
    h -= std::exp(lp) * lp;
  }
  return h;
}

struct RefResult { std::vector<Cand> kept; double t; };

enum Stage { kTopK, kTopP, kTypicalP, kMinP, kEpsilon, kEta, kTopNSigma, kXtc, kTemperature };
Stage stage_id(const std::string& name) {
  static const std::map<std::string, Stage> ids = {
      {"topK", kTopK}, {"topP", kTopP}, {"typicalP", kTypicalP}, {"minP", kMinP}, {"epsilon", kEpsilon},
      {"eta", kEta}, {"topNSigma", kTopNSigma}, {"xtc", kXtc}, {"temperature", kTemperature}};
  return ids.at(name);
}

RefResult reference(std::vector<float>& logits, const lk::SamplerConfig& cfg, const std::vector<int32_t>& history,
                    size_t prompt_length, double u_aux) {
  const size_t v = logits.size();
  for (size_t i = 0; i < cfg.logit_bias.size; ++i) logits[size_t(cfg.logit_bias.data[i].token)] += cfg.logit_bias.data[i].value;
  if (cfg.penalty_last_n != 0) {
    size_t n = history.size();
    if (cfg.penalty_last_n > 0) n = std::min(n, size_t(cfg.penalty_last_n));
    std::map<int32_t, int> counts;
    for (size_t i = history.size() - n; i < history.size(); ++i) counts[history[i]]++;
    for (auto& kv : counts) {
      float& z = logits[size_t(kv.first)];
      z = z <= 0 ? z * cfg.repetition_penalty : z / cfg.repetition_penalty;
      z -= float(kv.second) * cfg.frequency_penalty + cfg.presence_penalty;
    }
  }
  for (size_t i = 0; i < cfg.banned_tokens.size; ++i) logits[size_t(cfg.banned_tokens.data[i])] = -INFINITY;
  if (cfg.restrict_to_allowed) {
    std::vector<bool> ok(v, false);
    for (size_t i = 0; i < cfg.allowed_tokens.size; ++i) ok[size_t(cfg.allowed_tokens.data[i])] = true;
    for (size_t i = 0; i < v; ++i) if (!ok[i]) logits[i] = -INFINITY;
  }
  if (cfg.token_bitmask.size)
    for (size_t i = 0; i < v; ++i)
      if (!((cfg.token_bitmask.data[i / 32] >> (i % 32)) & 1u)) logits[i] = -INFINITY;
  const size_t generated = history.size() - prompt_length;
  if (generated == 0)
    for (size_t i = 0; i < cfg.begin_suppress_tokens.size; ++i) logits[size_t(cfg.begin_suppress_tokens.data[i])] = -INFINITY;
  if (generated < size_t(cfg.min_new_tokens) || history.size() < size_t(cfg.min_length))
    for (size_t i = 0; i < cfg.eos_tokens.size; ++i) logits[size_t(cfg.eos_tokens.data[i])] = -INFINITY;
  if (const size_t n = size_t(cfg.no_repeat_ngram_size)) {
    // HF _get_ngrams: every n-gram of the history, keyed by its first n-1 tokens.
    std::map<std::vector<int32_t>, std::vector<int32_t>> ngrams;
    for (size_t i = 0; i + n <= history.size(); ++i)
      ngrams[std::vector<int32_t>(history.begin() + long(i), history.begin() + long(i + n - 1))].push_back(history[i + n - 1]);
    if (history.size() + 1 >= n) {
      std::vector<int32_t> prefix(history.end() - long(n - 1), history.end());
      for (int32_t t : ngrams[prefix]) logits[size_t(t)] = -INFINITY;
    }
  }
  for (size_t w = 0; w + 1 < cfg.bad_words_offsets.size; ++w) {
    std::vector<int32_t> word(cfg.bad_words.data + cfg.bad_words_offsets.data[w], cfg.bad_words.data + cfg.bad_words_offsets.data[w + 1]);
    const size_t k = word.size() - 1;
    if (k <= history.size() && std::equal(word.begin(), word.begin() + long(k), history.end() - long(k)))
      logits[size_t(word.back())] = -INFINITY;
  }

  std::vector<Cand> c;
  for (size_t i = 0; i < v; ++i) c.push_back({int32_t(i), logits[i]});
  const size_t mk = std::max<int32_t>(cfg.min_keep, 1);
  if (cfg.temperature == 0 && cfg.dynatemp_range == 0) return {top(c, 1), 1.0};
  double t = 1.0;
  // The order by stage names: the configured one, or llama.cpp's common-sampler
  // chain as docs/sampler.md states it (written here, not read from the registry).
  std::vector<std::string> order = {"topNSigma", "topK", "typicalP", "topP", "minP", "epsilon", "eta", "xtc", "temperature"};
  if (cfg.order.size) {
    order.clear();
    for (size_t i = 0; i < cfg.order.size; ++i)
      order.push_back(lk::sampler_stages().data[lk::filter_stage(size_t(cfg.order.data[i]))]->name);
  }
  const double xtc_probability = option(cfg, "xtcProbability"), xtc_threshold = option(cfg, "xtcThreshold");
  for (const std::string& stage : order) {
    float m;
    switch (stage_id(stage)) {
      case kTopK:
        if (cfg.top_k > 0) c = top(c, std::max(size_t(cfg.top_k), mk));
        break;
      case kTopP: {
        if (cfg.top_p >= 1) break;
        std::vector<float> w = weights(c, t, &m);
        std::vector<std::pair<Cand, uint64_t>> r;
        uint64_t total = 0;
        for (size_t i = 0; i < c.size(); ++i) {
          uint64_t q = uint64_t(std::nearbyint(std::ldexp(double(w[i]), 30)));
          r.push_back({c[i], q});
          total += q;
        }
        std::stable_sort(r.begin(), r.end(), [](auto& a, auto& b) { return ranked_before(a.first, b.first); });
        c = mass_prefix(c, r, exact_mul(cfg.top_p, total, true), mk);
        break;
      }
      case kTypicalP: {
        if (cfg.typical_p >= 1) break;
        std::vector<float> w = weights(c, t, &m);
        double a = 0, sum = 0;
        for (size_t i = 0; i < c.size(); ++i) {
          if (w[i] > 0) a += double(w[i]) * ((double(c[i].z) - double(m)) * (1.0 / t));
          sum += double(w[i]);
        }
        a /= sum;
        struct E { Cand c; uint64_t q; float d; };
        std::vector<E> r;
        uint64_t total = 0;
        for (size_t i = 0; i < c.size(); ++i) {
          float d;
          if (m == INFINITY) d = c[i].z == INFINITY ? 0.0f : INFINITY;
          else d = c[i].z == -INFINITY ? INFINITY : float(std::fabs(a - (double(c[i].z) - double(m)) * (1.0 / t)));
          uint64_t q = uint64_t(std::nearbyint(std::ldexp(double(w[i]), 30)));
          r.push_back({c[i], q, d});
          total += q;
        }
        std::stable_sort(r.begin(), r.end(), [](const E& x, const E& y) { return x.d < y.d; });
        std::vector<std::pair<Cand, uint64_t>> rr;
        for (auto& e : r) rr.push_back({e.c, e.q});
        c = mass_prefix(c, rr, exact_mul(cfg.typical_p, total, false) + 1, mk);
        break;
      }
      case kMinP:
        if (cfg.min_p > 0) c = weight_at_least(c, weights(c, t, &m), cfg.min_p, mk);
        break;
      case kEpsilon:
        if (cfg.epsilon > 0) {
          std::vector<float> w = weights(c, t, &m);
          c = weight_at_least(c, w, cfg.epsilon * seq_sum(w), mk);
        }
        break;
      case kEta:
        if (cfg.eta > 0) {
          std::vector<float> w = weights(c, t, &m);
          double thr = std::min(cfg.eta, std::sqrt(cfg.eta) * std::exp(-entropy_ref(c, t)));
          c = weight_at_least(c, w, thr * seq_sum(w), mk);
        }
        break;
      case kTopNSigma: {
        if (cfg.top_n_sigma <= 0 || c.size() <= 1) break;
        double mx = -INFINITY, sum = 0, acc = 0;
        size_t n = 0;
        for (auto& x : c) if (x.z != -INFINITY) { mx = std::max(mx, double(x.z)); sum += x.z; ++n; }
        if (n == 0 || mx == INFINITY) break;
        double mean = sum / double(n);
        for (auto& x : c) if (x.z != -INFINITY) acc += (x.z - mean) * (x.z - mean);
        double cut = mx - cfg.top_n_sigma * std::sqrt(acc / double(n));
        std::vector<Cand> out;
        for (auto& x : c) if (double(x.z) >= cut) out.push_back(x);
        c = out;
        break;
      }
      case kXtc: {
        if (xtc_probability <= 0 || xtc_threshold > 0.5 || c.size() < 2 || u_aux > xtc_probability) break;
        std::vector<float> w = weights(c, t, &m);
        double thr = xtc_threshold * seq_sum(w);
        std::vector<Cand> above;
        for (size_t i = 0; i < c.size(); ++i) if (double(w[i]) >= thr) above.push_back(c[i]);
        if (above.size() < 2 || c.size() - (above.size() - 1) < mk) break;
        above = ranked(above);
        std::vector<Cand> out;
        for (auto& x : c) {
          bool removed = false;
          for (size_t j = 0; j + 1 < above.size(); ++j) removed |= above[j].id == x.id;
          if (!removed) out.push_back(x);
        }
        c = out;
        break;
      }
      case kTemperature:
        if (cfg.dynatemp_range <= 0) { t = cfg.temperature; break; }
        if (c.size() <= 1) break;
        {
          double lo = std::max(0.0, cfg.temperature - cfg.dynatemp_range), hi = cfg.temperature + cfg.dynatemp_range;
          double tt = lo + (hi - lo) * std::pow(entropy_ref(c, 1.0) / std::log(double(c.size())), cfg.dynatemp_exponent);
          if (tt < 0x1p-64) { c = top(c, 1); t = 1.0; } else { t = tt; }
        }
        break;
    }
  }
  return {c, t};
}

std::vector<float> random_logits(Lcg& g, size_t v) {
  std::vector<float> x(v);
  const int shape = int(g.below(4));
  const double scale = std::pow(10.0, g.uniform() * 2 - 0.5);
  for (auto& z : x) {
    double n = g.normal() * scale;
    if (shape == 1) n = std::round(n * 2) / 2;          // many ties
    if (shape == 2) n = double(int(g.below(3)));         // very many ties
    z = float(n);
  }
  if (g.uniform() < 0.5) {  // -inf masks
    double frac = g.uniform() * (g.uniform() < 0.1 ? 1.0 : 0.5);
    for (auto& z : x) if (g.uniform() < frac) z = -INFINITY;
  }
  if (g.uniform() < 0.05)
    for (int i = 0, n = 1 + int(g.below(3)); i < n; ++i) x[g.below(v)] = INFINITY;
  if (std::all_of(x.begin(), x.end(), [](float z) { return z == -INFINITY; })) x[g.below(v)] = 0.0f;
  return x;
}

struct Setup {
  lk::SamplerConfig cfg;
  std::vector<lk::TokenBias> bias;
  std::vector<int32_t> banned, allowed, history, begin_suppress, eos, bad_words;
  std::vector<uint32_t> bitmask, bad_offsets;
  size_t prompt_length = 0;
  std::vector<int32_t> order;
};

void random_setup(Lcg& g, size_t v, Setup& s) {
  lk::SamplerConfig& c = s.cfg;
  auto on = [&](double p) { return g.uniform() < p; };
  if (on(0.3)) for (int i = 0, n = int(g.below(5)); i < n; ++i) s.bias.push_back({int32_t(g.below(v)), float(g.normal() * 5)});
  if (on(0.2)) for (int i = 0, n = int(g.below(5)); i < n; ++i) s.banned.push_back(int32_t(g.below(v)));
  if (on(0.1)) {
    for (int i = 0, n = 1 + int(g.below(v)); i < n; ++i) s.allowed.push_back(int32_t(g.below(v)));
    c.restrict_to_allowed = true;
  }
  if (on(0.1)) {
    s.bitmask.resize((v + 31) / 32);
    for (auto& w : s.bitmask) w = uint32_t(g.next()) | uint32_t(g.next());
  }
  if (on(0.4)) {
    for (int i = 0, n = int(g.below(80)); i < n; ++i) s.history.push_back(int32_t(g.below(std::min<size_t>(v, 30))));
    c.repetition_penalty = float(0.5 + g.uniform() * 1.5);
    c.frequency_penalty = float(g.uniform() - 0.3);
    c.presence_penalty = float(g.uniform() - 0.3);
    c.penalty_last_n = int32_t(g.below(70)) - 1;
  }
  if (on(0.3)) {
    for (int i = 0, n = int(g.below(40)); i < n; ++i) s.history.push_back(int32_t(g.below(std::min<size_t>(v, 6))));
    s.prompt_length = g.below(s.history.size() + 1);
  }
  if (on(0.2)) for (int i = 0; i < 3; ++i) s.begin_suppress.push_back(int32_t(g.below(v)));
  if (on(0.2)) {
    s.eos.push_back(int32_t(g.below(v)));
    c.min_new_tokens = int32_t(g.below(5));
    c.min_length = int32_t(g.below(30));
  }
  if (on(0.2)) c.no_repeat_ngram_size = int32_t(1 + g.below(4));
  if (on(0.2)) {
    s.bad_offsets.push_back(0);
    for (int w = 0, n = 1 + int(g.below(4)); w < n; ++w) {
      for (int j = 0, len = 1 + int(g.below(3)); j < len; ++j) s.bad_words.push_back(int32_t(g.below(std::min<size_t>(v, 6))));
      s.bad_offsets.push_back(uint32_t(s.bad_words.size()));
    }
  }
  c.temperature = on(0.1) ? 0.0 : (on(0.3) ? 1.0 : 0.2 + g.uniform() * 2);
  if (on(0.1)) { c.dynatemp_range = g.uniform() * 1.5; c.dynatemp_exponent = g.uniform() * 2; }
  if (on(0.5)) c.top_k = int32_t(g.below(v + 5));
  if (on(0.5)) c.top_p = on(0.1) ? 0.0 : g.uniform();
  if (on(0.4)) c.min_p = on(0.1) ? 1.0 : g.uniform() * 0.3;
  if (on(0.2)) c.typical_p = g.uniform();
  if (on(0.2)) c.top_n_sigma = g.uniform() * 3;
  if (on(0.15)) c.epsilon = g.uniform() * 0.05;
  if (on(0.15)) c.eta = g.uniform() * 0.05;
  if (on(0.2)) { set_option(c, "xtcProbability", g.uniform()); set_option(c, "xtcThreshold", g.uniform() * 0.6); }
  c.min_keep = int32_t(g.below(6));
  const int ord = int(g.below(3));
  if (ord == 1) s.order = order_of({"temperature", "topK", "topP", "minP", "typicalP", "epsilon", "eta", "topNSigma", "xtc"});
  if (ord == 2) {
    s.order = order_of({"topNSigma", "topK", "typicalP", "topP", "minP", "epsilon", "eta", "xtc", "temperature"});
    for (size_t i = s.order.size(); i > 1; --i) std::swap(s.order[i - 1], s.order[g.below(i)]);
  }
  c.logit_bias = {s.bias.data(), s.bias.size()};
  c.banned_tokens = {s.banned.data(), s.banned.size()};
  c.allowed_tokens = {s.allowed.data(), s.allowed.size()};
  c.token_bitmask = {s.bitmask.data(), s.bitmask.size()};
  c.order = {s.order.data(), s.order.size()};
  c.begin_suppress_tokens = {s.begin_suppress.data(), s.begin_suppress.size()};
  c.eos_tokens = {s.eos.data(), s.eos.size()};
  c.bad_words = {s.bad_words.data(), s.bad_words.size()};
  c.bad_words_offsets = {s.bad_offsets.data(), s.bad_offsets.size()};
}

}  // namespace

TEST_CASE("sampler: kept sets equal a sort-then-cut reference on random rows, probabilities within 2e-6") {
  Lcg g{2024};
  lk::SamplerWorkspace ws;
  int cases = 0, no_token = 0;
  double worst = 0;
  for (int it = 0; it < 3000; ++it) {
    const size_t v = 1 + g.below(it % 10 == 0 ? 5000 : 300);
    std::vector<float> x = random_logits(g, v);
    Setup s;
    random_setup(g, v, s);
    std::vector<float> mine = x, ref = x;
    lk::SamplingRng rng{uint64_t(it), 3, 0}, peek = rng;
    peek.next_bits53();
    const double u_aux = peek.next_uniform();
    std::vector<int32_t> ids(v);
    std::vector<float> probs(v);
    size_t count = 0;
    lk::SequenceState seq;
    seq.rng = rng;
    seq.history = s.history;
    seq.prompt_length = s.prompt_length;
    lk::Status st = lk::sampler_distribution(mine.data(), v, s.cfg, seq, ws, ids.data(), probs.data(), &count);
    rng = seq.rng;
    RefResult r = reference(ref, s.cfg, s.history, s.prompt_length, u_aux);
    INFO("case " << it << " v " << v << " T " << s.cfg.temperature << " dyn " << s.cfg.dynatemp_range << " k "
                  << s.cfg.top_k << " p " << s.cfg.top_p << " minp " << s.cfg.min_p << " typ " << s.cfg.typical_p
                  << " sigma " << s.cfg.top_n_sigma << " eps " << s.cfg.epsilon << " eta " << s.cfg.eta << " xtc "
                  << option(s.cfg, "xtcProbability") << "/" << option(s.cfg, "xtcThreshold") << " keep " << s.cfg.min_keep
                  << " order " << s.order.size());
    for (size_t i = 0; i < v; ++i) REQUIRE((mine[i] == ref[i]));  // processed logits, bit for bit
    if (st.code == lk::StatusCode::kNoTokenLeft) {
      ++no_token;
      CHECK(std::all_of(ref.begin(), ref.end(), [](float z) { return z == -INFINITY; }));
      continue;
    }
    REQUIRE(st.ok());
    CHECK(rng.counter == 2);
    ++cases;
    // The distribution lists the kept tokens with probability > 0: not masked
    // (-inf) and, when +inf logits are kept, only those (they share the mass).
    const bool inf_kept = std::any_of(r.kept.begin(), r.kept.end(), [](const Cand& k) { return k.z == INFINITY; });
    std::vector<Cand> live;
    for (const Cand& k : r.kept)
      if (k.z != -INFINITY && (!inf_kept || k.z == INFINITY)) live.push_back(k);
    REQUIRE(count == live.size());
    bool same = true;
    for (size_t i = 0; i < count; ++i) same &= ids[i] == live[i].id;
    REQUIRE(same);
    float m;
    std::vector<float> w = weights(live, r.t, &m);
    const double sum = seq_sum(w);
    for (size_t i = 0; i < count; ++i) {
      double p = double(w[i]) / sum;
      double err = std::fabs(double(probs[i]) - p) / (2e-6 * p + 1e-37);
      worst = std::max(worst, err);
    }
  }
  MESSAGE(cases << " rows compared (" << no_token << " with no token left); worst probability error "
                << worst << " of the bound");
  CHECK(worst <= 1.0);
  CHECK(cases > 2500);
}

TEST_CASE("sampler: top-k, top-p and top alternatives on long rows equal sorting, including rows that defeat the sampled threshold") {
  Lcg g{77};
  lk::SamplerWorkspace ws;
  for (int it = 0; it < 120; ++it) {
    const size_t v = 4096 + g.below(24000);
    std::vector<float> x(v);
    const int shape = it % 6;
    for (size_t i = 0; i < v; ++i) {
      if (shape == 0) x[i] = float(g.normal());
      if (shape == 1) x[i] = float(std::round(g.normal() * 2));                  // ties
      if (shape == 2) x[i] = 1.0f;                                               // one value
      if (shape == 3) x[i] = (i * 1024 % v < 1024) ? 10.0f : float(g.normal());  // the sampled positions stand out
      if (shape >= 4) x[i] = float(2.5 * g.normal());
    }
    // Confident steps: most of the row lies below the mass grid, which top-p
    // gathers away before its weights (the kept set must not change).
    if (shape == 4) x[g.below(v)] = float(25 + 5 * g.uniform());
    if (shape == 5) {  // a wide bulk: the nucleus and min_keep reach just above the grid
      for (auto& z : x) z *= 2;
      x[g.below(v)] = 30.0f;
    }
    lk::SamplerConfig cfg;
    const bool nucleus = it % 2 == 1 || shape >= 4;
    if (nucleus) cfg.top_p = g.uniform() < 0.2 ? 0.999 : g.uniform();
    else cfg.top_k = int32_t(1 + g.below(v / 16));
    cfg.min_keep = int32_t(g.below(3));
    if (shape == 5) {
      cfg.top_p = it % 4 == 1 ? 1 - 1e-7 : 0.999;
      cfg.min_keep = it % 4 == 3 ? int32_t(v / 40) : 1;
    }
    cfg.top_logprobs = 20;
    std::vector<float> y = x;
    std::vector<int32_t> ids(v);
    std::vector<float> probs(v);
    size_t count = 0;
    lk::SequenceState seq;
    REQUIRE(lk::sampler_distribution(y.data(), v, cfg, seq, ws, ids.data(), probs.data(), &count).ok());
    std::vector<Cand> c;
    for (size_t i = 0; i < v; ++i) c.push_back({int32_t(i), x[i]});
    std::vector<Cand> want;
    if (nucleus) {
      float m;
      std::vector<float> w = weights(c, 1.0, &m);
      std::vector<std::pair<Cand, uint64_t>> r;
      uint64_t total = 0;
      for (size_t i = 0; i < v; ++i) {
        const uint64_t q = uint64_t(std::nearbyint(std::ldexp(double(w[i]), 30)));
        r.push_back({c[i], q});
        total += q;
      }
      std::stable_sort(r.begin(), r.end(), [](auto& a, auto& b) { return ranked_before(a.first, b.first); });
      want = mass_prefix(c, r, exact_mul(cfg.top_p, total, true), std::max<size_t>(size_t(cfg.min_keep), 1));
    } else {
      want = top(c, std::max(size_t(cfg.top_k), size_t(cfg.min_keep)));
    }
    INFO("case " << it << " v " << v << " k " << cfg.top_k << " p " << cfg.top_p);
    REQUIRE(count == want.size());
    bool same = true;
    for (size_t i = 0; i < count; ++i) same &= ids[i] == want[i].id;
    CHECK(same);
    lk::SampleResult r;
    y = x;
    REQUIRE(lk::sample_logits(y.data(), v, cfg, seq, ws, &r).ok());
    std::vector<Cand> rank = ranked(c);
    for (int i = 0; i < 20; ++i) CHECK(r.top_tokens[i] == rank[size_t(i)].id);
  }
}

TEST_CASE("sampler: a chain opening with top-k on a long row (one fused scan) reports the first NaN and masks like any other") {
  // The fused first scan (sampler.cpp, opening_top_k) must find the same first
  // NaN as a plain scan, wherever it is, and keep -inf masks out of the head.
  lk::SamplerWorkspace ws;
  const size_t v = 6003;  // 16-element blocks and a 3-element tail
  lk::SamplerConfig cfg;
  cfg.top_k = 40;
  cfg.temperature = 0.7;
  for (size_t at : {size_t(0), size_t(5), size_t(v * 3 / 1024), size_t(v * 3 / 1024 + 1), v - 3, v - 1}) {
    for (size_t second : {size_t(SIZE_MAX), size_t(v - 2)}) {
      std::vector<float> x(v);
      for (size_t i = 0; i < v; ++i) x[i] = float(std::sin(double(i) * 0.37) * 4);
      x[at] = __builtin_nanf("");
      if (second != SIZE_MAX && second != at) x[second] = __builtin_nanf("");
      lk::SequenceState seq;
      lk::SampleResult r;
      const lk::Status st = lk::sample_logits(x.data(), v, cfg, seq, ws, &r);
      INFO("NaN at " << at);
      CHECK(st.code == lk::StatusCode::kNaN);
      CHECK(st.index == std::min(at, second));
    }
  }
  std::vector<float> x(v);
  for (size_t i = 0; i < v; ++i) x[i] = float(std::sin(double(i) * 0.37) * 4);
  std::vector<Cand> c;
  for (size_t i = 0; i < v; ++i) {
    if (i % 3 == 0) x[i] = -__builtin_inff();  // masks, including sampled positions
    c.push_back({int32_t(i), x[i]});
  }
  std::vector<int32_t> ids(v);
  std::vector<float> probs(v);
  size_t count = 0;
  lk::SequenceState seq;
  std::vector<float> y = x;
  REQUIRE(lk::sampler_distribution(y.data(), v, cfg, seq, ws, ids.data(), probs.data(), &count).ok());
  const std::vector<Cand> want = top(c, 40);
  REQUIRE(count == want.size());
  for (size_t i = 0; i < count; ++i) CHECK(ids[i] == want[i].id);
}
