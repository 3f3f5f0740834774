// One sampler step end to end (sampling/sampler.h): greedy, the results (log-probabilities, top alternatives,
// entropy) against float64 references, chi-square goodness of fit of the
// draws, determinism across backends, and the named errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "kernels/kernels.h"
#include "backend_scope.h"
#include "sampling/sampler.h"
#include "sampler_testing.h"

using sampler_testing::chi2_critical_1e3;
using sampler_testing::is_bad_option;
using sampler_testing::Lcg;
using sampler_testing::normal_row;
using sampler_testing::option;
using sampler_testing::order_of;
using sampler_testing::set_option;
using sampler_testing::sequence;

namespace {

lk::Status step(std::vector<float> x, const lk::SamplerConfig& cfg, lk::SamplingRng& rng, lk::SampleResult* r,
                const std::vector<int32_t>& history = {}) {
  static lk::SamplerWorkspace ws;
  lk::SequenceState seq;  // as sequence() below: the history is all prompt
  seq.rng = rng;
  seq.history = history;
  seq.prompt_length = history.size();
  lk::Status st = lk::sample_logits(x.data(), x.size(), cfg, seq, ws, r);
  rng = seq.rng;
  return st;
}

struct Dist { std::vector<int32_t> ids; std::vector<float> p; };
Dist distribution(std::vector<float> x, const lk::SamplerConfig& cfg, lk::SamplingRng rng,
                  const std::vector<int32_t>& history = {}) {
  static lk::SamplerWorkspace ws;
  Dist d;
  d.ids.resize(x.size());
  d.p.resize(x.size());
  size_t n = 0;
  lk::SequenceState seq = sequence(history, rng);
  REQUIRE(lk::sampler_distribution(x.data(), x.size(), cfg, seq, ws, d.ids.data(), d.p.data(), &n).ok());
  d.ids.resize(n);
  d.p.resize(n);
  return d;
}

}  // namespace

TEST_CASE("sampler step: greedy is the first maximum, exactly, and advances the stream by two") {
  lk::SamplerConfig cfg;
  cfg.temperature = 0;
  cfg.top_k = 1;  // stages are skipped under greedy; any settings are fine
  cfg.compute_entropy = true;
  cfg.compute_raw_logprob = true;
  lk::SamplingRng rng{9, 9, 4};
  lk::SampleResult r;
  REQUIRE(step({1, 3, -INFINITY, 3, 2}, cfg, rng, &r).ok());
  CHECK(r.token == 1);
  CHECK(r.logprob == 0.0);
  CHECK(r.entropy == 0.0);
  CHECK(r.candidates == 1);
  CHECK(rng.counter == 6);
  const double lse = std::log(std::exp(1.0) + 2 * std::exp(3.0) + std::exp(2.0));
  CHECK(std::fabs(r.raw_logprob - (3 - lse)) < 1e-7);
  REQUIRE(step({INFINITY, 0, INFINITY}, cfg, rng, &r).ok());
  CHECK(r.token == 0);
  CHECK(std::fabs(r.raw_logprob + std::log(2.0)) < 1e-15);
}

