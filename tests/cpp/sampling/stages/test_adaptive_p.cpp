// The adaptive-p selector (stages/adaptive_p.cpp) against a float64
// reference of llama.cpp's algorithm (adaptive_p_reference.h): the same
// tokens over 500 seeded steps for several (target, decay), its EMA state,
// and a chi-square test of its draws against the transformed distribution.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "adaptive_p_reference.h"
#include "sampling/sampler.h"
#include "sampling/sampler_options.h"
#include "sampling/sampler_session.h"
#include "sampler_testing.h"

using sampler_testing::chi2_critical_1e3;
using sampler_testing::Lcg;
using sampler_testing::normal_row;

namespace {
lk::SamplerConfig adaptive(double target, double decay, double min_p = 0) {
  lk::SamplerConfig cfg;
  lk::set_option(cfg, size_t(lk::sampler_option_index("adaptivePTarget")), target);
  lk::set_option(cfg, size_t(lk::sampler_option_index("adaptivePDecay")), decay);
  cfg.min_p = min_p;
  return cfg;
}

// The candidates the reference sees: every token with a finite probability
// after min-p, at T = 1 (the chain's filters run before the selector).
std::vector<adaptive_p_ref::Candidate> candidates(const std::vector<float>& x, double min_p) {
  double m = -INFINITY;
  for (float v : x) m = std::max(m, double(v));
  std::vector<adaptive_p_ref::Candidate> c;
  for (size_t i = 0; i < x.size(); ++i)
    if (std::exp(double(x[i]) - m) >= min_p) c.push_back({int32_t(i), double(x[i])});
  return c;
}
}  // namespace

TEST_CASE("adaptive-p: the same tokens as the float64 reference of llama.cpp's algorithm over 500 seeded steps") {
  struct Setting { double target, decay, min_p; };
  int matched = 0;
  for (const Setting& s : {Setting{0.5, 0.9, 0}, Setting{0.2, 0.5, 0.02}, Setting{0.8, 0.99, 0}, Setting{0.05, 0.0, 0.1}}) {
    const lk::SamplerConfig cfg = adaptive(s.target, s.decay, s.min_p);
    lk::SequenceState seq;
    seq.rng = {1234, 7, 0};
    lk::SamplerWorkspace ws;
    adaptive_p_ref::State ref = adaptive_p_ref::init(s.target, s.decay);
    Lcg g{99};
    for (int step = 0; step < 500; ++step) {
      std::vector<float> x = normal_row(g, 48, step % 3 == 0 ? 1.0 : 3.0);
      std::vector<float> mine = x;
      lk::SamplingRng rng = seq.rng;
      const double u = rng.next_uniform();  // the step's token draw
      lk::SampleResult r;
      REQUIRE(lk::sample_logits(mine.data(), x.size(), cfg, seq, ws, &r).ok());
      const adaptive_p_ref::Selection want = adaptive_p_ref::select(ref, candidates(x, s.min_p), u);
      INFO("target " << s.target << " decay " << s.decay << " step " << step << " EMA " << adaptive_p_ref::ema(ref));
      REQUIRE(r.token == want.token);
      // The reported log-probability is under the transformed (final) distribution.
      CHECK(std::fabs(r.logprob - std::log(want.transformed_prob)) <= 1e-6 + 1e-7 * std::fabs(r.logprob));
      seq.accept(r.token);
      adaptive_p_ref::accept_selected(ref, want, r.token);
      ++matched;
    }
    // The state the next step starts from is the reference's.
    lk::SamplerConfig next = cfg;
    std::vector<float> x(48, 0.0f);
    lk::SampleResult r;
    REQUIRE(lk::sample_logits(x.data(), x.size(), next, seq, ws, &r).ok());
    const size_t at = 0;  // adaptive-p is the only stateful stage: its state comes first
    CHECK(seq.stage_state[at] / seq.stage_state[at + 1] == doctest::Approx(adaptive_p_ref::ema(ref)).epsilon(1e-6));
  }
  MESSAGE("adaptive-p: " << matched << " steps, every token equal to the reference's");
}

