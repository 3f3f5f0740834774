// The sampler's weight formula (src/core/kernels/sampler_weight.inc)
// evaluated with every float operation computed by 32-bit integer
// arithmetic (softfloat32.h) gives the shipped kernel's bits: the way a GPU
// computes the same weights whatever its float unit does. WGSL pins integer
// arithmetic down exactly, while an inexact float +, − or × may round to
// either neighbour there (and a·b + c may fuse, subnormals may flush): the
// rounding toward zero variant below shows the float formula alone would
// give other bits on such an implementation.
//
// Checked: the integer add and multiply against the CPU's IEEE operations on
// 2^24 pairs each (random bits, near cancellations, subnormals, specials);
// then the formula on one float32 y in LK_WEIGHT_SOFT_STRIDE over [-21.5, 0]
// at T = 1 (scripts/test.sh: 61 natively; 509 by default, under ASan and in
// wasm; 1 for all 1.1e9 values, by hand: docs/sampler.md) and at other
// temperatures.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/kernels.h"
#include "kernels/vec_scalar.h"
#include "softfloat32.h"
#include "ulp.h"

using lk_test::bits_of;
using lk_test::float_from_bits;

namespace lk {
// The vector API sampler_weight.inc is written against, with its float
// lanes held as bits and every float operation done by softf32 in the
// rounding mode given; integer and bit operations are plain (their own
// types, so that nothing of vec_scalar.h is found by argument lookup).
struct SoftF32x4 {
  uint32_t v[4];
};
struct SoftI32x4 {
  int32_t v[4];
};

#define LK_LANES(type, expr) \
  type r;                    \
  for (int i = 0; i < 4; ++i) r.v[i] = (expr);  \
  return r
#define LK_SOFT_VEC_API(MODE)                                                                                \
  using F32x4 = SoftF32x4;                                                                                   \
  using I32x4 = SoftI32x4;                                                                                   \
  namespace sf = lk_test::softf32;                                                                           \
  inline F32x4 splat(float x) { LK_LANES(F32x4, bits_of(x)); }                                               \
  inline F32x4 load(const float* p) { LK_LANES(F32x4, bits_of(p[i])); }                                      \
  inline F32x4 operator+(F32x4 a, F32x4 b) { LK_LANES(F32x4, sf::add(a.v[i], b.v[i], MODE)); }               \
  inline F32x4 operator-(F32x4 a, F32x4 b) { LK_LANES(F32x4, sf::sub(a.v[i], b.v[i], MODE)); }               \
  inline F32x4 operator*(F32x4 a, F32x4 b) { LK_LANES(F32x4, sf::mul(a.v[i], b.v[i], MODE)); }               \
  inline F32x4 madd(F32x4 a, F32x4 b, F32x4 c) { return a * b + c; }                                       \
  inline F32x4 vmin(F32x4 a, F32x4 b) { LK_LANES(F32x4, sf::less(a.v[i], b.v[i]) ? a.v[i] : b.v[i]); }       \
  inline F32x4 vmax(F32x4 a, F32x4 b) { LK_LANES(F32x4, sf::less(b.v[i], a.v[i]) ? a.v[i] : b.v[i]); }       \
  inline I32x4 lt(F32x4 a, F32x4 b) { LK_LANES(I32x4, sf::less(a.v[i], b.v[i]) ? -1 : 0); }                  \
  inline I32x4 bits(F32x4 a) { LK_LANES(I32x4, int32_t(a.v[i])); }                                           \
  inline F32x4 from_bits(I32x4 a) { LK_LANES(F32x4, uint32_t(a.v[i])); }                                     \
  inline F32x4 gather(const float* table, I32x4 idx) { LK_LANES(F32x4, bits_of(table[idx.v[i]])); }          \
  inline I32x4 splat_i(int32_t x) { LK_LANES(I32x4, x); }                                                    \
  inline I32x4 operator+(I32x4 a, I32x4 b) { LK_LANES(I32x4, int32_t(uint32_t(a.v[i]) + uint32_t(b.v[i]))); } \
  inline I32x4 operator-(I32x4 a, I32x4 b) { LK_LANES(I32x4, int32_t(uint32_t(a.v[i]) - uint32_t(b.v[i]))); } \
  inline I32x4 operator&(I32x4 a, I32x4 b) { LK_LANES(I32x4, a.v[i] & b.v[i]); }                            \
  inline I32x4 andnot(I32x4 a, I32x4 b) { LK_LANES(I32x4, ~a.v[i] & b.v[i]); }                               \
  template <int k>                                                                                           \
  inline I32x4 shl(I32x4 a) { LK_LANES(I32x4, int32_t(uint32_t(a.v[i]) << k)); }                             \
  template <int k>                                                                                           \
  inline I32x4 sra(I32x4 a) { LK_LANES(I32x4, a.v[i] >> k); }

namespace weight_soft {
LK_SOFT_VEC_API(lk_test::softf32::Round::kNearestEven)
#include "kernels/sampler_weight.inc"
}  // namespace weight_soft
namespace weight_soft_rtz {
LK_SOFT_VEC_API(lk_test::softf32::Round::kTowardZero)
#include "kernels/sampler_weight.inc"
}  // namespace weight_soft_rtz
#undef LK_SOFT_VEC_API
#undef LK_LANES
}  // namespace lk