TEST_CASE("sampler step: logprobs, top alternatives and entropy match float64 references") {
  Lcg g{77};
  double worst = 0;
  for (int it = 0; it < 300; ++it) {
    const size_t v = 1 + g.below(2000);
    std::vector<float> x = normal_row(g, v, 0.5 + g.uniform() * 4);
    if (it % 3 == 0) for (auto& z : x) z = std::round(z);  // ties
    if (it % 5 == 0) for (size_t i = 0; i < v / 3; ++i) x[g.below(v)] = -INFINITY;
    if (std::all_of(x.begin(), x.end(), [](float z) { return z == -INFINITY; })) x[0] = 0;
    lk::SamplerConfig cfg;
    cfg.temperature = 0.3 + g.uniform() * 2;
    cfg.top_k = g.uniform() < 0.5 ? int32_t(1 + g.below(100)) : 0;
    cfg.top_p = g.uniform() < 0.5 ? 0.5 + g.uniform() * 0.5 : 1.0;
    cfg.top_logprobs = int32_t(g.below(21));
    cfg.top_logprobs_final = g.uniform() < 0.5;
    cfg.compute_raw_logprob = true;
    cfg.compute_entropy = true;
    lk::SamplingRng rng{uint64_t(it), 0, 0};
    Dist d = distribution(x, cfg, rng);
    lk::SampleResult r;
    REQUIRE(step(x, cfg, rng, &r).ok());
    INFO("case " << it);
    // Final distribution in float64 from the kept logits at the final temperature.
    const double t = cfg.temperature;
    double m = -INFINITY;
    for (int32_t id : d.ids) m = std::max(m, double(x[size_t(id)]));
    double s = 0, h = 0;
    for (int32_t id : d.ids) s += std::exp((x[size_t(id)] - m) / t);
    auto final_lp = [&](int32_t id) { return (x[size_t(id)] - m) / t - std::log(s); };
    for (int32_t id : d.ids) if (x[size_t(id)] != -INFINITY) h -= std::exp(final_lp(id)) * final_lp(id);
    double mr = -INFINITY, sr = 0;
    for (float z : x) mr = std::max(mr, double(z));
    for (float z : x) sr += std::exp(z - mr);
    auto raw_lp = [&](int32_t id) { return x[size_t(id)] - mr - std::log(sr); };
    auto pos = std::find(d.ids.begin(), d.ids.end(), r.token);
    REQUIRE(pos != d.ids.end());
    CHECK(r.candidates == d.ids.size());
    worst = std::max(worst, std::fabs(r.logprob - final_lp(r.token)) / 0x1p-20);
    worst = std::max(worst, std::fabs(r.raw_logprob - raw_lp(r.token)) / 0x1p-20);
    worst = std::max(worst, std::fabs(r.entropy - h) / (1e-6 + 1e-6 * h));
    // Alternatives: rank order by sorting the candidates here.
    std::vector<int32_t> pool;
    if (cfg.top_logprobs_final) pool = d.ids; else { pool.resize(v); std::iota(pool.begin(), pool.end(), 0); }
    std::stable_sort(pool.begin(), pool.end(), [&](int32_t a, int32_t b) { return x[size_t(a)] > x[size_t(b)]; });
    const size_t n = std::min(pool.size(), size_t(cfg.top_logprobs));
    REQUIRE(size_t(r.top_count) == n);
    for (size_t i = 0; i < n; ++i) {
      CHECK(r.top_tokens[i] == pool[i]);
      const double want = cfg.top_logprobs_final ? final_lp(pool[i]) : raw_lp(pool[i]);
      if (std::isinf(want)) CHECK(r.top_logprobs[i] == want);
      else worst = std::max(worst, std::fabs(r.top_logprobs[i] - want) / 0x1p-20);
    }
  }
  MESSAGE("worst logprob/entropy error: " << worst << " of the bound (2^-20 absolute; entropy 1e-6·(1 + H))");
  CHECK(worst <= 1.0);
}

// Long rows whose tail lies below the mass grid (a confident step: one token
// far above the rest), where the weights skip the tail: the reported numbers
// keep their 2^-20 contract, also when a stage keeps zero-mass tokens (a wide
// top-k) or none cuts (the row's S then comes from every exponential).
TEST_CASE("sampler step: log-probabilities within 2^-20 of float64 when the weights skip the tail below the mass grid") {
  Lcg g{91};
  double worst = 0;
  for (int it = 0; it < 40; ++it) {
    const size_t v = 4096 + g.below(40000);
    std::vector<float> x = normal_row(g, v, 1 + 2 * g.uniform());
    x[g.below(v)] = float(26 + 6 * g.uniform());  // most of the row is below the grid
    lk::SamplerConfig cfg;
    cfg.temperature = 0.7 + g.uniform();
    const int kind = it % 4;
    if (kind == 0) cfg.top_p = 0.9 + 0.1 * g.uniform();
    if (kind == 1) cfg.top_k = int32_t(v / 2);  // keeps thousands of zero-mass tokens
    if (kind == 2) cfg.min_p = 1e-12;            // cuts, but nothing with mass
    if (kind == 3) cfg.epsilon = 1e-30;          // enables the skip, keeps every token with mass
    cfg.top_logprobs = 20;
    cfg.compute_raw_logprob = true;
    lk::SamplingRng rng{uint64_t(it), 0, 0};
    Dist d = distribution(x, cfg, rng);
    lk::SampleResult r;
    REQUIRE(step(x, cfg, rng, &r).ok());
    INFO("case " << it << " kind " << kind << " v " << v);
    // Stages at T = 1 (the default order), the final temperature on the kept.
    const double t = cfg.temperature;
    double m = -INFINITY, s = 0, mr = -INFINITY, sr = 0;
    for (int32_t id : d.ids) m = std::max(m, double(x[size_t(id)]));
    for (int32_t id : d.ids) s += std::exp((x[size_t(id)] - m) / t);
    for (float z : x) mr = std::max(mr, double(z));
    for (float z : x) sr += std::exp(z - mr);
    const double lp = (x[size_t(r.token)] - m) / t - std::log(s);
    worst = std::max(worst, std::fabs(r.logprob - lp) / 0x1p-20);
    worst = std::max(worst, std::fabs(r.raw_logprob - (x[size_t(r.token)] - mr - std::log(sr))) / 0x1p-20);
    for (int32_t i = 0; i < r.top_count; ++i)
      worst = std::max(worst, std::fabs(r.top_logprobs[i] - (x[size_t(r.top_tokens[i])] - mr - std::log(sr))) / 0x1p-20);
  }
  MESSAGE("long rows with a tail below the grid: worst log-probability error " << worst << " of 2^-20");
  CHECK(worst <= 1.0);
}

