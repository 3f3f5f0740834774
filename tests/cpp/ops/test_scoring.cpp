// score_tokens against float64 references: log-probabilities, ranks by a
// stable descending sort (ties to the lower id), top-N, entropy, totals.
#include <doctest/doctest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <vector>

#include "adversarial_rows.h"
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

// An adversarial row: cols - 1 entries equal to c and one entry o (the
// outlier) at pos. Every c entry's exp has the same rounding error, so the
// row's log-normaliser carries nearly the whole relative error of one float32
// exp; a block of such rows chosen with errors of one sign makes the errors of
// the per-token log p add up in the sum.
struct Shape {
  float c, o;
  size_t pos;
};

struct ShapeRef {
  double lp_c, lp_o, h;  // float64 log p of a c entry and of the outlier; entropy
};

ShapeRef shape_reference(const Shape& s, size_t cols, double t) {
  const double c = s.c, o = s.o, m = std::max(c, o);
  const double yc = (c - m) / t, yo = (o - m) / t;
  const double ec = double(cols - 1) * std::exp(yc), eo = std::exp(yo);
  const double ls = std::log(ec + eo);
  return {yc - ls, yo - ls, ls - ((ec > 0 ? ec * yc : 0) + (eo > 0 ? eo * yo : 0)) / (ec + eo)};
}

constexpr size_t kShapeCols = 1027;  // not a multiple of 4: the tail path too
constexpr size_t kGrid = 2048;

// The rows below the outlier that adversarial_rows.h finds worst.
constexpr size_t kWorst = kGrid / 2;

// The rows searched at temperature t: c below the outlier 0, first the kWorst
// values of the sweep above, then a grid of y = (c - o)/T in [-6, 0) (where
// the c entries carry most of the mass); c above it, near-ties a few 2^-20
// apart, offsets 1e4 … 3e6 (c and o both large) and ±1e30 … FLT_MAX.
// tests/js/scoring.test.mjs scores the same rows but the sweep's.
std::vector<Shape> adversarial_shapes(double t) {
  std::vector<Shape> v;
  auto add = [&](double c, double o) { v.push_back({float(c), float(o), (v.size() * 37) % kShapeCols}); };
  for (float c : worst_exp_candidates(t, kShapeCols, kWorst)) add(c, 0);  // below: the worst of the sweep
  for (size_t k = 0; k < kGrid - kWorst; ++k) add(t * (-6.0 * (double(k) + 0.5) / double(kGrid - kWorst)), 0);
  for (size_t k = 0; k < kGrid / 4; ++k) add(t * (6.0 * (double(k) + 0.5) / double(kGrid / 4)), 0);  // above
  for (size_t k = 1; k <= 64; ++k) {  // near-ties
    add(-double(k) * 0x1p-20 * t, 0);
    add(double(k) * 0x1p-20 * t, 0);
  }
  for (double off : {1e4, -1e4, 3e6}) {
    for (size_t k = 0; k < kGrid / 4; ++k) add(off + t * (-6.0 * (double(k) + 0.5) / double(kGrid / 4)), off);
  }
  const double big = 1e30, top = double(FLT_MAX);
  add(big, 0);
  add(-big, 0);
  add(big, std::nextafter(float(big), 0.0f));
  add(-big, std::nextafter(float(-big), 0.0f));
  add(top, -top);
  add(-top, top);
  add(top, std::nextafter(float(top), 0.0f));
  return v;
}

struct ShapeRun {
  double worst_lp = 0, worst_h = 0;  // worst error / bound over every log p and entropy
  std::vector<double> row_err;       // signed error of each row's log-normaliser (computed - float64)
};

