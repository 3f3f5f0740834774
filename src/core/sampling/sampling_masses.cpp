#include "sampling/sampling_masses.h"

namespace lk {

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