TEST_CASE("sampler step: draws fit the exact final distribution (chi-square, false-failure rate 1e-3 per setting)") {
  // Each setting: 20000 draws from one fixed-seed stream, bins with expected
  // count >= 5 (the rest pooled), compared with the Wilson–Hilferty 1e-3
  // quantile. Zero-probability tokens must never be drawn.
  Lcg g{5};
  std::vector<float> base = normal_row(g, 40, 1.5);
  std::vector<float> ties = base;
  for (auto& z : ties) z = std::round(z);
  std::vector<float> with_inf = base;
  with_inf[3] = with_inf[17] = INFINITY;
  with_inf[20] = -INFINITY;
  std::vector<int32_t> hist = {1, 2, 2, 3, 5, 8, 13, 21};
  struct Setting { const char* name; std::vector<float> x; lk::SamplerConfig cfg; bool xtc_mix; };
  std::vector<Setting> settings;
  auto add = [&](const char* name, const std::vector<float>& x, auto set, bool xtc = false) {
    lk::SamplerConfig c;
    set(c);
    settings.push_back({name, x, c, xtc});
  };
  add("plain T=1", base, [](lk::SamplerConfig&) {});
  add("T=0.7 top-k 10", base, [](lk::SamplerConfig& c) { c.temperature = 0.7; c.top_k = 10; });
  add("top-p 0.8 with ties", ties, [](lk::SamplerConfig& c) { c.top_p = 0.8; });
  add("min-p 0.05, T=1.5", base, [](lk::SamplerConfig& c) { c.min_p = 0.05; c.temperature = 1.5; });
  add("typical 0.6", base, [](lk::SamplerConfig& c) { c.typical_p = 0.6; });
  add("+inf entries share the mass", with_inf, [](lk::SamplerConfig& c) { c.top_p = 0.9; });
  add("penalties, HF order, top-k 20, top-p 0.95", base, [](lk::SamplerConfig& c) {
    c.repetition_penalty = 1.3f; c.frequency_penalty = 0.2f; c.presence_penalty = 0.1f;
    c.order = lk::order_preset(1); c.temperature = 0.8; c.top_k = 20; c.top_p = 0.95; });
  add("dynamic temperature, eta, epsilon, top-n-sigma", base, [](lk::SamplerConfig& c) {
    c.dynatemp_range = 0.5; c.eta = 0.01; c.epsilon = 0.002; c.top_n_sigma = 2.5; });
  add("XTC p=0.5 (a mixture)", base, [](lk::SamplerConfig& c) {
    set_option(c, "xtcProbability", 0.5); set_option(c, "xtcThreshold", 0.05); }, true);
  add("mirostat v2 at its starting mu", base, [](lk::SamplerConfig& c) { c.mirostat = 2; c.mirostat_tau = 2; });
  add("mirostat v1 at its starting mu", base, [](lk::SamplerConfig& c) { c.mirostat = 1; c.mirostat_tau = 2.5; });
  static const lk::TokenBias bias[] = {{0, 3.0f}, {1, -2.0f}};
  static const int32_t eos[] = {4}, bad[] = {13, 21, 5}, breakers[] = {2};
  static const uint32_t bad_offsets[] = {0, 2, 3}, breaker_offsets[] = {0, 1};
  add("bias, DRY, bad words, no-repeat n-gram, min new tokens", base, [](lk::SamplerConfig& c) {
    c.logit_bias = {bias, 2}; c.dry_multiplier = 0.8f; c.dry_breakers = {breakers, 1};
    c.dry_breakers_offsets = {breaker_offsets, 2}; c.bad_words = {bad, 3}; c.bad_words_offsets = {bad_offsets, 3};
    c.no_repeat_ngram_size = 2; c.eos_tokens = {eos, 1}; c.min_new_tokens = 1; c.top_k = 25; });

  const int kDraws = 20000;
  for (const Setting& s : settings) {
    INFO(s.name);
    // Expected: the final distribution; for XTC the mixture of its two branches.
    std::vector<double> expected(40, 0.0);
    auto accumulate = [&](const lk::SamplerConfig& cfg, double weight) {
      Dist d = distribution(s.x, cfg, lk::SamplingRng{}, hist);
      for (size_t i = 0; i < d.ids.size(); ++i) expected[size_t(d.ids[i])] += weight * d.p[i];
    };
    if (s.xtc_mix) {
      lk::SamplerConfig on = s.cfg, off = s.cfg;
      set_option(on, "xtcProbability", 1);
      set_option(off, "xtcProbability", 0);
      accumulate(on, option(s.cfg, "xtcProbability"));
      accumulate(off, 1 - option(s.cfg, "xtcProbability"));
    } else {
      accumulate(s.cfg, 1.0);
    }
    std::vector<double> seen(40, 0.0);
    lk::SamplingRng rng{2718, 1, 0};
    lk::SampleResult r;
    bool impossible = false;
    for (int i = 0; i < kDraws; ++i) {
      REQUIRE(step(s.x, s.cfg, rng, &r, hist).ok());
      seen[size_t(r.token)] += 1;
      impossible |= expected[size_t(r.token)] == 0;
    }
    CHECK(!impossible);
    double chi2 = 0, pooled_e = 0, pooled_o = 0;
    int bins = 0;
    for (size_t i = 0; i < 40; ++i) {
      const double e = expected[i] * kDraws;
      if (e >= 5) {
        chi2 += (seen[i] - e) * (seen[i] - e) / e;
        ++bins;
      } else {
        pooled_e += e;
        pooled_o += seen[i];
      }
    }
    if (pooled_e >= 5) {
      chi2 += (pooled_o - pooled_e) * (pooled_o - pooled_e) / pooled_e;
      ++bins;
    }
    if (bins >= 2) CHECK(chi2 < chi2_critical_1e3(bins - 1));
  }
}

