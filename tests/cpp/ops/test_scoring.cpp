// score_tokens against float64 references: log-probabilities, ranks by a
// stable descending sort (ties to the lower id), top-N, entropy, totals.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "classify_helpers.h"
#include "backend_scope.h"
#include "kernels/kernels.h"
#include "ops/rows.h"
#include "ops/scoring.h"

using namespace lk_test;

namespace {
struct Ref {
  std::vector<double> logp;  // per entry
  std::vector<int32_t> order;  // stable descending
  double entropy = 0;
};

Ref reference(const float* row, size_t n, double t) {
  Ref r;
  r.order.resize(n);
  std::iota(r.order.begin(), r.order.end(), 0);
  std::stable_sort(r.order.begin(), r.order.end(), [&](int32_t a, int32_t b) { return row[a] > row[b]; });
  double m = -INFINITY;
  for (size_t i = 0; i < n; ++i) m = std::max(m, double(row[i]));
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += std::exp((double(row[i]) - m) / t);
  r.logp.resize(n);
  for (size_t i = 0; i < n; ++i) {
    r.logp[i] = (double(row[i]) - m) / t - std::log(s);
    if (row[i] != -INFINITY) r.entropy -= std::exp(r.logp[i]) * r.logp[i];
  }
  return r;
}

struct Scored {
  std::vector<double> logprob, entropy, top_logprob;
  std::vector<int32_t> rank, top_index;
  lk::ScoreTotals totals;
  lk::Status status;
};

Scored score(const std::vector<float>& x, size_t rows, size_t cols, const std::vector<int32_t>& tokens, double t,
             size_t top_n) {
  Scored s;
  s.logprob.resize(rows);
  s.entropy.resize(rows);
  s.rank.resize(rows);
  s.top_index.resize(rows * top_n);
  s.top_logprob.resize(rows * top_n);
  s.status = lk::score_tokens(x.data(), rows, cols, tokens.data(), t, top_n, s.logprob.data(), s.rank.data(),
                              s.entropy.data(), s.top_index.data(), s.top_logprob.data(), &s.totals);
  return s;
}
}  // namespace

TEST_CASE("score_tokens: log-probabilities, ranks, top-N, entropy and totals against float64 (both backends)") {
  Rng g{11};
  double worst_lp = 0, worst_h = 0;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    for (size_t cols : {1, 2, 7, 64, 1000, 32003}) {
      for (double t : {1.0, 0.6, 2.5}) {
        const size_t rows = 5;
        std::vector<float> x = g.normals(rows * cols, 3.0);
        // Ties (a repeated maximum and repeated values), masks and a large offset.
        if (cols >= 7) {
          x[3] = x[5] = 40.0f;
          x[cols + 1] = -INFINITY;
          for (size_t i = 0; i < cols; ++i) x[2 * cols + i] = float(std::round(x[2 * cols + i]));
          for (size_t i = 0; i < cols; ++i) x[4 * cols + i] += 1e6f;
        }
        std::vector<int32_t> tokens(rows);
        for (size_t r = 0; r < rows; ++r) tokens[r] = int32_t(g.uniform() * double(cols)) % int32_t(cols);
        if (cols >= 7) tokens[0] = 5;  // the second of two equal maxima: rank 2
        const size_t top_n = std::min<size_t>(cols, 20);
        Scored s = score(x, rows, cols, tokens, t, top_n);
        REQUIRE(s.status.ok());
        std::vector<float> lsm(rows * cols);
        REQUIRE(lk::log_softmax(x.data(), lsm.data(), rows, cols, t).ok());
        double sum = 0;
        for (size_t r = 0; r < rows; ++r) {
          const float* row = x.data() + r * cols;
          Ref ref = reference(row, cols, t);
          const int32_t tok = tokens[r];
          INFO("cols " << cols << " T " << t << " row " << r);
          // log p: float64 within 2^-23 absolute + 2^-52 relative; float32 rounding = log_softmax's bits.
          const double lp_ref = ref.logp[size_t(tok)];
          if (std::isinf(lp_ref)) {
            CHECK(s.logprob[r] == lp_ref);
          } else {
            const double err = std::fabs(s.logprob[r] - lp_ref);
            CHECK(err <= 0x1p-23 + 0x1p-52 * std::fabs(lp_ref));
            worst_lp = std::max(worst_lp, err / (0x1p-23 + 0x1p-52 * std::fabs(lp_ref)));
          }
          CHECK(float(s.logprob[r]) == lsm[r * cols + size_t(tok)]);
          // rank: the position in a stable descending sort.
          const auto pos = std::find(ref.order.begin(), ref.order.end(), tok) - ref.order.begin();
          CHECK(s.rank[r] == int32_t(pos + 1));
          for (size_t j = 0; j < top_n; ++j) {
            CHECK(s.top_index[r * top_n + j] == ref.order[j]);
            const double want = ref.logp[size_t(ref.order[j])];
            if (std::isinf(want)) CHECK(s.top_logprob[r * top_n + j] == want);
            else CHECK(std::fabs(s.top_logprob[r * top_n + j] - want) <= 0x1p-23 + 0x1p-52 * std::fabs(want));
          }
          const double herr = std::fabs(s.entropy[r] - ref.entropy);
          CHECK(herr <= 4e-7 + 2.5e-7 * ref.entropy);
          worst_h = std::max(worst_h, herr);
          sum += s.logprob[r];
        }
        CHECK(s.totals.sum == sum);
        CHECK(s.totals.perplexity == doctest::Approx(std::exp(-sum / double(rows))).epsilon(1e-15));
      }
    }
  }
  MESSAGE("score_tokens: worst log p error " << worst_lp << " of the 2^-23 + 2^-52·|ref| bound; worst entropy error " << worst_h);
}

