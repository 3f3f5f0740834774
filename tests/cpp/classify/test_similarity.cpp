// Retrieval similarities against float64 dot products and cosines.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "classify_helpers.h"
#include "backend_scope.h"
#include "kernels/kernels.h"
#include "classify/similarity.h"

using namespace lk_test;

TEST_CASE("similarity: dot and cosine within the float32 dot-product bound (both backends)") {
  Rng g{5};
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    double worst_rel = 0;
    for (size_t dim : {1u, 3u, 16u, 37u, 384u, 1024u}) {
      const size_t n = 53, nq = 2;
      std::vector<float> q = g.normals(nq * dim, 1), d = g.normals(n * dim, 1);
      for (size_t i = 0; i < dim; ++i) d[7 * dim + i] = 0.0f;  // a zero document
      std::vector<float> dot(nq * n), cos(nq * n);
      REQUIRE(lk::similarity(q.data(), nq, d.data(), n, dim, lk::Metric::kDot, 1.0, dot.data()).ok());
      REQUIRE(lk::similarity(q.data(), nq, d.data(), n, dim, lk::Metric::kCosine, 100.0, cos.data()).ok());
      for (size_t a = 0; a < nq; ++a)
        for (size_t j = 0; j < n; ++j) {
          double s = 0, abs_s = 0, qq = 0, dd = 0;
          for (size_t i = 0; i < dim; ++i) {
            double x = q[a * dim + i], y = d[j * dim + i];
            s += x * y;
            abs_s += std::fabs(x * y);
            qq += x * x;
            dd += y * y;
          }
          // Bound: dim · 2^-24 · Σ|q·d| (documented), checked as a ratio.
          const double bound = double(dim) * 0x1p-24 * abs_s + 1e-30;
          worst_rel = std::max(worst_rel, std::fabs(dot[a * n + j] - s) / bound);
          double c = 100.0 * s / std::max(std::sqrt(qq) * std::sqrt(dd), 1e-8);
          CHECK(std::fabs(cos[a * n + j] - c) <= 100.0 * 3 * double(dim) * 0x1p-24 + 1e-5);
          if (j == 7) CHECK(cos[a * n + j] == 0.0f);
        }
    }
    MESSAGE("similarity dot: worst " << worst_rel << " of the dim·2^-24·Σ|q·d| bound");
    CHECK(worst_rel <= 1.0);
  }
}

TEST_CASE("similarity: a document's score does not depend on the batch around it") {
  Rng g{9};
  const size_t dim = 100, n = 10;
  std::vector<float> q = g.normals(dim, 1), d = g.normals(n * dim, 1), all(n), one(1);
  REQUIRE(lk::similarity(q.data(), 1, d.data(), n, dim, lk::Metric::kCosine, 1.0, all.data()).ok());
  for (size_t j = 0; j < n; ++j) {
    REQUIRE(lk::similarity(q.data(), 1, d.data() + j * dim, 1, dim, lk::Metric::kCosine, 1.0, one.data()).ok());
    CHECK(one[0] == all[j]);
  }
}

TEST_CASE("similarity: NaN, inf, bad scale and empty dimension are named statuses") {
  std::vector<float> q(4, 1.0f), d(12, 1.0f), out(3);
  d[6] = NAN;
  lk::Status s = lk::similarity(q.data(), 1, d.data(), 3, 4, lk::Metric::kDot, 1.0, out.data());
  CHECK(s.code == lk::StatusCode::kNaN);
  CHECK(s.index == 4 + 6);
  d[6] = INFINITY;
  s = lk::similarity(q.data(), 1, d.data(), 3, 4, lk::Metric::kCosine, 1.0, out.data());
  CHECK(s.code == lk::StatusCode::kBadArgument);
  CHECK(s.index == 4 + 6);
  d[6] = 1.0f;
  q[2] = NAN;
  s = lk::similarity(q.data(), 1, d.data(), 3, 4, lk::Metric::kDot, 1.0, out.data());
  CHECK(s.code == lk::StatusCode::kNaN);
  CHECK(s.index == 2);
  q[2] = 1.0f;
  CHECK(lk::similarity(q.data(), 1, d.data(), 3, 4, lk::Metric::kDot, NAN, out.data()).code == lk::StatusCode::kBadArgument);
  CHECK(lk::similarity(q.data(), 1, d.data(), 3, 0, lk::Metric::kDot, 1.0, out.data()).code == lk::StatusCode::kEmpty);
  CHECK(lk::similarity(q.data(), 1, d.data(), 0, 4, lk::Metric::kDot, 1.0, out.data()).ok());
}
