#include "sampling/sampling_masses.h"

#include "sampling/sampling_vec.h"

namespace lk {

double block_masses(const float* w, size_t n, double* blocks) {
  using namespace vec;
  // w · 2^30 is exact in float32 too (w <= 1), and rounding it there gives
  // the integer mass_of gives: no float64 work but the exact sums.
  const F32x4 scale = splat(float(kMassScale));
  double total = 0;
  size_t b = 0, i = 0;
  for (; i + kMassBlock <= n; i += kMassBlock, ++b) {
    F64x2 s0 = splat_d(0.0), s1 = s0;
    for (size_t j = i; j < i + kMassBlock; j += 4) {
      const F32x4 q = round_even_nonneg(load(w + j) * scale);
      s0 = s0 + promote_lo(q);
      s1 = s1 + promote_hi(q);
    }
    // Integers below 2^53: the lane order does not matter.
    blocks[b] = (lane(s0, 0) + lane(s0, 1)) + (lane(s1, 0) + lane(s1, 1));
    total += blocks[b];
  }
  if (i < n) {
    double s = 0;
    for (; i < n; ++i) s += mass_of(w[i]);
    blocks[b] = s;
    total += s;
  }
  return total;
}

size_t draw_position(const float* w, const double* blocks, size_t n, double target) {
  double acc = 0;
  size_t start = 0;
  for (size_t b = 0; start + kMassBlock < n; ++b, start += kMassBlock) {
    if (acc + blocks[b] > target) break;
    acc += blocks[b];
  }
  for (size_t i = start; i < n; ++i) {
    acc += mass_of(w[i]);
    if (acc > target) return i;
  }
  return n - 1;  // unreachable for target < Q; the last position is the safe answer
}

}  // namespace lk