namespace {

size_t soft_stride() {
  const char* s = std::getenv("LK_WEIGHT_SOFT_STRIDE");
  const long v = s ? std::strtol(s, nullptr, 10) : 0;
  return v >= 1 ? size_t(v) : 509;
}

// A 64-bit generator for the operand pairs (splitmix64).
struct Mix {
  uint64_t s;
  uint32_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return uint32_t((z ^ (z >> 31)) >> 16);
  }
};

bool same_float(uint32_t a, uint32_t b) {
  const bool nan_a = (a & 0x7FFFFFFFu) > 0x7F800000u, nan_b = (b & 0x7FFFFFFFu) > 0x7F800000u;
  return nan_a || nan_b ? nan_a && nan_b : a == b;
}

// Operand b for a: random bits, a nearby value (cancellation, equal
// exponents), or a subnormal / special.
uint32_t partner(uint32_t a, Mix& g) {
  const uint32_t r = g.next();
  switch (r % 4) {
    case 0: return g.next();
    case 1: return (a ^ 0x80000000u) + (g.next() % 4096) - 2048;  // a − (a ± a few ulps)
    case 2: return (a & 0xFF800000u) | (g.next() & 0x807FFFFFu);  // the same exponent
    default: {
      static const uint32_t special[] = {0, 0x80000000u, 1, 0x807FFFFFu, 0x00800000u, 0x7F7FFFFFu, 0x7F800000u,
                                         0xFF800000u, 0x7FC00000u, 0x3F800000u, 0x33800000u, 0x4B400000u};
      return r % 3 ? special[(r >> 8) % 12] : g.next() & 0x807FFFFFu;  // or a random subnormal
    }
  }
}

struct Sweep {
  size_t values = 0, differ = 0, differ_rtz = 0;
};

Sweep sweep_soft(double t, uint32_t stride, float y_min) {
  Sweep r;
  const lk::WeightParams a = lk::make_weight_params(0.0f, t);
  const uint32_t last = bits_of(y_min);
  constexpr size_t kChunk = 4096;
  std::vector<float> s(kChunk), shipped(kChunk);
  uint64_t b = 0x80000000u;
  while (b <= last) {
    size_t n = 0;
    for (; n < kChunk && b <= last; ++n, b += stride) s[n] = float_from_bits(uint32_t(b));
    lk::active_kernels().sampler_weights(s.data(), n, a, shipped.data(), false);
    for (size_t i = 0; i < n; i += 4) {
      float in[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
      for (size_t k = 0; k < 4 && i + k < n; ++k) in[k] = s[i + k];
      const auto w = lk::weight_soft::sampler_weight_vec(lk::weight_soft::load(in), a);
      const auto z = lk::weight_soft_rtz::sampler_weight_vec(lk::weight_soft_rtz::load(in), a);
      for (size_t k = 0; k < 4 && i + k < n; ++k) {
        r.differ += w.v[k] != bits_of(shipped[i + k]);
        r.differ_rtz += z.v[k] != bits_of(shipped[i + k]);
      }
    }
    r.values += n;
  }
  return r;
}

}  // namespace

