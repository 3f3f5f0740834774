// DRY against llama.cpp's documented example and against a quadratic
// brute-force reference on random histories with sequence breakers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "sampling/sampler.h"
#include "sampler_testing.h"

using sampler_testing::Lcg;

namespace {

std::vector<float> process(std::vector<float> x, const lk::SamplerConfig& cfg, const std::vector<int32_t>& history) {
  static lk::SamplerWorkspace ws;
  lk::SequenceState seq;
  seq.history = history;
  seq.prompt_length = history.size();
  lk::SampleResult r;
  lk::SamplerConfig greedy = cfg;
  greedy.temperature = 0;
  REQUIRE(lk::sample_logits(x.data(), x.size(), greedy, seq, ws, &r).ok());
  return x;
}

// For every position, the longest run ending there that equals the window's
// suffix (capped by the breaker limit): O(n^2), straight from the definition.
std::vector<float> reference(std::vector<float> x, const lk::SamplerConfig& cfg, const std::vector<int32_t>& h) {
  if (cfg.dry_penalty_last_n == 0) return x;
  size_t n = h.size();
  if (cfg.dry_penalty_last_n > 0) n = std::min(n, size_t(cfg.dry_penalty_last_n));
  const size_t allowed = size_t(cfg.dry_allowed_length);
  if (n <= allowed) return x;
  std::vector<int32_t> w(h.end() - long(n), h.end());
  std::vector<std::vector<int32_t>> breakers;
  for (size_t b = 0; b + 1 < cfg.dry_breakers_offsets.size; ++b)
    breakers.emplace_back(cfg.dry_breakers.data + cfg.dry_breakers_offsets.data[b],
                          cfg.dry_breakers.data + cfg.dry_breakers_offsets.data[b + 1]);
  // The latest breaker occurrence (by where its head stands) that fits before the end.
  size_t limit = n;
  for (size_t i = 0; i < n && limit == n; ++i) {
    const size_t head = n - 1 - i;
    int longest = -1;
    for (auto& b : breakers)
      if (b[0] == w[head] && b.size() - 1 <= i && std::equal(b.begin() + 1, b.end(), w.begin() + long(head + 1)))
        longest = std::max(longest, int(b.size() - 1));
    if (longest >= 0) limit = i - size_t(longest);
  }
  if (limit < allowed) return x;
  std::map<int32_t, size_t> best;
  for (size_t end = 0; end + 1 < n; ++end) {  // a run ending at `end`, followed by w[end + 1]
    size_t len = 0;
    while (len <= end && w[end - len] == w[n - 1 - len]) ++len;
    len = std::min(len, limit);
    if (len >= allowed) best[w[end + 1]] = std::max(best[w[end + 1]], len);
  }
  for (auto& kv : best) {
    bool single = false;
    for (auto& b : breakers) single |= b.size() == 1 && b[0] == kv.first;
    if (single) continue;
    int e = int(kv.second) - int(allowed);
    if (cfg.dry_base > 1.000001f) e = std::min(e, int(88.7228391 / std::log(double(cfg.dry_base))));
    x[size_t(kv.first)] -= float(double(cfg.dry_multiplier) * std::pow(double(cfg.dry_base), e));
  }
  return x;
}

}  // namespace

TEST_CASE("sampler dry: llama.cpp's example and single-token breakers") {
  // a b c c b c y a b c: `c` would extend a b c (3), `y` b c (2), `b` only c (1).
  const std::vector<int32_t> h = {1, 2, 3, 3, 2, 3, 4, 1, 2, 3};
  lk::SamplerConfig cfg;
  cfg.dry_multiplier = 0.8f;
  const std::vector<float> zero(6, 0.0f);
  std::vector<float> x = process(zero, cfg, h);
  CHECK(std::fabs(x[3] + 0.8f * 1.75f) < 1e-6f);
  CHECK(x[4] == -0.8f);
  CHECK(x[2] == 0.0f);
  CHECK(x[1] == 0.0f);
  // `y` as a breaker: repeats stop at it (the limit is 3 here) and it is never penalised.
  const int32_t breaker[] = {4};
  const uint32_t offsets[] = {0, 1};
  cfg.dry_breakers = {breaker, 1};
  cfg.dry_breakers_offsets = {offsets, 2};
  x = process(zero, cfg, h);
  CHECK(std::fabs(x[3] + 0.8f * 1.75f) < 1e-6f);
  CHECK(x[4] == 0.0f);
}

