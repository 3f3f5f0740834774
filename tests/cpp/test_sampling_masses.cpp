// sampling/sampling_masses.h: block masses against round-half-even(w·2^30)
// summed in float64.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "sampler_testing.h"
#include "sampling/sampling_masses.h"

using sampler_testing::Lcg;

TEST_CASE("sampler masses: block sums equal round-half-even(w·2^30) summed in float64, ties and tiny weights included") {
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
