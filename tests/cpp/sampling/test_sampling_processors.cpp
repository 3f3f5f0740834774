// The logit processors (sampling/sampling_processors.cpp, step 1 of
// sampler.h) on hand-computed examples: bias, penalties, masks and the
// grammar bitmask word by word on every backend.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "backend_scope.h"
#include "kernels/kernels.h"
#include "sampling/sampler.h"
#include "sampler_testing.h"

using sampler_testing::sequence;

TEST_CASE("sampler processors: logit bias, penalties and masks match hand-computed values") {
  lk::SamplerWorkspace ws;
  lk::SamplerConfig cfg;
  cfg.temperature = 0;
  lk::SampleResult r;
  lk::SequenceState none = sequence();
  SUBCASE("bias is added (OpenAI): -100 bans in practice, +100 forces") {
    std::vector<float> x = {5, 1, 0, -1};
    lk::TokenBias b[] = {{0, -100}, {3, 100}};
    cfg.logit_bias = {b, 2};
    REQUIRE(lk::sample_logits(x.data(), 4, cfg, none, ws, &r).ok());
    CHECK(x == std::vector<float>{-95, 1, 0, 99});
    CHECK(r.token == 3);
  }
  SUBCASE("an infinite bias on the opposite infinity is -inf, never NaN: the mask or the ban wins") {
    const float inf = INFINITY;
    std::vector<float> x = {-inf, inf, 1, inf};
    lk::TokenBias b[] = {{0, inf}, {1, -inf}, {2, inf}};
    cfg.logit_bias = {b, 3};
    REQUIRE(lk::sample_logits(x.data(), 4, cfg, none, ws, &r).ok());
    CHECK(x == std::vector<float>{-inf, -inf, inf, inf});
    CHECK(r.token == 2);
  }
  SUBCASE("repetition divides positive, multiplies non-positive, once per distinct token; frequency and presence subtract") {
    std::vector<float> x = {2, -2, 0, 3, 4};
    std::vector<int32_t> hist = {0, 1, 1, 2, 0, 0, 4};
    cfg.repetition_penalty = 2;
    cfg.frequency_penalty = 0.25f;
    cfg.presence_penalty = 0.5f;
    cfg.penalty_last_n = 6;  // the window drops the first 0
    lk::SequenceState seq = sequence(hist);
    REQUIRE(lk::sample_logits(x.data(), 5, cfg, seq, ws, &r).ok());
    // token 0: count 2 → 2/2 − 0.5 − 0.5; token 1: count 2 → −2·2 − 0.5 − 0.5;
    // token 2: count 1 → 0·2 − 0.25 − 0.5; token 3 untouched; token 4: count 1 → 4/2 − 0.75.
    CHECK(x == std::vector<float>{0.0f, -5.0f, -0.75f, 3.0f, 1.25f});
    CHECK(r.token == 3);
  }
  SUBCASE("penalty_last_n = -1 takes the whole history, 0 none") {
    std::vector<float> x = {1, 1}, y = {1, 1};
    std::vector<int32_t> hist = {0, 0, 0};
    cfg.frequency_penalty = 1;
    cfg.penalty_last_n = -1;
    lk::SequenceState seq = sequence(hist);
    REQUIRE(lk::sample_logits(x.data(), 2, cfg, seq, ws, &r).ok());
    CHECK(x[0] == -2.0f);
    cfg.penalty_last_n = 0;
    REQUIRE(lk::sample_logits(y.data(), 2, cfg, seq, ws, &r).ok());
    CHECK(y[0] == 1.0f);
  }
  SUBCASE("prompt_ignore_length (HF): the first N history tokens are never penalised, within the window") {
    std::vector<int32_t> hist = {0, 1, 1, 2, 0, 3};
    cfg.repetition_penalty = 2;
    cfg.penalty_last_n = -1;
    for (int32_t ignore : {0, 2, 4, 6, 100}) {
      std::vector<float> x = {2, 2, 2, 2, 2};
      cfg.penalty_prompt_ignore_length = ignore;
      lk::SequenceState seq = sequence(hist);
      REQUIRE(lk::sample_logits(x.data(), 5, cfg, seq, ws, &r).ok());
      // HF: a token is penalised iff it occurs at some position >= ignore.
      for (int32_t t = 0; t < 5; ++t) {
        bool occurs = false;
        for (size_t i = size_t(ignore); i < hist.size(); ++i) occurs |= hist[i] == t;
        CHECK(x[size_t(t)] == (occurs ? 1.0f : 2.0f));
      }
    }
    // With a window: the last 3 positions (3..5), of which those >= 4 count.
    std::vector<float> x = {2, 2, 2, 2, 2};
    cfg.penalty_last_n = 3;
    cfg.penalty_prompt_ignore_length = 4;
    lk::SequenceState seq = sequence(hist);
    REQUIRE(lk::sample_logits(x.data(), 5, cfg, seq, ws, &r).ok());
    CHECK(x == std::vector<float>{1, 2, 2, 1, 2});
  }
  SUBCASE("banned, allowed and the XGrammar bitmask set -inf, after bias") {
    std::vector<float> x(40, 0.0f);
    int32_t banned[] = {1}, allowed[] = {0, 1, 2, 33, 35};
    lk::TokenBias b[] = {{1, 50}};
    uint32_t mask[2] = {0xfffffffeu, 0x8u};  // token 0 off; word 1: only token 35 (bit 3)
    cfg.logit_bias = {b, 1};
    cfg.banned_tokens = {banned, 1};
    cfg.allowed_tokens = {allowed, 5};
    cfg.restrict_to_allowed = true;
    cfg.token_bitmask = {mask, 2};
    REQUIRE(lk::sample_logits(x.data(), 40, cfg, none, ws, &r).ok());
    for (size_t i = 0; i < 40; ++i) CHECK((x[i] == 0.0f) == (i == 2 || i == 35));
    CHECK(r.token == 2);
  }
  SUBCASE("the bitmask, word by word: all allowed, all masked, mixed, and a partial last word") {
    // Against a bit-by-bit reference, at vocabulary sizes that end mid-word, on every backend.
    const uint32_t kinds[] = {0xffffffffu, 0u, 0x55555555u, 0x80000001u, 0x7ffffffeu, 0x0000ffffu};
    for (lk::Backend backend : {lk::Backend::kScalar, lk::best_backend()})
    for (size_t vocab : {size_t(1), size_t(31), size_t(32), size_t(33), size_t(100), size_t(6 * 32)}) {
      lk_test::BackendScope scope(backend);
      std::vector<uint32_t> mask((vocab + 31) / 32);
      for (size_t w = 0; w < mask.size(); ++w) mask[w] = kinds[w % 6];
      mask.back() |= 1u;  // at least one token left
      std::vector<float> x(vocab), want(vocab);
      for (size_t i = 0; i < vocab; ++i) x[i] = want[i] = float(i % 7) - 3.0f;
      for (size_t i = 0; i < vocab; ++i)
        if (!((mask[i / 32] >> (i % 32)) & 1u)) want[i] = -INFINITY;
      lk::SamplerConfig c;
      c.token_bitmask = {mask.data(), mask.size()};
      REQUIRE(lk::sample_logits(x.data(), vocab, c, none, ws, &r).ok());
      CHECK(x == want);
    }
  }
}
