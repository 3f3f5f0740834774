// sampling/sampling_select.h: the exact radix prefix selection and the integer
// roundings of p·total the sampler's cuts rely on, against sort-based references.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "sampler_testing.h"
#include "sampling/sampling_masses.h"
#include "sampling/sampling_select.h"

using sampler_testing::Lcg;

TEST_CASE("sampler select: exact integer roundings of p·total") {
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

TEST_CASE("sampler select: radix prefix cuts equal a sort by (key, position), for any spread of keys") {
  // Keys from a single value, from the low bits only, from a narrow band (a
  // head of large logits), and from the full 32-bit range; counts and masses
  // against sorting (key, position) and walking the prefix.
  Lcg g{31};
  lk::PrefixSelector sel;
  for (int c = 0; c < 400; ++c) {
    const size_t n = 1 + size_t(g.uniform() * 900);
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
