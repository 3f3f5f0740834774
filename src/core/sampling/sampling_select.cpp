#include "sampling/sampling_select.h"

#include "sampling/sampling_masses.h"

namespace lk {
namespace {
constexpr int kShift[3] = {21, 10, 0};
constexpr uint32_t kMask[3] = {0x7ff, 0x7ff, 0x3ff};

using u128 = unsigned __int128;

// p = mant · 2^-e exactly, for p in [0, 1).
void decompose(double p, uint64_t* mant, int* e) {
  uint64_t b;
  std::memcpy(&b, &p, 8);
  const int biased = int(b >> 52) & 0x7ff;
  *mant = b & 0x000fffffffffffffULL;
  if (biased == 0) {
    *e = 1074;
  } else {
    *mant |= uint64_t(1) << 52;
    *e = 1075 - biased;
  }
}

uint64_t shift_right(u128 x, int e, bool ceil) {
  if (e >= 128) return (ceil && x != 0) ? 1 : 0;
  u128 add = ceil ? ((u128(1) << e) - 1) : 0;
  return uint64_t((x + add) >> e);
}

uint64_t mul_round(double p, uint64_t total, bool ceil) {
  if (!(p > 0)) return 0;
  if (p >= 1) return total;
  uint64_t mant;
  int e;
  decompose(p, &mant, &e);
  return shift_right(u128(mant) * total, e, ceil);
}
}  // namespace

uint64_t mul_floor(double p, uint64_t total) { return mul_round(p, total, false); }
uint64_t mul_ceil(double p, uint64_t total) { return mul_round(p, total, true); }
uint64_t scale_draw(uint64_t bits53, uint64_t total) { return uint64_t((u128(bits53) * total) >> 53); }

PrefixCut PrefixSelector::by_count(const uint32_t* keys, size_t n, size_t k) {
  return select<false>(keys, nullptr, n, double(k));
}

PrefixCut PrefixSelector::by_mass(const uint32_t* keys, const float* w, size_t n, double need) {
  return select<true>(keys, w, n, need);
}

// Masses and counts are integers below 2^53 held in float64: sums are exact.
template <bool kMass>
PrefixCut PrefixSelector::select(const uint32_t* keys, const float* w, size_t n, double need) {
  PrefixCut cut;
  if (need <= 0 || n == 0) return cut;  // keeps nothing (key 0, no ties)
  double acc = 0;         // mass (or count) ranked before the current bucket
  size_t acc_count = 0;   // elements ranked before the current bucket
  uint32_t prefix = 0;
  for (int level = 0; level < 3; ++level) {
    const int shift = kShift[level];
    const uint32_t mask = kMask[level];
    // Only buckets in [lo, hi] are touched: the cut search and the clearing
    // stay within them (a short head's keys share most of their high bits).
    uint32_t lo = mask, hi = 0;
    auto add = [&](size_t i) {
      const uint32_t b = (keys[i] >> shift) & mask;
      ++count_[b];
      if (kMass) mass_[b] += mass_of(w[i]);
      lo = b < lo ? b : lo;
      hi = b > hi ? b : hi;
    };
    auto clear = [&](size_t i) {
      const uint32_t b = (keys[i] >> shift) & mask;
      count_[b] = 0;
      mass_[b] = 0;
    };
    const size_t members = level == 0 ? n : bucket_.size();
    if (level == 0) {
      for (size_t i = 0; i < n; ++i) add(i);
    } else {
      for (uint32_t i : bucket_) add(i);
    }
    uint32_t b = lo;
    for (; b <= hi; ++b) {
      const double m = kMass ? mass_[b] : double(count_[b]);
      if (acc + m >= need) break;
      acc += m;
      acc_count += count_[b];
    }
    if (hi - lo < members) {
      std::memset(mass_ + lo, 0, sizeof(double) * (hi - lo + 1));
      std::memset(count_ + lo, 0, sizeof(uint32_t) * (hi - lo + 1));
    } else if (level == 0) {
      for (size_t i = 0; i < n; ++i) clear(i);
    } else {
      for (uint32_t i : bucket_) clear(i);
    }
    if (b > hi) {  // the cut lies past every element (only at level 0)
      cut.key = UINT32_MAX;
      cut.ties = n;
      cut.count = n;
      return cut;
    }
    prefix |= b << shift;
    // Narrow the bucket list to the elements sharing the chosen high bits.
    const uint32_t high = prefix >> shift;
    if (level == 0) {
      bucket_.clear();
      for (size_t i = 0; i < n; ++i)
        if ((keys[i] >> shift) == high) bucket_.push_back(uint32_t(i));
    } else {
      size_t m = 0;
      for (uint32_t i : bucket_)
        if ((keys[i] >> shift) == high) bucket_[m++] = i;
      bucket_.resize(m);
    }
  }
  // bucket_ now holds the elements whose key equals prefix, in position order.
  size_t ties = 0;
  if (kMass) {
    for (uint32_t i : bucket_) {
      if (acc >= need) break;
      acc += mass_of(w[i]);
      ++ties;
    }
  } else {
    ties = size_t(need - acc);
  }
  cut.key = prefix;
  cut.ties = ties;
  cut.count = acc_count + ties;
  return cut;
}

}  // namespace lk
