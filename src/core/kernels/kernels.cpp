#include "kernels.h"

#include "ops/scalar_math.h"


#include <algorithm>
#include <cfloat>
#include <cstring>

namespace lk {

ShiftedExp make_shifted_exp(float max, double t) {
  const double kLn2 = 0.69314718055994530942;
  const double kLog2e = 1.44269504088896340736;
  ShiftedExp a;
  a.neg_m = -max;
  a.k = float(kLog2e / t);
  // Keep 15 significant bits of ln2·T so that n·c_hi is exact for |n| <= 2^8.
  float c = float(kLn2 * t);
  uint32_t b;
  std::memcpy(&b, &c, 4);
  b &= ~uint32_t(0x1ff);
  std::memcpy(&a.c_hi, &b, 4);
  a.c_lo = float(kLn2 * t - double(a.c_hi));
  a.inv_t = float(1.0 / t);
  a.lo = float(std::max(-104.0 * t, -double(FLT_MAX)));
  return a;
}

namespace {
// x rounded to 10 significant bits (to nearest, ties away from zero), by its bits.
double round10(double x) {
  uint64_t b;
  std::memcpy(&b, &x, 8);
  b = (b + (uint64_t(1) << 42)) & ~((uint64_t(1) << 43) - 1);
  std::memcpy(&x, &b, 8);
  return x;
}
}  // namespace

const float* sampler_exp2_table() {
  static const struct Table {
    float v[128];
    Table() {
      for (int k = 0; k < 128; ++k) v[k] = float(dexp(0.69314718055994530942 * k / 128));
    }
  } table;
  return table.v;
}

WeightParams make_weight_params(float max, double t) {
  const double kLn2 = 0.69314718055994530942;
  const double kLog2e = 1.44269504088896340736;
  WeightParams a;
  a.neg_m = -max;
  a.kt = float(128 * kLog2e / t);
  double rest = kLn2 * t / 128;
  for (float& c : a.c) {
    const double piece = round10(rest);
    c = float(-piece);
    rest -= piece;
  }
  a.inv_t = float(1.0 / t);
  a.one = float(-t * 0x1p-30);
  a.lo = float(std::max(-80.0 * t, -double(FLT_MAX)));
  a.grid = float(std::max(-31.0 * kLn2 * t, -double(FLT_MAX)));
  a.exp2 = sampler_exp2_table();
  return a;
}

namespace {
const Kernels* best() {
#if defined(__wasm_simd128__)
  return &kernels_wasm_simd128();
#elif defined(__SSE2__)
  return &kernels_sse2();
#else
  return &kernels_scalar();
#endif
}
const Kernels* g_active = nullptr;
}  // namespace

const Kernels& active_kernels() {
  if (!g_active) g_active = best();
  return *g_active;
}

void set_active_backend(Backend b) {
  switch (b) {
#if defined(__SSE2__)
    case Backend::kSse2: g_active = &kernels_sse2(); return;
#endif
#if defined(__wasm_simd128__)
    case Backend::kWasmSimd128: g_active = &kernels_wasm_simd128(); return;
#endif
    default: g_active = &kernels_scalar(); return;
  }
}

Backend active_backend() { return active_kernels().backend; }
Backend best_backend() { return best()->backend; }
bool has_backend(Backend b) { return b == Backend::kScalar || b == best()->backend; }

}  // namespace lk
