// ops/select.h: the exact radix prefix selection and the integer roundings
// of p·total the sampler's cuts rely on, against sort-based references; the
// gather, the count and the fused first scan (kernels/sampling_kernels.inc)
// against plain loops over the row, on every backend; the sampled threshold
// keeps about 2k entries. (top_k_positions through ops/topk.h: test_topk.cpp.)
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "backend_scope.h"
#include "kernels/kernels.h"
#include "ops/select.h"
#include "sampler_testing.h"
#include "sampling/sampling_masses.h"

using sampler_testing::Lcg;

TEST_CASE("select: exact integer roundings of p·total") {
  CHECK(lk::mul_ceil(0.5, 7) == 4);
  CHECK(lk::mul_floor(0.5, 7) == 3);
  CHECK(lk::mul_ceil(0.5, 8) == 4);
  CHECK(lk::mul_ceil(1e-300, 1) == 1);
  CHECK(lk::mul_floor(1e-300, uint64_t(1) << 62) == 0);
  CHECK(lk::mul_ceil(0.0, 100) == 0);
  CHECK(lk::mul_ceil(1.0, 100) == 100);
  // 0.1 is slightly above 1/10 in binary: 0.1·10 rounds up to 2 under ceil.
  CHECK(lk::mul_ceil(0.1, 10) == 2);
  CHECK(lk::mul_floor(0.1, 10) == 1);
  CHECK(lk::scale_draw((uint64_t(1) << 53) - 1, 1000) == 999);
  CHECK(lk::scale_draw(0, 1000) == 0);
}

TEST_CASE("select: prefix cuts (radix, or a sort for short lists) equal a sort by (key, position), for any spread of keys") {
  // Keys from a single value, from the low bits only, from a narrow band (a
  // head of large logits), and from the full 32-bit range; counts and masses
  // against sorting (key, position) and walking the prefix.
  Lcg g{31};
  lk::PrefixSelector sel;
  for (int c = 0; c < 400; ++c) {
    const size_t n = 1 + size_t(g.uniform() * (c % 3 == 0 ? 80 : 900));  // short lists take their own path
    std::vector<uint32_t> keys(n);
    std::vector<float> w(n);
    const int kind = c % 4;
    const uint32_t base = uint32_t(g.uniform() * 4294967295.0);
    for (size_t i = 0; i < n; ++i) {
      const double u = g.uniform();
      if (kind == 0) keys[i] = base;
      if (kind == 1) keys[i] = uint32_t(u * 3);  // differ in the lowest bits, many ties
      if (kind == 2) keys[i] = 0x3f000000u + uint32_t(u * 5000);
      if (kind == 3) keys[i] = uint32_t(u * 4294967295.0);
      w[i] = g.uniform() < 0.1 ? 0.0f : float(g.uniform());
    }
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    auto kept_by = [&](const lk::PrefixCut& cut) {
      std::vector<bool> kept(n);
      size_t ties_seen = 0, count = 0;
      for (size_t i = 0; i < n; ++i) count += (kept[i] = cut.keeps(keys[i], ties_seen)) ? 1 : 0;
      CHECK(count == cut.count);
      return kept;
    };
    // by_count: the first k of the order.
    const size_t k = size_t(g.uniform() * double(n + 3));
    std::vector<bool> ref(n);
    for (size_t r = 0; r < std::min(k, n); ++r) ref[order[r]] = true;
    CHECK(kept_by(sel.by_count(keys.data(), n, k)) == ref);
    // by_mass: members whose mass before them is < need.
    double total = 0;
    for (float v : w) total += lk::mass_of(v);
    const double need = std::floor(g.uniform() * (total + 2));
    std::fill(ref.begin(), ref.end(), false);
    double before = 0;
    for (size_t r = 0; r < n && before < need; ++r) {
      ref[order[r]] = true;
      before += lk::mass_of(w[order[r]]);
    }
    CHECK(kept_by(sel.by_mass(keys.data(), w.data(), n, need)) == ref);
  }
}

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

TEST_CASE("select: gather, count and the fused first scan equal plain loops, on every backend") {
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

TEST_CASE("select: the sampled threshold keeps at least k and about 2k entries of a smooth row") {
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