TEST_CASE("softfloat32: integer add and multiply give the CPU's IEEE bits, rounding to nearest even") {
  namespace sf = lk_test::softf32;
  Mix g{42};
  size_t add_differ = 0, mul_differ = 0, pairs = 0;
  for (size_t i = 0; i < (size_t(1) << 24); ++i) {
    const uint32_t a = (i & 7) == 0 ? g.next() & 0x807FFFFFu : g.next();  // 1 in 8 a subnormal
    const uint32_t b = partner(a, g);
    const float fa = float_from_bits(a), fb = float_from_bits(b);
    add_differ += !same_float(sf::add(a, b), bits_of(fa + fb));
    mul_differ += !same_float(sf::mul(a, b), bits_of(fa * fb));
    ++pairs;
  }
  MESSAGE("softfloat32 against the CPU: " << pairs << " pairs, " << add_differ << " sums and " << mul_differ
                                          << " products differ");
  CHECK(add_differ == 0);
  CHECK(mul_differ == 0);
  // Ties to even, in both operations, and a carry into the exponent.
  CHECK(sf::add(bits_of(1.0f), bits_of(0x1p-24f)) == bits_of(1.0f));
  CHECK(sf::add(bits_of(1.0f + 0x1p-23f), bits_of(0x1p-24f)) == bits_of(1.0f + 0x1p-22f));
  CHECK(sf::mul(bits_of(1.0f + 0x1p-23f), bits_of(1.0f + 0x1p-23f)) == bits_of(1.0f + 0x1p-22f));
  // Toward zero truncates where nearest rounds up.
  CHECK(sf::add(bits_of(1.0f), bits_of(0x1.8p-24f), sf::Round::kTowardZero) == bits_of(1.0f));
  CHECK(sf::add(bits_of(1.0f), bits_of(0x1.8p-24f)) == bits_of(1.0f + 0x1p-23f));
  CHECK(sf::less(bits_of(-0.0f), bits_of(0.0f)) == false);
  CHECK(sf::less(bits_of(-1.0f), bits_of(-0.5f)));
}

TEST_CASE("sampler weight: the formula in integer arithmetic gives the shipped bits; rounding toward zero does not") {
  const uint32_t stride = uint32_t(soft_stride());
  const Sweep r = sweep_soft(1.0, stride, -21.5f);
  MESSAGE("sampler weight in integer arithmetic at T = 1: " << r.values << " values (one float32 in " << stride
          << " over [-21.5, 0]); " << r.differ << " differ from the shipped kernel; rounding toward zero: "
          << r.differ_rtz << " differ");
  CHECK(r.values > (stride == 1 ? size_t(1) << 30 : size_t(1000000000) / stride));
  CHECK(r.differ == 0);
  // The float formula itself does not survive a conformant WGSL rounding:
  // rounding toward zero changes the weight of most inputs.
  CHECK(r.differ_rtz > r.values / 4);
  for (double t : {0.7, 1.3, 0x1p-20, 1e-9, 0x1p-64, 3.0, 1000.0, 1e30, 0x1p65}) {
    const Sweep q = sweep_soft(t, 8191, float(-21.5 * t));
    CAPTURE(t);
    CHECK(q.values > 50000);
    CHECK(q.differ == 0);
    CHECK(q.differ_rtz > 0);
  }
}