// Scores the shapes as one block (token = the outlier, top-2 = the outlier and
// a c entry) and checks every log p and entropy against its float64 reference.
ShapeRun score_shapes(const std::vector<Shape>& shapes, double t) {
  const size_t rows = shapes.size(), cols = kShapeCols;
  std::vector<float> x(rows * cols);
  std::vector<int32_t> tokens(rows);
  for (size_t r = 0; r < rows; ++r) {
    std::fill(x.begin() + long(r * cols), x.begin() + long((r + 1) * cols), shapes[r].c);
    x[r * cols + shapes[r].pos] = shapes[r].o;
    tokens[r] = int32_t(shapes[r].pos);
  }
  Scored s = score(x, rows, cols, tokens, t, 2);
  REQUIRE(s.status.ok());
  ShapeRun run;
  run.row_err.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    const ShapeRef ref = shape_reference(shapes[r], cols, t);
    INFO("T " << t << " row " << r << ": c " << shapes[r].c << ", outlier " << shapes[r].o);
    auto check = [&](double got, double want) {
      const double bound = 0x1p-23 + 0x1p-52 * std::fabs(want);
      CHECK(std::fabs(got - want) <= bound);
      run.worst_lp = std::max(run.worst_lp, std::fabs(got - want) / bound);
    };
    check(s.logprob[r], ref.lp_o);
    for (size_t j = 0; j < 2; ++j)
      check(s.top_logprob[r * 2 + j], s.top_index[r * 2 + j] == int32_t(shapes[r].pos) ? ref.lp_o : ref.lp_c);
    run.row_err[r] = ref.lp_o - s.logprob[r];
    const double hb = 4e-7 + 2.5e-7 * ref.h;
    CHECK(std::fabs(s.entropy[r] - ref.h) <= hb);
    run.worst_h = std::max(run.worst_h, std::fabs(s.entropy[r] - ref.h) / hb);
  }
  return run;
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

TEST_CASE("score_tokens: the worst case over adversarial rows, and a block whose errors add up in one direction") {
  double worst_lp = 0, worst_h = 0, worst_sum = 0;
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    for (double t : {1.0, 0.7, 0.3, 2.5}) {
      const std::vector<Shape> shapes = adversarial_shapes(t);
      const ShapeRun run = score_shapes(shapes, t);
      worst_lp = std::max(worst_lp, run.worst_lp);
      worst_h = std::max(worst_h, run.worst_h);
      // 256 rows of the grid below the outlier whose errors have the more
      // common sign, largest first: the sum's error is about 256 row errors.
      std::vector<size_t> idx(kGrid);
      std::iota(idx.begin(), idx.end(), size_t(0));
      size_t positive = 0;
      for (size_t r = 0; r < kGrid; ++r) positive += run.row_err[r] > 0;
      const double sign = 2 * positive >= kGrid ? 1.0 : -1.0;
      std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t c) { return sign * run.row_err[a] > sign * run.row_err[c]; });
      std::vector<Shape> block;
      for (size_t r = 0; r < 256; ++r) block.push_back(shapes[idx[r]]);
      const size_t rows = block.size(), cols = kShapeCols;
      std::vector<float> x(rows * cols);
      std::vector<int32_t> tokens(rows);
      double ref_sum = 0;
      for (size_t r = 0; r < rows; ++r) {
        std::fill(x.begin() + long(r * cols), x.begin() + long((r + 1) * cols), block[r].c);
        x[r * cols + block[r].pos] = block[r].o;
        tokens[r] = int32_t(block[r].pos);
        ref_sum += shape_reference(block[r], cols, t).lp_o;
      }
      Scored s = score(x, rows, cols, tokens, t, 0);
      REQUIRE(s.status.ok());
      const double err = std::fabs(s.totals.sum - ref_sum);
      // One per-token error per row: rows·(2^-23 absolute + 2^-52 relative),
      // the relative part also covering the float64 additions.
      const double bound = double(rows) * (0x1p-23 + 0x1p-52 * std::fabs(ref_sum));
      INFO("T " << t << ": sum " << s.totals.sum << ", float64 " << ref_sum << ", error " << err / 0x1p-23 << " x 2^-23");
      CHECK(err <= bound);
      worst_sum = std::max(worst_sum, err / bound);
    }
  }
  MESSAGE("score_tokens adversarial rows: worst log p error " << worst_lp << " of the 2^-23 + 2^-52·|ref| bound; worst entropy error "
          << worst_h << " of 4e-7 + 2.5e-7·H; worst sum error " << worst_sum << " of rows·(2^-23 + 2^-52·|ref|)");
}
