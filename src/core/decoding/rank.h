// The order every short list of beam search is taken in: torch.topk's values
// descending, ties by the lower index (torch.topk promises no order among
// ties; docs/beam-search.md). One selection serves them all (the candidate
// lists, the running beams, the finished slots, the warpers' cuts), instead
// of a std::sort instantiation per list: the download budget.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lk {

// Entry a ranks before b: key[a] > key[b], then tie[a] < tie[b] (tie null: a < b).
struct Rank {
  const double* key;
  const uint32_t* tie = nullptr;
  bool operator()(uint32_t a, uint32_t b) const {
    return key[a] > key[b] || (key[a] == key[b] && (tie ? tie[a] < tie[b] : a < b));
  }
};

// Puts the entry of rank `at` (0 = best) among idx[lo..hi) at idx[at], the
// better ones before it, the worse after (quickselect with a median-of-three
// pivot, O(hi - lo) expected). Requires lo <= at < hi.
void select_rank(uint32_t* idx, size_t lo, size_t at, size_t hi, Rank rank);

// The m best of idx (all of idx: m >= idx.size()) at idx[0..m), best first. O(n + m^2).
void rank_first(std::vector<uint32_t>& idx, size_t m, Rank rank);

}  // namespace lk
