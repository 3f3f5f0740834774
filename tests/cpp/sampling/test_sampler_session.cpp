// Sampler state across steps: the session's save/restore round trip,
// batches whose rows do not depend on each other.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sampling/sampler.h"
#include "sampling/sampler_session.h"
#include "sampler_testing.h"
#include "sampling/sampling_speculative.h"

using sampler_testing::chi2_critical_1e3;
using sampler_testing::Lcg;
using sampler_testing::normal_row;

namespace {

struct Step { int32_t token; double logprob; };

std::vector<Step> run(lk::Sampler& s, const std::vector<float>& base, int steps) {
  std::vector<Step> out;
  for (int i = 0; i < steps; ++i) {
    std::vector<float> x = base;
    lk::SampleResult r;
    REQUIRE(s.sample(x.data(), x.size(), &r).ok());
    s.accept(r.token);
    out.push_back({r.token, r.logprob});
  }
  return out;
}

}  // namespace

TEST_CASE("sampler session: save/restore resumes exactly, reset restarts the stream") {
  Lcg g{8};
  const std::vector<float> base = normal_row(g, 3000, 2.0);
  lk::SamplerConfig cfg;
  std::vector<int32_t> banned = {5, 6, 7};
  cfg.banned_tokens = {banned.data(), banned.size()};
  cfg.repetition_penalty = 1.3f;
  cfg.top_k = 40;
  cfg.top_p = 0.9;
  cfg.temperature = 0.9;
  for (int mirostat : {0, 2}) {
    cfg.mirostat = mirostat;
    lk::Sampler a(77, 3);
    a.configure(cfg);
    banned.assign(3, 0);  // the sampler owns its copy
    const int32_t prompt[] = {1, 2, 3, 2};
    a.set_prompt(prompt, 4);
    run(a, base, 5);
    const std::string saved = a.save();
    const std::vector<Step> next = run(a, base, 6);

    lk::Sampler b;
    b.configure(a.config());
    REQUIRE(b.restore(saved).ok());
    CHECK(b.save() == saved);
    const std::vector<Step> again = run(b, base, 6);
    for (size_t i = 0; i < next.size(); ++i) {
      CHECK(again[i].token == next[i].token);
      CHECK(again[i].logprob == next[i].logprob);
      CHECK(again[i].token != 5);
    }
    CHECK(b.state().prompt_length == 4);
    CHECK(b.state().history.size() == 4 + 5 + 6);
    CHECK((mirostat == 0) == std::isnan(b.state().mirostat_mu));

    b.reset();
    CHECK(b.state().history.empty());
    CHECK(b.state().rng.counter == 0);
    CHECK(b.state().rng.seed == 77);
  }
  lk::Sampler c(1, 2);
  const std::string before = c.save();
  CHECK(before == "{\"version\":1,\"seed\":\"1\",\"stream\":\"2\",\"counter\":\"0\",\"promptLength\":0,"
                  "\"mirostatMu\":null,\"history\":[]}");
  for (const char* bad : {"", "{}", "{\"version\":2}", "[1]",
                          "{\"version\":1,\"seed\":\"1\",\"stream\":\"2\",\"counter\":\"0\",\"promptLength\":3,"
                          "\"mirostatMu\":null,\"history\":[1]}",
                          "{\"version\":1,\"seed\":\"99999999999999999999\",\"stream\":\"2\",\"counter\":\"0\","
                          "\"promptLength\":0,\"mirostatMu\":null,\"history\":[]}"}) {
    CHECK(c.restore(bad).code == lk::StatusCode::kBadState);
    CHECK(c.save() == before);
  }
  REQUIRE(c.restore("{ \"history\": [4, 5], \"mirostatMu\": 1.25, \"promptLength\": 1, \"counter\": \"18446744073709551615\","
                    " \"stream\": \"0\", \"seed\": \"42\", \"version\": 1 }").ok());
  CHECK(c.state().rng.counter == UINT64_MAX);
  CHECK(c.state().mirostat_mu == 1.25);
  CHECK(c.state().generated() == 1);
}

