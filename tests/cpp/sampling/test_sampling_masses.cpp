// sampling/sampling_masses.h: block masses against round-half-even(w·2^30)
// summed in float64.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include <cstring>

#include "backend_scope.h"
#include "kernels/kernels.h"
#include "sampler_testing.h"
#include "sampling/sampling_masses.h"

using sampler_testing::Lcg;

TEST_CASE("sampler masses: block sums equal round-half-even(w·2^30) summed in float64, ties and tiny weights included, on every backend") {
  // The reference rounds with nearbyint in float64 (the default mode rounds
  // half to even), independently of the vectorised float32 path.
  Lcg g{29};
  for (int c = 0; c < 200; ++c) {
    const size_t n = 1 + size_t(g.uniform() * 700);
    std::vector<float> w(n);
    for (auto& v : w) {
      const double u = g.uniform();
      if (u < 0.2) v = float(std::floor(g.uniform() * 4096) + 0.5) * 0x1p-30f;  // exact half: ties go to even
      else if (u < 0.3) v = float(g.uniform()) * 0x1p-126f;                     // subnormal: no mass
      else if (u < 0.35) v = 1.0f;
      else if (u < 0.4) v = 0.0f;
      else v = float(std::exp(-30.0 * g.uniform()));
    }
    for (lk::Backend backend : {lk::Backend::kScalar, lk::best_backend()}) {
      lk_test::BackendScope scope(backend);
      std::vector<double> blocks(n / lk::kMassBlock + 1, -1.0);
      const double total = lk::block_masses(w.data(), n, blocks.data());
      double ref_total = 0;
      for (size_t b = 0; b * lk::kMassBlock < n; ++b) {
        double ref = 0;
        for (size_t i = b * lk::kMassBlock; i < std::min(n, (b + 1) * lk::kMassBlock); ++i)
          ref += std::nearbyint(double(w[i]) * 0x1p30);
        CHECK(blocks[b] == ref);
        ref_total += ref;
      }
      CHECK(total == ref_total);
    }
  }
}

// Kernels::sampler_weights (kernels.h), the pass the sampler's weights come
// from: against exp((z - m)/T) in float64 within the contract 2^-24·(4 + 2|y|)
// relative (docs/sampler.md), on rows built to break it (a large maximum, so
// z - m rounds; tiny values beside it; spreads past the grid; many T), the
// same bits on every backend and with the skip on or off above the grid; 0
// below the grid with the skip; the sum and the count below (-inf included).
TEST_CASE("sampler weights: within 2^-24·(4 + 2|y|) of float64, 0 below the mass grid when skipped, same bits on every backend") {
  Lcg g{31};
  double worst = 0;
  size_t zeros = 0, computed = 0;
  for (int c = 0; c < 400; ++c) {
    const size_t n = 1 + size_t(g.uniform() * (c % 10 == 0 ? 5000 : 400));
    const double t = c % 3 == 0 ? 1.0 : c % 3 == 1 ? std::ldexp(1.0, int(g.uniform() * 40) - 20) : 0.05 + 3 * g.uniform();
    const double spread = 40 * g.uniform() * t;  // rows reaching past the grid at -21.49·T
    // An offset makes z - m round (its error is the 2|y| part of the contract).
    const double offset = c % 4 == 0 ? 0.0 : (g.uniform() - 0.5) * std::ldexp(1.0, int(g.uniform() * 30));
    std::vector<float> z(n);
    for (auto& v : z) {
      const double u = g.uniform();
      if (u < 0.03) v = -INFINITY;                        // masked
      else if (u < 0.06) v = float(offset + g.uniform() * 1e-3 * t);   // near the maximum
      else v = float(offset + spread * (g.uniform() - 0.5) + 16 * t * (g.uniform() - 0.5));
    }
    const float m = *std::max_element(z.begin(), z.end());
    if (m == -INFINITY) continue;
    const lk::WeightParams a = lk::make_weight_params(m, t);
    REQUIRE(double(a.grid) == doctest::Approx(-31 * 0.6931471805599453 * t).epsilon(1e-6));
    std::vector<float> w_ref;
    lk::WeightScan ref{};
    for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
      lk_test::BackendScope scope(b);
      const lk::Kernels& k = lk::active_kernels();
      std::vector<float> w(n, -1.0f), e(n, -1.0f);
      const lk::WeightScan scan = k.sampler_weights(z.data(), n, a, w.data(), true);
      const lk::WeightScan full = k.sampler_weights(z.data(), n, a, e.data(), false);
      if (w_ref.empty()) {
        w_ref = w;
        ref = scan;
      } else {
        CHECK(std::memcmp(w.data(), w_ref.data(), n * 4) == 0);
        CHECK(scan.sum == ref.sum);
        CHECK(scan.below == ref.below);
      }
      size_t below = 0;
      for (size_t i = 0; i < n; ++i) {
        const double y = (double(z[i]) - double(m)) / t;
        if (z[i] == -INFINITY) {
          CHECK(w[i] == 0.0f);
          CHECK(e[i] == 0.0f);
          ++below;
          continue;
        }
        if (z[i] - m < a.grid) {
          CHECK(w[i] == 0.0f);
          ++below;
          ++zeros;
        } else {
          CHECK(w[i] == e[i]);
        }
        if (y < -80) continue;  // documented: weight 0 below e^-80
        const double x = std::exp(y);
        worst = std::max(worst, std::fabs(double(e[i]) - x) / x / (0x1p-24 * (4 + 2 * std::fabs(y))));
        ++computed;
      }
      CHECK(below == scan.below);
      // The sums: float64 lanes over the weights as stored (zeros included), up to the order of the additions.
      CHECK(scan.sum == doctest::Approx(std::accumulate(w.begin(), w.end(), 0.0)).epsilon(1e-12));
      CHECK(full.sum == doctest::Approx(std::accumulate(e.begin(), e.end(), 0.0)).epsilon(1e-12));
    }
  }
  MESSAGE("sampler weights: worst relative error " << worst << " of the bound 2^-24·(4 + 2|y|) over " << computed
          << " weights; " << zeros << " below the grid");
  CHECK(worst <= 1.0);
  CHECK(zeros > 1000);
  CHECK(computed > 100000);
}

TEST_CASE("sum_f64: four interleaved float64 partial sums, the same bits on every backend") {
  Lcg g{37};
  for (int c = 0; c < 100; ++c) {
    const size_t n = size_t(g.uniform() * 3000);
    std::vector<float> x(n);
    for (auto& v : x) v = float(std::exp(-20 * g.uniform()));
    double s[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
      for (int l = 0; l < 4; ++l) s[l] += double(x[i + size_t(l)]);
    for (; i < n; ++i) s[0] += double(x[i]);
    const double ref = (s[0] + s[1]) + (s[2] + s[3]);
    for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
      lk_test::BackendScope scope(b);
      CHECK(lk::active_kernels().sum_f64(x.data(), n) == ref);
    }
  }
}