TEST_CASE("sampler step: a fixed seed gives the same tokens and bit-identical log-probabilities on every backend") {
  Lcg g{31337};
  std::vector<float> x = normal_row(g, 5000, 3.0);
  lk::SamplerConfig cfg;
  cfg.temperature = 0.8;
  cfg.top_k = 200;
  cfg.top_p = 0.9;
  cfg.min_p = 0.02;
  cfg.repetition_penalty = 1.1f;
  cfg.top_logprobs = 5;
  cfg.compute_raw_logprob = true;
  cfg.compute_entropy = true;
  auto run = [&](lk::Backend b) {
    const lk_test::BackendScope backend(b);
    std::vector<int32_t> hist;
    std::vector<double> values;
    lk::SamplingRng rng{42, 0, 0};
    for (int i = 0; i < 24; ++i) {
      lk::SampleResult r;
      REQUIRE(step(x, cfg, rng, &r, hist).ok());
      hist.push_back(r.token);
      values.push_back(r.logprob);
      values.push_back(r.raw_logprob);
      values.push_back(r.entropy);
      for (int j = 0; j < r.top_count; ++j) values.push_back(r.top_logprobs[j]);
    }
    return std::make_pair(hist, values);
  };
  auto a = run(lk::Backend::kScalar), b = run(lk::best_backend());
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  // The committed golden sequence: the wasm builds must reproduce it too.
  const std::vector<int32_t> golden = {2620, 4788, 3730, 3098, 1741, 1741, 1526, 1828, 2191, 1526, 1946, 1741,
                                       1838, 327,  1741, 3580, 4087, 292,  3175, 1840, 1840, 1858, 4193, 1828};
  CHECK(a.first == golden);
}

