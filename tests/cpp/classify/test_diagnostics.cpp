// Margins, entropy, batch summary and the input-kind guard.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "classify_helpers.h"
#include "backend_scope.h"
#include "classify/diagnostics.h"
#include "kernels/kernels.h"
#include "ops/rows.h"

using namespace lk_test;

TEST_CASE("diagnose: the seed example and the contract rows") {
  const float inf = INFINITY;
  // cat/dog/bird; a tie; one live entry; all masked.
  const float x[12] = {4.5f, -1.2f, 0.8f, 3, 1, 3, -inf, 2, -inf, -inf, -inf, -inf};
  int32_t top[4], kind[4];
  float margin[4], h[4];
  lk::LogitSummary s;
  REQUIRE(lk::diagnose(x, 4, 3, top, margin, h, kind, &s).ok());
  CHECK(top[0] == 0);
  CHECK(margin[0] == 4.5f - 0.8f);
  CHECK(h[0] == doctest::Approx(0.13521348).epsilon(1e-6));  // float64 entropy of [0.97270, 0.00325, 0.02405]
  CHECK(top[1] == 0);
  CHECK(margin[1] == 0.0f);
  CHECK(top[2] == 1);
  CHECK(margin[2] == inf);
  CHECK(margin[3] == 0.0f);
  CHECK(s.count == 7);
  CHECK(s.nonfinite == 5);
  double mean = (4.5 + double(-1.2f) + double(0.8f) + 3 + 1 + 3 + 2) / 7, m2 = 0;
  for (double v : {4.5, double(-1.2f), double(0.8f), 3.0, 1.0, 3.0, 2.0}) m2 += (v - mean) * (v - mean);
  CHECK(s.mean == doctest::Approx(mean).epsilon(1e-14));
  CHECK(s.std == doctest::Approx(std::sqrt(m2 / 7)).epsilon(1e-12));
  CHECK(s.min == double(-1.2f));
  CHECK(s.max == 4.5);
  for (int r = 0; r < 4; ++r) CHECK(kind[r] == 0);
}

TEST_CASE("diagnose: summary matches float64 on a large batch (both backends)") {
  Rng g{3};
  const size_t rows = 17, cols = 1003;
  std::vector<float> x = g.normals(rows * cols, 4);
  for (auto& v : x) v += 1000.0f;  // a large mean: the merged moments must not cancel
  double mean = 0, m2 = 0;
  for (float v : x) mean += v;
  mean /= double(x.size());
  for (float v : x) m2 += (v - mean) * (v - mean);
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    lk::LogitSummary s;
    REQUIRE(lk::diagnose(x.data(), rows, cols, nullptr, nullptr, nullptr, nullptr, &s).ok());
    CHECK(s.mean == doctest::Approx(mean).epsilon(1e-12));
    CHECK(s.std == doctest::Approx(std::sqrt(m2 / double(x.size()))).epsilon(1e-7));
  }
}

TEST_CASE("input_kind: probabilities, log-probabilities and single columns are recognised") {
  Rng g{21};
  std::vector<float> z = g.normals(5000, 3), p(z.size()), lp(z.size());
  REQUIRE(lk::softmax(z.data(), p.data(), 1, z.size()).ok());
  REQUIRE(lk::log_softmax(z.data(), lp.data(), 1, z.size()).ok());
  lk::InputKind k;
  REQUIRE(lk::input_kind(z.data(), z.size(), &k).ok());
  CHECK(k == lk::InputKind::kLogits);
  REQUIRE(lk::input_kind(p.data(), p.size(), &k).ok());
  CHECK(k == lk::InputKind::kProbabilities);
  REQUIRE(lk::input_kind(lp.data(), lp.size(), &k).ok());
  CHECK(k == lk::InputKind::kLogProbabilities);
  REQUIRE(lk::input_kind(z.data(), 1, &k).ok());
  CHECK(k == lk::InputKind::kSingleColumn);
  // Logits that are all <= 0 but not normalised stay logits.
  const float neg[3] = {-1, -2, -3};
  REQUIRE(lk::input_kind(neg, 3, &k).ok());
  CHECK(k == lk::InputKind::kLogits);
  const float nan[3] = {0.2f, NAN, 0.8f};
  lk::Status s = lk::input_kind(nan, 3, &k);
  CHECK(s.code == lk::StatusCode::kNaN);
  CHECK(s.index == 1);
  CHECK(lk::diagnose(nan, 1, 0, nullptr, nullptr, nullptr, nullptr, nullptr).code == lk::StatusCode::kEmpty);
}