TEST_CASE("sampler session: samplers sharing one workspace step exactly as with their own") {
  // Interleaved steps of two samplers with different vocabularies and the
  // controls that use the workspace's counters (penalties, DRY, an allowed
  // list, EOS blocked by a minimum length) and its selection scratch.
  Lcg g{13};
  const std::vector<float> row_a = normal_row(g, 5000, 2.5), row_b = normal_row(g, 3000, 1.5);
  std::vector<int32_t> allowed;
  for (int32_t t = 0; t < 3000; t += 3) allowed.push_back(t);
  const int32_t eos[] = {0};
  lk::SamplerConfig ca;
  ca.repetition_penalty = 1.4f;
  ca.frequency_penalty = 0.3f;
  ca.presence_penalty = 0.2f;
  ca.dry_multiplier = 0.8f;
  ca.top_k = 60;
  ca.top_p = 0.92;
  ca.min_p = 0.02;
  ca.temperature = 0.7;
  lk::SamplerConfig cb;
  cb.restrict_to_allowed = true;
  cb.allowed_tokens = {allowed.data(), allowed.size()};
  cb.eos_tokens = {eos, 1};
  cb.min_new_tokens = 5;
  cb.repetition_penalty = 1.2f;
  cb.typical_p = 0.9;
  const int32_t prompt[] = {3, 9, 3, 9, 3};
  auto make = [&](const lk::SamplerConfig& cfg, uint64_t seed, lk::SamplerWorkspace* ws) {
    auto s = std::make_unique<lk::Sampler>(seed, 0, ws);
    s->configure(cfg);
    s->set_prompt(prompt, 5);
    return s;
  };
  auto own_a = make(ca, 5, nullptr), own_b = make(cb, 6, nullptr);
  lk::SamplerWorkspace shared;
  auto shared_a = make(ca, 5, &shared), shared_b = make(cb, 6, &shared);
  for (int step = 0; step < 40; ++step) {
    const std::vector<Step> ra = run(*own_a, row_a, 1), sa = run(*shared_a, row_a, 1);
    const std::vector<Step> rb = run(*own_b, row_b, 1), sb = run(*shared_b, row_b, 1);
    CHECK(sa[0].token == ra[0].token);
    CHECK(sa[0].logprob == ra[0].logprob);
    CHECK(sb[0].token == rb[0].token);
    CHECK(sb[0].logprob == rb[0].logprob);
    CHECK(rb[0].token % 3 == 0);
  }
  CHECK(shared_a->save() == own_a->save());
  CHECK(shared_b->save() == own_b->save());
}

TEST_CASE("sampler batch: each row equals its own single-row step, whatever the batch") {
  Lcg g{99};
  const size_t v = 700, rows = 5;
  std::vector<float> logits;
  for (size_t r = 0; r < rows; ++r) {
    std::vector<float> row = normal_row(g, v, 1.0 + double(r));
    logits.insert(logits.end(), row.begin(), row.end());
  }
  lk::SamplerConfig cfg;
  cfg.top_p = 0.95;
  cfg.top_logprobs = 3;
  auto fresh = [&]() {
    std::vector<lk::SequenceState> seqs(rows);
    for (size_t r = 0; r < rows; ++r) seqs[r].rng = lk::SamplingRng{5, r, 0};
    return seqs;
  };
  lk::SamplerWorkspace ws;
  std::vector<lk::SequenceState> all = fresh(), single = fresh(), tail = fresh();
  std::vector<float> x = logits;
  std::vector<lk::SampleResult> out(rows);
  REQUIRE(lk::sample_batch(x.data(), rows, v, cfg, all.data(), ws, out.data()).ok());
  std::vector<float> y(logits.begin() + long(3 * v), logits.end());
  std::vector<lk::SampleResult> out_tail(2);
  REQUIRE(lk::sample_batch(y.data(), 2, v, cfg, tail.data() + 3, ws, out_tail.data()).ok());
  for (size_t r = 0; r < rows; ++r) {
    std::vector<float> row(logits.begin() + long(r * v), logits.begin() + long((r + 1) * v));
    lk::SampleResult one;
    REQUIRE(lk::sample_logits(row.data(), v, cfg, single[r], ws, &one).ok());
    CHECK(one.token == out[r].token);
    CHECK(one.logprob == out[r].logprob);
    CHECK(all[r].rng.counter == 2);
    if (r >= 3) CHECK(out_tail[r - 3].token == out[r].token);
  }
  x = logits;
  x[2 * v + 7] = NAN;
  lk::Status st = lk::sample_batch(x.data(), rows, v, cfg, fresh().data(), ws, out.data());
  CHECK(st.code == lk::StatusCode::kNaN);
  CHECK(st.index == 2 * v + 7);
}
