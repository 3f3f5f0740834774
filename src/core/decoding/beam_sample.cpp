// Beam sampling's warpers and draw (semantics in beam_sample.h).
#include "decoding/beam_sample.h"

#include <algorithm>

#include "decoding/rank.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
constexpr double kNegInf = -__builtin_inf();

// Puts the token of rank `at` among idx[lo..hi) at idx[at] (value descending, lower id first).
void select_tokens(std::vector<uint32_t>& idx, size_t lo, size_t at, size_t hi, const double* s) {
  select_rank(idx.data(), lo, at, hi, Rank{s});
}
}  // namespace

void beam_warp(double* s, size_t v, const BeamWarpers& w, BeamWarpScratch& sc) {
  if (w.temperature != 1.0)
    for (size_t t = 0; t < v; ++t) s[t] /= w.temperature;  // -inf stays -inf
  auto& idx = sc.idx;
  idx.resize(v);
  size_t n = 0;
  for (size_t t = 0; t < v; ++t)
    if (s[t] != kNegInf) idx[n++] = uint32_t(t);
  idx.resize(n);
  if (n == 0) return;
  // The best token is never removed (min_keep >= 1): its value m stays the
  // row's maximum, so e = exp(s - m) is computed against it by every warper.
  double m = kNegInf;
  for (uint32_t t : idx) m = std::max(m, s[t]);
  auto cut = [&](size_t kept) {  // the `kept` best stay (at least min_keep), the rest become -inf
    kept = std::max(kept, std::min(w.min_keep, idx.size()));
    if (kept < idx.size()) select_tokens(idx, 0, kept, idx.size(), s);
    for (size_t i = kept; i < idx.size(); ++i) s[idx[i]] = kNegInf;
    idx.resize(kept);
  };
  auto drop_below = [&](bool e_domain, double bar) {  // removes s < bar, or e < bar
    size_t kept = 0;
    for (size_t i = 0; i < idx.size(); ++i)
      if (!((e_domain ? dexp(s[idx[i]] - m) : s[idx[i]]) < bar)) std::swap(idx[kept++], idx[i]);
    cut(kept);
  };
  if (w.top_k > 0) {
    const size_t k = std::min(std::max(w.top_k, w.min_keep), v);
    if (k <= n) {  // below the k-th largest value (ties with it stay)
      select_tokens(idx, 0, k - 1, n, s);
      drop_below(false, s[idx[k - 1]]);
    }
  }
  if (w.top_p < 1.0) {
    double sum = 0;
    sc.e.resize(v);
    double* q = sc.e.data();
    for (uint32_t t : idx) sum += (q[t] = dexp(s[t] - m));
    // p = e / sum on the 2^-52 grid, as integers held in doubles: every
    // partial sum is an integer below 2^53, so exact in any order.
    for (uint32_t t : idx) q[t] = __builtin_floor(q[t] / sum * 0x1p52 + 0.5);
    // The kept tokens are a best-first prefix: token x stays iff the mass of x
    // and every token ranked below it exceeds 1 - top_p. Quickselect on the rank.
    const double thr = (1.0 - w.top_p) * 0x1p52;
    size_t lo = 0, hi = idx.size();
    double below = 0;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      select_tokens(idx, lo, mid, hi, s);
      double lower = 0;
      for (size_t i = mid; i < hi; ++i) lower += q[idx[i]];
      if (below + lower > thr) {
        lo = mid + 1;
      } else {
        below += lower;
        hi = mid;
      }
    }
    cut(lo);
  }
  // min-p: p < min_p · max(p)  <=>  e < min_p (the best token's e is exp(0) = 1).
  if (w.min_p > 0.0) drop_below(true, w.min_p);
}

void draw_without_replacement(double* w, size_t n, size_t k, SamplingRng rng, uint64_t counter,
                              std::vector<uint32_t>& idx, uint32_t* out) {
  idx.resize(n);
  for (size_t x = 0; x < n; ++x) {
    idx[x] = uint32_t(x);
    if (!(w[x] > 0)) continue;
    rng.counter = counter + x;
    w[x] /= -dlog(1.0 - rng.next_uniform());  // w / Exp(1); 1 - u is exact on u's 2^-53 grid
  }
  rank_first(idx, k, Rank{w});  // the K largest keys, in key order: the draw order
  std::copy(idx.begin(), idx.begin() + std::ptrdiff_t(k), out);
}

}  // namespace lk
