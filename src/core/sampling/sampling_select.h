// Exact prefix selection without sorting, the primitive behind every
// sampler filter that cuts a ranked list (top-k, top-p, typical-p, the
// minKeep guard, top alternatives).
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
  template <bool kMass>
  PrefixCut select(const uint32_t* keys, const float* w, size_t n, double need);
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

}  // namespace lk