TEST_CASE("sampler step: bad parameters give named errors") {
  using S = lk::StatusCode;
  std::vector<float> x = {0, 1, 2};
  lk::SamplingRng rng;
  lk::SampleResult r;
  auto code = [&](auto set, const std::vector<int32_t>& hist = {}) {
    lk::SamplerConfig c;
    set(c);
    const uint64_t before = rng.counter;
    lk::Status st = step(x, c, rng, &r, hist);
    CHECK(rng.counter == (st.ok() ? before + 2 : before));
    return st;
  };
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.top_p = 1.5; }), "topP"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.top_p = -0.1; }), "topP"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.top_p = NAN; }), "topP"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.min_p = 2; }), "minP"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.min_p = NAN; }), "minP"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.typical_p = -1; }), "typicalP"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.top_k = -1; }), "topK"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.temperature = -1; }), "temperature"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.temperature = NAN; }), "temperature"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.temperature = INFINITY; }), "temperature"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.repetition_penalty = 0; }), "repetitionPenalty"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.frequency_penalty = INFINITY; }), "frequencyPenalty"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.penalty_last_n = -2; }), "penaltyLastN"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.epsilon = 1; }), "epsilon"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.eta = -0.1; }), "eta"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.top_n_sigma = -1; }), "topNSigma"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { set_option(c, "xtcThreshold", 1.5); }), "xtcThreshold"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { set_option(c, "xtcProbability", NAN); }), "xtcProbability"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.dynatemp_range = -1; }), "dynatempRange"));
  CHECK(is_bad_option(code([](lk::SamplerConfig& c) { c.top_logprobs = 21; }), "topLogprobs"));
  static const lk::TokenBias bad_bias[] = {{0, 1}, {3, 1}}, nan_bias[] = {{0, NAN}};
  CHECK(code([](lk::SamplerConfig& c) { c.logit_bias = {bad_bias, 2}; }).code == S::kBadBias);
  CHECK(code([](lk::SamplerConfig& c) { c.logit_bias = {nan_bias, 1}; }).code == S::kBadBias);
  static const int32_t bad_tokens[] = {-1};
  CHECK(code([](lk::SamplerConfig& c) { c.banned_tokens = {bad_tokens, 1}; }).code == S::kBadMaskToken);
  CHECK(code([](lk::SamplerConfig& c) { c.restrict_to_allowed = true; c.allowed_tokens = {bad_tokens, 1}; }).code == S::kBadMaskToken);
  CHECK(code([](lk::SamplerConfig&) {}, {0, 3}).code == S::kBadHistoryToken);
  static const uint32_t short_mask[1] = {0};
  std::vector<float> wide(33, 0.0f);
  lk::SamplerConfig c;
  c.token_bitmask = {short_mask, 1};
  CHECK(step(wide, c, rng, &r).code == S::kBitmaskTooShort);
  static const std::vector<int32_t> only_temp = order_of({"temperature"}), twice = order_of({"topK", "topK"});
  CHECK(code([](lk::SamplerConfig& c) { c.order = {only_temp.data(), 1}; c.top_k = 5; }).code == S::kBadOrder);
  CHECK(code([](lk::SamplerConfig& c) { c.order = {twice.data(), 2}; }).code == S::kBadOrder);
  CHECK(code([](lk::SamplerConfig& c) { c.order = {only_temp.data(), 1}; c.temperature = 0.5; }).code == S::kOk);
  // No token left: everything masked; NaN reports the first index.
  lk::SamplerConfig plain;
  CHECK(step({-INFINITY, -INFINITY}, plain, rng, &r).code == S::kNoTokenLeft);
  static const int32_t all[] = {0, 1, 2};
  CHECK(code([](lk::SamplerConfig& c) { c.banned_tokens = {all, 3}; }).code == S::kNoTokenLeft);
  lk::Status nan = step({0, NAN, NAN}, plain, rng, &r);
  CHECK(nan.code == S::kNaN);
  CHECK(nan.index == 1);
  CHECK(step({}, plain, rng, &r).code == S::kEmpty);
}
