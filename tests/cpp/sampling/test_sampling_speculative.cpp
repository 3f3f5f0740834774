// Speculative-decoding acceptance (sampling/sampling_speculative.h): the
// emitted token follows the target distribution (chi-square, false-failure
// rate 1e-3 per test), identical draft and target accept everything, bad
// input is named.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sampler_testing.h"
#include "sampling/sampling_speculative.h"

using sampler_testing::chi2_critical_1e3;
using sampler_testing::Lcg;

TEST_CASE("sampler speculative: emitted tokens follow the target distribution (chi-square, 1e-3)") {
  Lcg g{12};
  const size_t v = 8;
  auto random_dist = [&](bool sparse) {
    std::vector<float> p(v);
    double s = 0;
    for (auto& x : p) { x = float(g.uniform() < (sparse ? 0.4 : 0.0) ? 0.0 : g.uniform() + 0.05); s += x; }
    if (s == 0) { p[0] = 1; s = 1; }
    for (auto& x : p) x = float(x / s);
    return p;
  };
  for (int trial = 0; trial < 3; ++trial) {
    // k = 2 drafts: the first emitted token must be distributed as target row 0.
    std::vector<float> target, draft;
    for (int i = 0; i < 3; ++i) { auto p = random_dist(trial == 2); target.insert(target.end(), p.begin(), p.end()); }
    for (int i = 0; i < 2; ++i) { auto q = random_dist(trial == 1); draft.insert(draft.end(), q.begin(), q.end()); }
    lk::SamplingRng rng{100 + uint64_t(trial), 0, 0};
    const int kTrials = 20000;
    std::vector<double> seen(v, 0.0);
    for (int t = 0; t < kTrials; ++t) {
      // Draft tokens drawn from the draft rows with the test's own generator.
      int32_t drafts[2];
      for (int i = 0; i < 2; ++i) {
        double u = g.uniform(), acc = 0;
        drafts[i] = int32_t(v - 1);
        for (size_t j = 0; j < v; ++j) { acc += draft[size_t(i) * v + j]; if (u < acc) { drafts[i] = int32_t(j); break; } }
      }
      lk::SpeculativeResult res;
      const uint64_t before = rng.counter;
      REQUIRE(lk::speculative_verify(target.data(), draft.data(), drafts, 2, v, rng, &res).ok());
      CHECK(rng.counter == before + 2 * uint64_t(res.accepted + 1));
      seen[size_t(res.accepted > 0 ? drafts[0] : res.token)] += 1;
    }
    double chi2 = 0;
    int bins = 0;
    bool impossible = false;
    for (size_t j = 0; j < v; ++j) {
      const double e = target[j] * kTrials;
      if (e == 0) { impossible |= seen[j] > 0; continue; }
      chi2 += (seen[j] - e) * (seen[j] - e) / e;
      ++bins;
    }
    CHECK(!impossible);
    CHECK(chi2 < chi2_critical_1e3(bins - 1));
  }
}

TEST_CASE("sampler speculative: identical draft and target accept everything; bad input is named") {
  std::vector<float> p = {0.25f, 0.25f, 0.5f, 0.0f};
  std::vector<float> target, draft;
  for (int i = 0; i < 4; ++i) target.insert(target.end(), p.begin(), p.end());
  for (int i = 0; i < 3; ++i) draft.insert(draft.end(), p.begin(), p.end());
  const int32_t drafts[3] = {2, 0, 1};
  lk::SamplingRng rng{1, 1, 0};
  lk::SpeculativeResult res;
  REQUIRE(lk::speculative_verify(target.data(), draft.data(), drafts, 3, 4, rng, &res).ok());
  CHECK(res.accepted == 3);
  CHECK(res.token != 3);
  CHECK(rng.counter == 8);
  const int32_t bad_token[3] = {2, 4, 0};
  CHECK(lk::speculative_verify(target.data(), draft.data(), bad_token, 3, 4, rng, &res).code == lk::StatusCode::kBadToken);
  target[5] = 1.5f;
  lk::Status st = lk::speculative_verify(target.data(), draft.data(), drafts, 3, 4, rng, &res);
  CHECK(st.code == lk::StatusCode::kBadProbability);
  CHECK(st.index == 5);
  CHECK(rng.counter == 8);
}
