// The mirostat selector stage (src/core/sampling/stages/mirostat.cpp):
// v2's truncation and mu update against a float64 softmax, v1's Zipf
// estimate of k, that it replaces the filters (as llama.cpp's common sampler
// runs it), that greedy keeps mu, and that it is one selector among the others.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sampler_testing.h"
#include "sampling/sampler.h"
#include "sampling/sampler_options.h"
#include "sampling/sampler_stages.h"

using sampler_testing::Lcg;
using sampler_testing::normal_row;

TEST_CASE("sampler mirostat: v2 keeps surprise <= mu and updates mu; v1 uses the Zipf estimate of k") {
  lk::SamplerWorkspace ws;
  SUBCASE("v2") {
    Lcg g{4};
    const std::vector<float> base = normal_row(g, 500, 2.0);
    lk::SamplerConfig cfg;
    cfg.mirostat = 2;
    cfg.mirostat_tau = 3;
    cfg.mirostat_eta = 0.2;
    lk::SequenceState seq;
    seq.rng = {11, 0, 0};
    for (int step = 0; step < 20; ++step) {
      const double mu = std::isnan(seq.mirostat_mu) ? 2 * cfg.mirostat_tau : seq.mirostat_mu;
      // Expected kept set: p >= 2^-mu under softmax of the row (at least the top token).
      double m = -INFINITY, s = 0;
      for (float z : base) m = std::max(m, double(z));
      for (float z : base) s += std::exp(z - m);
      size_t expect = 0;
      for (float z : base) expect += std::exp(z - m) / s >= std::pow(2.0, -mu);
      std::vector<float> x = base;
      lk::SampleResult r;
      REQUIRE(lk::sample_logits(x.data(), x.size(), cfg, seq, ws, &r).ok());
      CHECK(r.candidates == std::max<size_t>(expect, 1));
      CHECK(std::fabs(seq.mirostat_mu - (mu - cfg.mirostat_eta * (-r.logprob / std::log(2.0) - cfg.mirostat_tau))) < 1e-12);
    }
  }
  SUBCASE("v1") {
    const size_t v = 1000;
    const double s = 1.5;
    std::vector<float> zipf(v);
    for (size_t i = 0; i < v; ++i) zipf[i] = float(-s * std::log(double(i + 1)));
    lk::SamplerConfig cfg;
    cfg.mirostat = 1;
    cfg.mirostat_tau = 5;
    lk::SequenceState seq;
    lk::SampleResult r;
    std::vector<float> x = zipf;
    REQUIRE(lk::sample_logits(x.data(), v, cfg, seq, ws, &r).ok());
    const double mu = 2 * cfg.mirostat_tau, eps = s - 1;
    const double k = std::pow(eps * std::pow(2.0, mu) / (1 - std::pow(double(v), -eps)), 1 / s);  // 65.4
    CHECK(r.candidates == size_t(k));
  }
}

TEST_CASE("sampler mirostat: replaces the filters, keeps mu when greedy, one selector at a time") {
  lk::SamplerWorkspace ws;
  Lcg g{5};
  const std::vector<float> base = normal_row(g, 700, 2.0);
  lk::SamplerConfig cfg;
  cfg.mirostat = 2;
  cfg.mirostat_tau = 4;
  auto distribution = [&](const lk::SamplerConfig& c, lk::SequenceState seq) {
    std::vector<float> x = base;
    std::vector<int32_t> ids(x.size());
    std::vector<float> probs(x.size());
    size_t n = 0;
    REQUIRE(lk::sampler_distribution(x.data(), x.size(), c, seq, ws, ids.data(), probs.data(), &n).ok());
    ids.resize(n);
    probs.resize(n);
    return std::make_pair(ids, probs);
  };
  SUBCASE("the filters are not run") {
    const auto plain = distribution(cfg, {});
    REQUIRE(plain.first.size() > 2);  // mu = 8 bits keeps several tokens
    lk::SamplerConfig filtered = cfg;
    filtered.top_k = 1;
    filtered.top_p = 0.1;
    filtered.min_p = 0.9;
    CHECK(distribution(filtered, {}) == plain);
    // The temperature stage is: T = 0.5 sharpens what mirostat sees.
    filtered.temperature = 0.5;
    CHECK(distribution(filtered, {}).first.size() < plain.first.size());
  }
  SUBCASE("greedy keeps mu") {
    lk::SequenceState seq;
    seq.mirostat_mu = 3.5;
    lk::SamplerConfig greedy = cfg;
    greedy.temperature = 0;
    std::vector<float> x = base;
    lk::SampleResult r;
    REQUIRE(lk::sample_logits(x.data(), x.size(), greedy, seq, ws, &r).ok());
    CHECK(seq.mirostat_mu == 3.5);
    x = base;
    REQUIRE(lk::sample_logits(x.data(), x.size(), cfg, seq, ws, &r).ok());
    CHECK(seq.mirostat_mu != 3.5);
    // Base temperature 0 with dynamic temperature draws (not greedy) but
    // leaves mu as it was, unset included: the next step starts from 2·tau
    // of the tau it runs with.
    lk::SamplerConfig dynamic = cfg;
    dynamic.temperature = 0;
    dynamic.dynatemp_range = 1.5;
    lk::SequenceState fresh;
    x = base;
    REQUIRE(lk::sample_logits(x.data(), x.size(), dynamic, fresh, ws, &r).ok());
    CHECK(std::isnan(fresh.mirostat_mu));
    seq.mirostat_mu = 3.5;
    x = base;
    REQUIRE(lk::sample_logits(x.data(), x.size(), dynamic, seq, ws, &r).ok());
    CHECK(seq.mirostat_mu == 3.5);
  }
  SUBCASE("a registered selector, and only one at a time") {
    bool listed = false;
    const lk::Span<const lk::SamplerStageInterface*> stages = lk::sampler_stages();
    for (size_t s = 0; s < stages.size; ++s) listed |= stages.data[s]->select && std::string(stages.data[s]->name) == "mirostat";
    CHECK(listed);
    lk::SamplerConfig both = cfg;
    lk::set_option(both, size_t(lk::sampler_option_index("adaptivePTarget")), 0.5);
    const lk::Status st = lk::validate_sampler_options(both);
    CHECK(st.code == lk::StatusCode::kBadOption);
    CHECK(st.index == size_t(lk::sampler_option_index("adaptivePTarget")));
  }
}