TEST_CASE("score_tokens: limits, ranks of ties and errors") {
  const float inf = INFINITY;
  // +inf entries share the mass; T = 0 likewise for the maxima; an all -inf row has nothing.
  std::vector<float> x = {1, inf, 3, inf, inf, 2, 5, 5, 1, 5, -inf, -inf, -inf, -inf, -inf, -inf};
  std::vector<int32_t> tok = {3, 2, 3, 0};
  Scored s = score(x, 4, 4, tok, 1.0, 2);
  REQUIRE(s.status.ok());
  CHECK(s.logprob[0] == doctest::Approx(-std::log(2.0)).epsilon(1e-15));  // two +inf share the mass
  CHECK(s.rank[0] == 2);                                                   // the tie goes to the lower id
  CHECK(s.top_index[0] == 1);
  CHECK(s.top_index[1] == 3);
  CHECK(s.top_logprob[1] == doctest::Approx(-std::log(2.0)).epsilon(1e-15));
  CHECK(s.entropy[0] == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(s.logprob[1] == -INFINITY);  // finite beside +inf
  CHECK(s.rank[1] == 2);
  CHECK(s.logprob[2] == -INFINITY);  // masked
  CHECK(s.rank[2] == 4);             // after the equal -inf at id 2
  CHECK(s.logprob[3] == -INFINITY);  // all -inf
  CHECK(s.rank[3] == 1);
  CHECK(s.entropy[3] == 0);
  CHECK(s.totals.sum == -INFINITY);
  CHECK(s.totals.perplexity == INFINITY);
  // T = 0: the maxima share the mass.
  std::vector<float> g = {5, 1, 5, 2};
  Scored z = score(g, 1, 4, {2}, 0.0, 0);
  CHECK(z.logprob[0] == doctest::Approx(-std::log(2.0)).epsilon(1e-15));
  CHECK(z.rank[0] == 2);
  CHECK(z.entropy[0] == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  // Errors.
  std::vector<float> nan = {1, 2, NAN, 4};
  CHECK(score(nan, 2, 2, {0, 0}, 1.0, 0).status.code == lk::StatusCode::kNaN);
  CHECK(score(nan, 2, 2, {0, 0}, 1.0, 0).status.index == 2);
  CHECK(score(nan, 2, 2, {0, 1}, 1.0, 1).status.index == 2);  // via the top-N selection too
  CHECK(score(g, 2, 2, {0, 2}, 1.0, 0).status.code == lk::StatusCode::kBadToken);
  CHECK(score(g, 2, 2, {0, 2}, 1.0, 0).status.index == 1);
  CHECK(score(g, 2, 2, {-1, 0}, 1.0, 0).status.code == lk::StatusCode::kBadToken);
  CHECK(score(g, 1, 4, {0}, -1.0, 0).status.code == lk::StatusCode::kBadTemperature);
  CHECK(score(g, 1, 4, {0}, 1.0, 5).status.code == lk::StatusCode::kBadArgument);
}