TEST_CASE("sampler dry: random histories equal a brute-force reference") {
  Lcg g{555};
  for (int it = 0; it < 400; ++it) {
    const size_t v = 2 + g.below(6);
    std::vector<int32_t> h(g.below(120));
    for (auto& t : h) t = int32_t(g.below(v));
    lk::SamplerConfig cfg;
    cfg.dry_multiplier = float(0.1 + g.uniform());
    cfg.dry_base = float(1 + g.uniform() * 2);
    cfg.dry_allowed_length = int32_t(g.below(4));
    cfg.dry_penalty_last_n = g.uniform() < 0.3 ? int32_t(g.below(80)) : -1;
    std::vector<int32_t> breakers;
    std::vector<uint32_t> offsets;
    if (g.uniform() < 0.5) {
      offsets.push_back(0);
      for (int b = 0, nb = 1 + int(g.below(3)); b < nb; ++b) {
        for (int j = 0, len = 1 + int(g.below(3)); j < len; ++j) breakers.push_back(int32_t(g.below(v)));
        offsets.push_back(uint32_t(breakers.size()));
      }
    }
    cfg.dry_breakers = {breakers.data(), breakers.size()};
    cfg.dry_breakers_offsets = {offsets.data(), offsets.size()};
    std::vector<float> x(v);
    for (auto& z : x) z = float(g.normal());
    INFO("case " << it);
    CHECK(process(x, cfg, h) == reference(x, cfg, h));
  }
}

TEST_CASE("sampler dry: bad parameters are named") {
  std::vector<float> x = {0, 1};
  lk::SequenceState seq;
  lk::SamplerWorkspace ws;
  lk::SampleResult r;
  auto code = [&](auto set) {
    lk::SamplerConfig c;
    set(c);
    std::vector<float> y = x;
    return lk::sample_logits(y.data(), 2, c, seq, ws, &r);
  };
  static const int32_t tokens[] = {0, 1};
  static const uint32_t bad_offsets[] = {0, 0, 2}, good_offsets[] = {0, 1, 2};
  static const int32_t out_of_range[] = {5};
  static const uint32_t one[] = {0, 1};
  CHECK(sampler_testing::is_bad_option(code([](lk::SamplerConfig& c) { c.dry_multiplier = -1; }), "dryMultiplier"));
  CHECK(sampler_testing::is_bad_option(code([](lk::SamplerConfig& c) { c.dry_base = 0; }), "dryBase"));
  CHECK(sampler_testing::is_bad_option(code([](lk::SamplerConfig& c) { c.dry_allowed_length = -1; }), "dryAllowedLength"));
  CHECK(sampler_testing::is_bad_option(code([](lk::SamplerConfig& c) { c.dry_penalty_last_n = -2; }), "dryPenaltyLastN"));
  CHECK(code([](lk::SamplerConfig& c) { c.dry_breakers = {tokens, 2}; c.dry_breakers_offsets = {bad_offsets, 3}; }).code == lk::StatusCode::kBadDryBreakers);
  CHECK(code([](lk::SamplerConfig& c) { c.dry_breakers = {out_of_range, 1}; c.dry_breakers_offsets = {one, 2}; }).code == lk::StatusCode::kBadDryBreakers);
  CHECK(code([](lk::SamplerConfig& c) { c.dry_breakers = {tokens, 2}; c.dry_breakers_offsets = {good_offsets, 3}; }).code == lk::StatusCode::kOk);
}
