// Exact selection without sorting: the one top-k (top_k_positions, behind
// ops/topk.h's top_k, the sampler's top-k, mirostat's head and the top
// alternatives) and the prefix cuts behind every sampler filter that cuts a
// ranked list (top-p, typical-p, the minKeep guard).
//
// Candidates are ranked by a 32-bit key, ascending, and equal keys by
// position (the sampler keeps candidate lists in ascending token id, so
// position order is token-id order). A selection returns the cut of the
// ranked list as (key, ties): every element with a smaller key is inside,
// plus the first `ties` elements, by position, whose key equals it. This is
// exactly the prefix that sort-then-cut would produce, found by a three-level
// radix select (11, 11, 10 bits): one histogram pass over all n elements,
// then passes over the one bucket that holds the cut. O(n) whatever the cut
// or the distribution of keys; no sort.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/kernels.h"  // ScanGather and the gather kernels below

namespace lk {

// Rank key for "larger value first": ascending in -z, with -0 == +0.
// (NaN is never passed: the sampler rejects it first.)
inline uint32_t rank_key_desc(float z) {
  uint32_t b;
  std::memcpy(&b, &z, 4);
  if (b == 0x80000000u) b = 0;
  uint32_t asc = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
  return ~asc;
}

// Rank key for "smaller value first" (distances, >= 0 or any sign).
inline uint32_t rank_key_asc(float d) { return ~rank_key_desc(d); }

struct PrefixCut {
  uint32_t key = 0;   // elements with a smaller key are kept
  size_t ties = 0;    // and the first `ties` (by position) whose key equals it
  size_t count = 0;   // total number kept
  // True for the element at the current position, given how many elements
  // with key == this->key were seen before it (the caller's running count).
  bool keeps(uint32_t k, size_t& ties_seen) const {
    const bool tie = k == key;
    const bool kept = (k < key) | (tie & (ties_seen < ties));
    ties_seen += tie;
    return kept;
  }
};

class PrefixSelector {
 public:
  // The first k elements in rank order (k >= n keeps all).
  PrefixCut by_count(const uint32_t* keys, size_t n, size_t k);
  // The elements j whose mass before them in rank order, M_j = sum of
  // mass_of(w_i) over the elements ranked before j, is < need (an integer;
  // sampling_masses.h). need = 0 keeps none; need > the total keeps all.
  PrefixCut by_mass(const uint32_t* keys, const float* w, size_t n, double need);

 private:
  static constexpr size_t kSmall = 64;  // lists up to this long are sorted instead
  template <bool kMass>
  PrefixCut select(const uint32_t* keys, const float* w, size_t n, double need);
  template <bool kMass>
  static PrefixCut select_small(const uint32_t* keys, const float* w, size_t n, double need);
  std::vector<uint32_t> bucket_;  // positions inside the bucket holding the cut
  // Zero between calls: each level clears what it touched, element by
  // element when that is cheaper than clearing all 2048 buckets.
  double mass_[2048] = {};
  uint32_t count_[2048] = {};
};

// Exact integer roundings of p·total for p in [0, 1] (p = 1 returns total):
// no float64 rounding of the product, so cuts defined by them are exact.
uint64_t mul_floor(double p, uint64_t total);
uint64_t mul_ceil(double p, uint64_t total);
// floor(bits53 · 2^-53 · total): the index a uniform draw lands on.
uint64_t scale_draw(uint64_t bits53, uint64_t total);

// ---- Cheap pre-selection for "the k best of a long row" -------------------
// A threshold guessed from a fixed sample of the row, then one vector pass
// that gathers every position at or above it. The caller selects exactly
// among the gathered (and falls back to the whole row if fewer than k were
// gathered), so the guess only ever affects speed, never the result.


// A value t such that about 2k + 4·n/m entries of z are >= t, from m evenly
// spaced entries (m = 1024, or n/4 for a row shorter than 4096); NaN when
// one of those is NaN (no threshold). Meaningful for n >= 64.
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


// ---- The k best -----------------------------------------------------------

// Whether top_k_positions(z, n, k) pre-selects with a sampled threshold.
inline bool uses_sampled_threshold(size_t n, size_t k) { return n >= 64 && k <= n / 16; }

// The positions (ascending) of the first min(k, n) of z[0..n) in rank order
// (larger value first, equal values lower position first: the first k of a
// stable descending sort; -0 == +0), written to pos (room for n + 4); returns
// how many. keys (room for n) and sample are scratch. Without nan_at, z
// holds no NaN; with it, a NaN in z sets *nan_at to the first one's position
// and returns 0 (else *nan_at = SIZE_MAX): the NaN check rides on the
// selection's own pass where it can.
size_t top_k_positions(const float* z, size_t n, size_t k, uint32_t* pos, uint32_t* keys, std::vector<float>& sample,
                       PrefixSelector& selector, size_t* nan_at = nullptr);
// The same among g positions pos[0..g) (ascending) that hold every member
// of the answer (a gather at or below its k-th value): kept in place, in
// ascending order; returns how many.
size_t top_k_of_gathered(const float* z, uint32_t* pos, size_t g, size_t k, uint32_t* keys, PrefixSelector& selector);

}  // namespace lk
