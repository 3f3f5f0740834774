// Ranked selection for beam search's short lists (rank.h).
#include "decoding/rank.h"

#include <utility>

namespace lk {

void select_rank(uint32_t* x, size_t lo, size_t at, size_t hi, Rank better) {
  while (hi - lo > 1) {
    uint32_t a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi - 1];
    if (better(b, a)) std::swap(a, b);
    if (better(c, b)) b = better(c, a) ? a : c;
    const uint32_t pivot = b;  // the median of the three
    // Three-way split: better than the pivot, the pivot, worse.
    size_t i = lo;
    for (size_t j = lo; j < hi; ++j)
      if (better(x[j], pivot)) std::swap(x[i++], x[j]);
    size_t p = i;
    while (x[p] != pivot) ++p;
    std::swap(x[i], x[p]);
    if (at == i) return;
    if (at < i) hi = i;
    else lo = i + 1;
  }
}

void rank_first(std::vector<uint32_t>& idx, size_t m, Rank better) {
  const size_t n = idx.size();
  if (m < n) select_rank(idx.data(), 0, m, n, better);  // the m best before idx[m]
  else m = n;
  for (size_t i = 1; i < m; ++i)  // insertion sort of the few
    for (size_t j = i; j > 0 && better(idx[j], idx[j - 1]); --j) std::swap(idx[j], idx[j - 1]);
}

}  // namespace lk
