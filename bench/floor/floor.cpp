// The bench's floor row for softmax (issue 17): one wasm SIMD pass computing
// a float32 exp of every x − max (the project's exp polynomial, 0.79 ULP, with
// the exponent added directly: no TwoSum, no subnormal path) and summing it in
// float32, nothing stored. Not part of the package: built by scripts/build.sh
// as build/wasm/lk_floor.wasm, loaded by bench/suite.mjs.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/kernels.h"
#include "kernels/vec_wasm.h"

// The generic kernels in a namespace of their own, as the backends include them.
namespace lk {
namespace floor_backend {
using namespace lk::vec_wasm;
#include "kernels/kernels_generic.inc"
}  // namespace floor_backend
}  // namespace lk

namespace {
using namespace lk::vec_wasm;
using namespace lk::floor_backend;
constexpr size_t kCapacity = size_t(1) << 18;
alignas(16) float row[kCapacity];
}  // namespace

extern "C" {
__attribute__((export_name("row"))) float* floor_row() { return row; }
__attribute__((export_name("capacity"))) size_t floor_capacity() { return kCapacity; }
__attribute__((export_name("exp_sum"))) float floor_exp_sum(size_t n) {
  const float m = k_scan_max(row, n).max;
  const F32x4 neg_m = splat(-m), magic = splat(kRoundMagic);
  F32x4 acc = splat(0.0f);
  for (size_t i = 0; i + 4 <= n; i += 4) {
    const F32x4 s = load(row + i) + neg_m;
    const F32x4 tm = s * splat(kLog2e) + magic;
    const F32x4 nn = tm - magic;
    const F32x4 r = (s - nn * splat(0.693359375f)) - nn * splat(-2.12194440e-4f);
    acc = acc + from_bits(bits(exp_poly(r)) + shl<23>(bits(tm)));
  }
  return (lane(acc, 0) + lane(acc, 1)) + (lane(acc, 2) + lane(acc, 3));
}
}
