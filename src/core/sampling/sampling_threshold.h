// Cheap pre-selection for "the k best of a long row": a threshold guessed
// from a fixed sample of the row, then one vector pass that gathers every
// position at or above it. The caller selects exactly among the gathered
// (and falls back to the whole row if fewer than k were gathered), so the
// guess only ever affects speed, never the result.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/kernels.h"  // ScanGather and the kernels below

namespace lk {

// A value t such that about 2k + 4·n/1024 entries of z are >= t, from
// 1024 evenly spaced entries; NaN when one of those is NaN (no threshold).
// Only meaningful for n >= 4096.
float sample_threshold(const float* z, size_t n, size_t k, std::vector<float>& scratch);

// Writes the positions i (ascending) with z[i] >= t (or NaN: not below t) to out (room for n + 4)
// and returns their count. Kernels (kernels/sampling_kernels.inc): vectorised,
// the same positions on every backend.
inline size_t gather_at_least(const float* z, size_t n, float t, uint32_t* out) {
  return active_kernels().gather_at_least(z, n, t, out);
}

// How many positions gather_at_least(z, n, t) would write (a NaN counts as
// not below t), without writing them. Vectorised.
inline size_t count_at_least(const float* z, size_t n, float t) { return active_kernels().count_at_least(z, n, t); }

// gather_at_least fused with the row's first scan: the maximum and the first
// NaN (as kernels' scan_max reports them: both run kernels/row_scan.inc, so
// the maximum is the same float) and the gathered positions, in one pass
// over z instead of two. With a NaN, only nan_index is meaningful.
inline ScanGather scan_max_gather_at_least(const float* z, size_t n, float t, uint32_t* out) {
  return active_kernels().scan_max_gather_at_least(z, n, t, out);
}

}  // namespace lk