TEST_CASE("adaptive-p: draws follow the transformed distribution (chi-square, 40 000 draws, fixed seed)") {
  // No token is accepted between draws, so the EMA (and the distribution) stays fixed.
  const lk::SamplerConfig cfg = adaptive(0.3, 0.9);
  const std::vector<float> x = {2.0f, 1.5f, 1.0f, 0.5f, 0.0f, -0.5f, -1.0f, 3.0f, 0.25f, -2.0f, 1.25f, 0.75f};
  lk::SequenceState seq;
  seq.rng = {42, 0, 0};
  lk::SamplerWorkspace ws;
  const adaptive_p_ref::Distribution d = adaptive_p_ref::distribution(adaptive_p_ref::init(0.3, 0.9), candidates(x, 0));
  std::vector<double> counts(x.size(), 0);
  const int n = 40000;
  for (int i = 0; i < n; ++i) {
    std::vector<float> y = x;
    lk::SampleResult r;
    REQUIRE(lk::sample_logits(y.data(), y.size(), cfg, seq, ws, &r).ok());
    counts[size_t(r.token)] += 1;
  }
  double chi2 = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double e = n * d.transformed[i];
    chi2 += (counts[i] - e) * (counts[i] - e) / e;
  }
  // df = 11; the 1e-3 critical value (Wilson–Hilferty) ~ 31.3. Power: a shift of 1 %
  // of the mass between two tokens (400 draws) gives chi2 > 100.
  CHECK(chi2 < chi2_critical_1e3(int(x.size()) - 1));
  MESSAGE("adaptive-p chi-square " << chi2 << " (critical " << chi2_critical_1e3(int(x.size()) - 1) << ")");
}

TEST_CASE("adaptive-p: off by default and at a negative target; an error with mirostat or a decay outside [0, 0.99]") {
  lk::SamplerConfig plain;
  lk::SamplerConfig off = adaptive(-0.5, 0.9);
  std::vector<float> x = {1, 2, 3, 0.5f};
  lk::SequenceState a, b;
  lk::SamplerWorkspace ws;
  for (int i = 0; i < 50; ++i) {
    std::vector<float> y1 = x, y2 = x;
    lk::SampleResult r1, r2;
    REQUIRE(lk::sample_logits(y1.data(), 4, plain, a, ws, &r1).ok());
    REQUIRE(lk::sample_logits(y2.data(), 4, off, b, ws, &r2).ok());
    CHECK(r1.token == r2.token);
    CHECK(r1.logprob == r2.logprob);
  }
  lk::SamplerConfig both = adaptive(0.5, 0.9);
  both.mirostat = 2;
  lk::SampleResult r;
  std::vector<float> y = x;
  CHECK(sampler_testing::is_bad_option(lk::sample_logits(y.data(), 4, both, a, ws, &r), "adaptivePTarget"));
  for (double decay : {-0.1, 0.995, 1.0}) {  // (NaN in stage_options means "the default")
    lk::SamplerConfig bad = adaptive(0.5, decay);
    CHECK(sampler_testing::is_bad_option(lk::sample_logits(y.data(), 4, bad, a, ws, &r), "adaptivePDecay"));
  }
  CHECK(sampler_testing::is_bad_option(lk::sample_logits(y.data(), 4, adaptive(1.5, 0.9), a, ws, &r), "adaptivePTarget"));
}

TEST_CASE("adaptive-p: the state is saved and restored with the sampler, and a token that was not picked teaches nothing") {
  lk::Sampler s1(5, 0), s2(5, 0);
  const lk::SamplerConfig cfg = adaptive(0.4, 0.8);
  s1.configure(cfg);
  Lcg g{3};
  for (int i = 0; i < 20; ++i) {
    std::vector<float> x = normal_row(g, 32, 2.0);
    lk::SampleResult r;
    REQUIRE(s1.sample(x.data(), x.size(), &r).ok());
    s1.accept(i % 5 == 0 ? (r.token + 1) % 32 : r.token);  // some accepted tokens are not the picked one
  }
  s2.configure(cfg);
  REQUIRE(s2.restore(s1.save()).ok());
  CHECK(s2.state().stage_state == s1.state().stage_state);
  for (int i = 0; i < 20; ++i) {
    std::vector<float> x = normal_row(g, 32, 2.0), y = x;
    lk::SampleResult r1, r2;
    REQUIRE(s1.sample(x.data(), x.size(), &r1).ok());
    REQUIRE(s2.sample(y.data(), y.size(), &r2).ok());
    CHECK(r1.token == r2.token);
    s1.accept(r1.token);
    s2.accept(r2.token);
  }
}
