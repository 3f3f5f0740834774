// The sampler's weight kernel (src/core/kernels/sampler_weight.inc) gives the
// same bits when every multiply-add is fused and when subnormals are flushed,
// as a WebGPU implementation may do (WGSL permits both), and its accuracy:
//   - fused: the formula compiled again with its madd() sites as std::fma
//     (one rounding), on the scalar vector type;
//   - flushed: the shipped SSE2 and scalar kernels run with the x86 MXCSR's
//     flush-to-zero and denormals-are-zero bits set, so every float operation
//     flushes its subnormal inputs and outputs (native builds only);
//   - fused and flushed together.
// Every float32 y in [-21.5, 0] at T = 1 (z = y, max = 0) when
// LK_WEIGHT_SWEEP_STRIDE=1 (scripts/test.sh runs that natively: about 1.1e9
// values); every 509th value otherwise (the ASan and wasm runs). Then strided
// sweeps at other temperatures. A self-check shows the fused variant can fail:
// a Horner polynomial whose products are not exact, through the same madd(),
// differs from its unfused bits on the sweep.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backend_scope.h"
#include "kernels/kernels.h"
#include "kernels/vec_scalar.h"
#include "ulp.h"

#if defined(__SSE2__) && !defined(__wasm__)
#include <xmmintrin.h>
#define LK_TEST_MXCSR 1
#endif

namespace lk {
// The formula with every madd() fused.
namespace weight_fused {
using namespace lk::vec_scalar;
inline F32x4 madd(F32x4 a, F32x4 b, F32x4 c) {
  F32x4 r;
  for (int i = 0; i < 4; ++i) r.v[i] = std::fma(a.v[i], b.v[i], c.v[i]);
  return r;
}
#include "kernels/sampler_weight.inc"
}  // namespace weight_fused
// The formula as shipped (unfused madd), on the same scalar vector type.
namespace weight_plain {
using namespace lk::vec_scalar;
inline F32x4 madd(F32x4 a, F32x4 b, F32x4 c) { return a * b + c; }
#include "kernels/sampler_weight.inc"
}  // namespace weight_plain
}  // namespace lk

using lk_test::bits_of;
using lk_test::float_from_bits;

namespace {

size_t sweep_stride() {
  const char* s = std::getenv("LK_WEIGHT_SWEEP_STRIDE");
  const long v = s ? std::strtol(s, nullptr, 10) : 0;
  return v >= 1 ? size_t(v) : 509;
}


// Subnormals flushed in and out for the scope (x86 MXCSR FTZ | DAZ).
class FlushScope {
 public:
#ifdef LK_TEST_MXCSR
  FlushScope() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }
  ~FlushScope() { _mm_setcsr(saved_); }

 private:
  unsigned saved_;
#endif
};

template <class F>
void weights_of(const float* s, size_t n, const lk::WeightParams& a, float* out, F vec) {
  for (size_t i = 0; i < n; i += 4) {
    float in[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY}, w[4];
    for (size_t k = 0; k < 4 && i + k < n; ++k) in[k] = s[i + k];
    const lk::vec_scalar::F32x4 v = vec(in, a);
    std::memcpy(w, v.v, 16);
    for (size_t k = 0; k < 4 && i + k < n; ++k) out[i + k] = w[k];
  }
}
const auto fused = [](const float* in, const lk::WeightParams& a) {
  return lk::weight_fused::sampler_weight_vec(lk::vec_scalar::load(in), a);
};
const auto plain = [](const float* in, const lk::WeightParams& a) {
  return lk::weight_plain::sampler_weight_vec(lk::vec_scalar::load(in), a);
};

struct SweepResult {
  size_t values = 0, differ_fused = 0, differ_flushed = 0, differ_scalar = 0;
  double worst = 0;  // relative error / 2^-24 against exp(y/T) in float64, y exact
};

