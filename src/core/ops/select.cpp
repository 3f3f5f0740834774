#include "ops/select.h"

#include <algorithm>
#include <functional>

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

// A short list (a top-k of ten classes, a few candidates left): sorting
// (key, position) pairs costs less than three histogram levels. The same cut.
template <bool kMass>
PrefixCut PrefixSelector::select_small(const uint32_t* keys, const float* w, size_t n, double need) {
  PrefixCut cut;
  if (!kMass) {
    // The cut's key is the k-th smallest key; the ties kept are k minus the smaller keys.
    const size_t kept = need >= double(n) ? n : size_t(need);
    uint32_t copy[kSmall];
    std::memcpy(copy, keys, n * sizeof(uint32_t));
    std::nth_element(copy, copy + (kept - 1), copy + n);
    cut.key = copy[kept - 1];
    size_t below = 0;
    for (size_t i = 0; i < n; ++i) below += keys[i] < cut.key;
    cut.ties = kept - below;
    cut.count = kept;
    return cut;
  }
  uint64_t order[kSmall];  // (key, position): the rank order
  for (size_t i = 0; i < n; ++i) order[i] = (uint64_t(keys[i]) << 32) | i;
  std::sort(order, order + n);
  size_t kept = 0;  // the ranks [0, kept) are in
  for (double before = 0; kept < n && before < need; ++kept) before += mass_of(w[uint32_t(order[kept])]);
  cut.key = uint32_t(order[kept - 1] >> 32);
  size_t below = kept - 1;  // ranks before the first one with the cut's key
  while (below > 0 && uint32_t(order[below - 1] >> 32) == cut.key) --below;
  cut.ties = kept - below;
  cut.count = kept;
  return cut;
}

// Masses and counts are integers below 2^53 held in float64: sums are exact.
template <bool kMass>
PrefixCut PrefixSelector::select(const uint32_t* keys, const float* w, size_t n, double need) {
  PrefixCut cut;
  if (need <= 0 || n == 0) return cut;  // keeps nothing (key 0, no ties)
  if (n <= kSmall) return select_small<kMass>(keys, w, n, need);
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


float sample_threshold(const float* z, size_t n, size_t k, std::vector<float>& scratch) {
  constexpr size_t kShortHead = 32;
  const size_t m = n >= 4096 ? 1024 : n / 4;  // the sample's size
  scratch.resize(m);
  bool nan = false;
  for (size_t i = 0; i < m; ++i) {
    scratch[i] = z[i * n / m];
    nan |= scratch[i] != scratch[i];
  }
  if (nan) return __builtin_nanf("");  // no strict weak order to select with
  // Rank r in the sample stands for about (r + 1)·n/m entries of the row:
  // aim at twice k plus a margin of 4 sample steps (a short gather falls
  // back to the whole row, so the margin trades speed only, never results).
  size_t r = 2 * k * m / n + 4;
  if (r >= m) r = m - 1;
  if (r < kShortHead) {
    // A short head: the r + 1 largest in a sorted list, where most of the
    // sample fails one compare (a threshold, not a result: which of two
    // equal values comes back does not matter).
    float top[kShortHead];
    size_t filled = 0;
    for (size_t i = 0; i < m; ++i) {
      const float v = scratch[i];
      if (filled == r + 1 && !(v > top[r])) continue;
      size_t j = filled < r + 1 ? filled++ : r;
      for (; j > 0 && top[j - 1] < v; --j) top[j] = top[j - 1];
      top[j] = v;
    }
    return top[r];
  }
  std::nth_element(scratch.begin(), scratch.begin() + ptrdiff_t(r), scratch.end(), std::greater<float>());
  return scratch[r];
}


size_t top_k_of_gathered(const float* z, uint32_t* pos, size_t g, size_t k, uint32_t* keys, PrefixSelector& selector) {
  for (size_t j = 0; j < g; ++j) keys[j] = rank_key_desc(z[pos[j]]);
  const PrefixCut cut = selector.by_count(keys, g, k);
  size_t ties_seen = 0, m = 0;
  for (size_t j = 0; j < g; ++j)
    if (cut.keeps(keys[j], ties_seen)) pos[m++] = pos[j];
  return m;
}

size_t top_k_positions(const float* z, size_t n, size_t k, uint32_t* pos, uint32_t* keys, std::vector<float>& sample,
                       PrefixSelector& selector, size_t* nan_at) {
  // A long row and a short head: select among the entries above a sampled
  // threshold when there are enough of them (the exact answer either way).
  // The gather takes every NaN too (a NaN is not below t), in position
  // order: the first NaN gathered is the row's first.
  bool nan_checked = false;
  if (k < n && uses_sampled_threshold(n, k)) {
    const float t = sample_threshold(z, n, k, sample);  // NaN when the sample holds one
    if (t == t) {
      const size_t g = gather_at_least(z, n, t, pos);
      if (nan_at) {
        *nan_at = SIZE_MAX;
        for (size_t j = 0; j < g; ++j) {
          if (z[pos[j]] != z[pos[j]]) {
            *nan_at = pos[j];
            return 0;
          }
        }
        nan_checked = true;
      }
      if (g >= k) return top_k_of_gathered(z, pos, g, k, keys, selector);
    }
  }
  if (nan_at && !nan_checked) {
    *nan_at = active_kernels().scan_max(z, n).nan_index;
    if (*nan_at != SIZE_MAX) return 0;
  }
  // Otherwise the whole row is the gathered set.
  for (size_t i = 0; i < n; ++i) pos[i] = uint32_t(i);
  return k >= n ? n : top_k_of_gathered(z, pos, n, k, keys, selector);
}

}  // namespace lk
