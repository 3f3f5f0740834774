#include "sampling/sampling_threshold.h"

#include <algorithm>
#include <functional>

namespace lk {

float sample_threshold(const float* z, size_t n, size_t k, std::vector<float>& scratch) {
  constexpr size_t kSample = 1024;
  scratch.resize(kSample);
  bool nan = false;
  for (size_t i = 0; i < kSample; ++i) {
    scratch[i] = z[i * n / kSample];
    nan |= scratch[i] != scratch[i];
  }
  if (nan) return __builtin_nanf("");  // no strict weak order to select with
  // Rank r in the sample stands for about (r + 1)·n/1024 entries of the row:
  // aim at twice k plus a margin of 4 sample steps (a short gather falls
  // back to the whole row, so the margin trades speed only, never results).
  size_t r = 2 * k * kSample / n + 4;
  if (r >= kSample) r = kSample - 1;
  std::nth_element(scratch.begin(), scratch.begin() + ptrdiff_t(r), scratch.end(), std::greater<float>());
  return scratch[r];
}

}  // namespace lk