// The values s = -bits for s in [lo_bits, hi_bits] (negative floats by bit
// pattern, from -0 down), in chunks, through every variant.
SweepResult sweep(double t, uint32_t stride, float y_min) {
  SweepResult r;
  const lk::WeightParams a = lk::make_weight_params(0.0f, t);
  const uint32_t last = bits_of(y_min);  // negative floats grow in bits as they grow in magnitude
  constexpr size_t kChunk = 4096;
  std::vector<float> s(kChunk), shipped(kChunk), w(kChunk);
  uint64_t b = 0x80000000u;
  while (b <= last) {
    size_t n = 0;
    for (; n < kChunk && b <= last; ++n, b += stride) s[n] = float_from_bits(uint32_t(b));
    const lk::Kernels& k = lk::active_kernels();
    k.sampler_weights(s.data(), n, a, shipped.data(), false);
    weights_of(s.data(), n, a, w.data(), fused);
    for (size_t i = 0; i < n; ++i) r.differ_fused += bits_of(w[i]) != bits_of(shipped[i]);
    weights_of(s.data(), n, a, w.data(), plain);
    for (size_t i = 0; i < n; ++i) r.differ_scalar += bits_of(w[i]) != bits_of(shipped[i]);
    {
      FlushScope flush;
      for (lk::Backend be : {lk::Backend::kScalar, lk::best_backend()}) {
        lk_test::BackendScope scope(be);
        lk::active_kernels().sampler_weights(s.data(), n, a, w.data(), false);
        for (size_t i = 0; i < n; ++i) r.differ_flushed += bits_of(w[i]) != bits_of(shipped[i]);
      }
      weights_of(s.data(), n, a, w.data(), fused);
      for (size_t i = 0; i < n; ++i) r.differ_flushed += bits_of(w[i]) != bits_of(shipped[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      const double x = std::exp(double(s[i]) / t);
      const double err = std::fabs(double(shipped[i]) - x) / x / 0x1p-24;
      if (err > r.worst) r.worst = err;
    }
    r.values += n;
  }
  return r;
}

}  // namespace

TEST_CASE("sampler weight: the same bits fused and flushed for every y in [-21.5; 0] at T = 1; within 2^-24·4 of float64") {
#ifdef LK_TEST_MXCSR
  {
    FlushScope flush;  // the flush is in force: a subnormal product becomes 0
    volatile float tiny = 1e-30f;
    CHECK(tiny * tiny == 0.0f);
  }
#endif
  const uint32_t stride = uint32_t(sweep_stride());
  const SweepResult r = sweep(1.0, stride, -21.5f);
  MESSAGE("sampler weight at T = 1: " << r.values << " values (every " << stride << "th float32 in [-21.5, 0]); "
          << r.differ_fused << " differ fused, " << r.differ_flushed << " flushed, " << r.differ_scalar
          << " on the scalar vector type; worst error " << r.worst << " x 2^-24 relative");
  CHECK(r.values > (stride == 1 ? size_t(1) << 30 : size_t(2000000)));
  CHECK(r.differ_fused == 0);
  CHECK(r.differ_flushed == 0);
  CHECK(r.differ_scalar == 0);
  CHECK(r.worst <= 4.0);
}

TEST_CASE("sampler weight: the same bits fused and flushed at other temperatures, within 2^-24·4 of exp(y/T) for exact y") {
  for (double t : {0.7, 1.3, 0x1p-20, 1e-9, 0x1p-64, 3.0, 1000.0, 1e30, 0x1p65}) {
    // Every 8191st float32 y·T in [-21.5·T, 0]: y spans the same range at every T.
    const SweepResult r = sweep(t, 8191, float(-21.5 * t));
    CAPTURE(t);
    CHECK(r.values > 50000);
    CHECK(r.differ_fused == 0);
    CHECK(r.differ_flushed == 0);
    CHECK(r.differ_scalar == 0);
    CHECK(r.worst <= 4.0);
    MESSAGE("sampler weight at T = " << t << ": " << r.values << " values, worst error " << r.worst << " x 2^-24");
  }
}

TEST_CASE("sampler weight: the fused variant catches products that are not exact (self-check)") {
  // A Horner step q·r + c with an inexact product, through the same madd():
  // fused and unfused must differ somewhere on a sweep of r, or the fused
  // variant could not catch a kernel that relied on such a step.
  using lk::vec_scalar::F32x4;
  size_t differ = 0;
  for (uint32_t b = 0x3a800000u; b < 0x3f000000u; b += 997) {  // r in [2^-10, 0.5)
    const F32x4 r = lk::vec_scalar::splat(float_from_bits(b));
    const F32x4 q = lk::vec_scalar::splat(0.166665211f), c = lk::vec_scalar::splat(0.499999940f);
    differ += bits_of(lk::weight_fused::madd(q, r, c).v[0]) != bits_of(lk::weight_plain::madd(q, r, c).v[0]);
  }
  MESSAGE("an inexact Horner step: fused and unfused differ on " << differ << " inputs");
  CHECK(differ > 100);
}

TEST_CASE("sampler weight: the table is 2^(k/128) correctly rounded to float32") {
  const float* t = lk::sampler_exp2_table();
  for (int k = 0; k < 128; ++k) {
    // long double carries 64 bits: far inside the 2^-35 that separates every entry from a rounding boundary.
    const long double exact = std::exp2(static_cast<long double>(k) / 128);
    CAPTURE(k);
    CHECK(t[k] == static_cast<float>(exact));
  }
  CHECK(t[0] == 1.0f);
  CHECK(bits_of(t[64]) == 0x3fb504f3u);  // √2
}
