// sampling/sampling_threshold.h: the gather, the count and the fused first
// scan (kernels/sampling_kernels.inc) against plain loops over the row, on
// every backend; the sampled threshold keeps about 2k entries.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "backend_scope.h"
#include "kernels/kernels.h"
#include "sampler_testing.h"
#include "sampling/sampling_threshold.h"

using sampler_testing::Lcg;

namespace {
// Rows with ties at the threshold, -inf, +inf, subnormals and (some) NaN.
std::vector<float> row(Lcg& g, size_t n, bool with_nan) {
  std::vector<float> z(n);
  for (auto& v : z) {
    const double u = g.uniform();
    if (u < 0.1) v = 1.5f;  // the threshold's own value: ties
    else if (u < 0.13) v = -INFINITY;
    else if (u < 0.14) v = INFINITY;
    else if (u < 0.16) v = 0x1p-140f;
    else v = float(8 * g.uniform() - 4);
  }
  if (with_nan && n > 0) z[size_t(g.uniform() * double(n))] = NAN;
  return z;
}
}  // namespace

TEST_CASE("sampling threshold: gather, count and the fused first scan equal plain loops, on every backend") {
  Lcg g{41};
  for (int c = 0; c < 300; ++c) {
    const size_t n = size_t(g.uniform() * (c % 10 == 0 ? 5000 : 300));
    const bool with_nan = c % 7 == 3;
    const std::vector<float> z = row(g, n, with_nan);
    const float t = c % 5 == 0 ? 1.5f : float(8 * g.uniform() - 4);
    // References: position i is gathered iff !(z[i] < t) (NaN included); the
    // maximum over the non-NaN entries; the first NaN.
    std::vector<uint32_t> want;
    float want_max = -INFINITY;
    size_t want_nan = SIZE_MAX;
    for (size_t i = 0; i < n; ++i) {
      if (!(z[i] < t)) want.push_back(uint32_t(i));
      if (z[i] != z[i]) { if (want_nan == SIZE_MAX) want_nan = i; }
      else if (z[i] > want_max) want_max = z[i];
    }
    for (lk::Backend backend : {lk::Backend::kScalar, lk::best_backend()}) {
      lk_test::BackendScope scope(backend);
      std::vector<uint32_t> got(n + 4);
      got.resize(lk::gather_at_least(z.data(), n, t, got.data()));
      CHECK(got == want);
      CHECK(lk::count_at_least(z.data(), n, t) == want.size());
      std::vector<uint32_t> fused(n + 4);
      const lk::ScanGather sg = lk::scan_max_gather_at_least(z.data(), n, t, fused.data());
      CHECK(sg.nan_index == want_nan);
      if (want_nan == SIZE_MAX) {
        CHECK(sg.max == want_max);
        fused.resize(sg.count);
        CHECK(fused == want);
      }
    }
  }
}

TEST_CASE("sampling threshold: the sampled threshold keeps at least k and about 2k entries of a smooth row") {
  Lcg g{43};
  const size_t n = 100000;
  std::vector<float> z(n);
  for (auto& v : z) v = float(g.uniform());
  std::vector<float> scratch;
  for (size_t k : {size_t(10), size_t(50), size_t(1000)}) {
    const float t = lk::sample_threshold(z.data(), n, k, scratch);
    const size_t kept = lk::count_at_least(z.data(), n, t);
    CHECK(kept >= k);
    CHECK(kept <= 2 * k + 8 * n / 1024);
  }
}
