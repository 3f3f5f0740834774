#include "sampling/sampling_threshold.h"

#include <algorithm>
#include <functional>

#include "sampling/sampling_vec.h"

namespace lk {
namespace {
namespace row_scan {
using namespace vec;
#include "kernels/row_scan.inc"
}  // namespace row_scan
}  // namespace

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

namespace {
// Lane offsets of the set bits of each 4-bit mask, for a branch-free append.
const uint8_t kLanes[16][4] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0},
                               {2, 0, 0, 0}, {0, 2, 0, 0}, {1, 2, 0, 0}, {0, 1, 2, 0},
                               {3, 0, 0, 0}, {0, 3, 0, 0}, {1, 3, 0, 0}, {0, 1, 3, 0},
                               {2, 3, 0, 0}, {0, 2, 3, 0}, {1, 2, 3, 0}, {0, 1, 2, 3}};

// Appends base + lane for every set bit of `hits` (4 bits) at out[m]; returns the new m.
inline size_t append_lanes(uint32_t* out, size_t m, uint32_t base, int hits) {
  for (int l = 0; l < 4; ++l) out[m + size_t(l)] = base + kLanes[hits][l];
  return m + size_t(__builtin_popcount(unsigned(hits)));
}

// Appends the positions of 16 entries from i whose below-t masks are b0..b3.
// Entries below t are the common case: a block of them costs one test.
// Inlined: the test runs once per 16 entries in the hottest loops.
__attribute__((always_inline)) inline size_t append_not_below(uint32_t* out, size_t m, size_t i, int b0, int b1, int b2, int b3) {
  if ((b0 & b1 & b2 & b3) == 0xf) return m;
  m = append_lanes(out, m, uint32_t(i), b0 ^ 0xf);
  m = append_lanes(out, m, uint32_t(i + 4), b1 ^ 0xf);
  m = append_lanes(out, m, uint32_t(i + 8), b2 ^ 0xf);
  return append_lanes(out, m, uint32_t(i + 12), b3 ^ 0xf);
}
}  // namespace

size_t gather_at_least(const float* z, size_t n, float t, uint32_t* o) {
  using namespace vec;
  size_t m = 0;
  const F32x4 vt = splat(t);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const int b0 = movemask(lt(load(z + i), vt)), b1 = movemask(lt(load(z + i + 4), vt));
    const int b2 = movemask(lt(load(z + i + 8), vt)), b3 = movemask(lt(load(z + i + 12), vt));
    m = append_not_below(o, m, i, b0, b1, b2, b3);
  }
  for (; i < n; ++i)
    if (z[i] >= t) o[m++] = uint32_t(i);
  return m;
}

size_t count_at_least(const float* z, size_t n, float t) {
  using namespace vec;
  const F32x4 vt = splat(t);
  I32x4 below = splat_i(0);  // per lane, minus the count of entries below t
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    below = below + (lt(load(z + i), vt) + lt(load(z + i + 4), vt)) + (lt(load(z + i + 8), vt) + lt(load(z + i + 12), vt));
  }
  const int64_t below_count = -((int64_t(lane_i(below, 0)) + lane_i(below, 1)) + (int64_t(lane_i(below, 2)) + lane_i(below, 3)));
  size_t count = i - size_t(below_count);
  for (; i < n; ++i) count += !(z[i] < t);
  return count;
}

ScanGather scan_max_gather_at_least(const float* z, size_t n, float t, uint32_t* o) {
  using namespace vec;
  // The maximum and the NaN check are kernels' scan_max itself (row_scan.inc);
  // with a branch-free vmax, a block of 16 whose maximum is below t is skipped
  // after one compare.
  row_scan::RowScan scan;
  const F32x4 vt = splat(t);
  size_t m = 0, i = 0;
  for (; i + 16 <= n; i += 16) {
    const F32x4 a = load(z + i), b = load(z + i + 4), c = load(z + i + 8), d = load(z + i + 12);
    scan.add(a, b, c, d);
    if (kBranchFreeMax && movemask(lt(vmax(vmax(a, b), vmax(c, d)), vt)) == 0xf) continue;
    m = append_not_below(o, m, i, movemask(lt(a, vt)), movemask(lt(b, vt)), movemask(lt(c, vt)), movemask(lt(d, vt)));
  }
  scan.add_rest(z, i, n);
  for (; i < n; ++i)
    if (!(z[i] < t)) o[m++] = uint32_t(i);
  ScanGather r{-__builtin_inff(), scan.first_nan(z, n), m};
  if (r.nan_index == SIZE_MAX) r.max = scan.max();
  return r;
}

}  // namespace lk
