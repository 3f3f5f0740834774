// Beam sampling (HF generate() with do_sample=True and num_beams > 1): the
// warpers HF's _get_logits_processor adds when sampling, applied to a beam's
// processed log-probabilities, and the draw of the K candidates without
// replacement that replaces torch.multinomial (docs/beam-search.md).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sampling/sampling_rng.h"

namespace lk {

struct BeamWarpers {
  double temperature = 1.0;  // finite > 0; 1 = off (TemperatureLogitsWarper: s / T)
  size_t top_k = 0;          // 0 = off (TopKLogitsWarper)
  double top_p = 1.0;        // [0, 1]; 1 = off (TopPLogitsWarper)
  double min_p = 0.0;        // [0, 1]; 0 = off (MinPLogitsWarper)
  size_t min_keep = 1;       // HF's min_tokens_to_keep: max(2, 1 + #EOS) in beam methods
};

// Scratch reused across rows (no allocation after the first row of a size).
struct BeamWarpScratch {
  std::vector<double> e;
  std::vector<uint32_t> idx;
};

// HF's warpers in HF's order (temperature, top-k, top-p, min-p) on one row of
// log-probabilities s[0..v), in place: a removed token becomes -inf.
//  - top-k: k = min(max(top_k, min_keep), v); tokens below the k-th largest
//    value are removed (ties with it stay, as `scores < topk(...)[-1]`).
//  - top-p (< 1): p = softmax(s); in ascending order, tokens whose cumulative
//    probability is <= 1 - top_p are removed, the last min_keep never. Ascending
//    ties are ordered by higher token id first (lower ids are kept first). The
//    cumulative sums are taken over p on a 2^-52 fixed-point grid, so their
//    value is the same in any summation order (the cut costs O(v) expected,
//    without a sort).
//  - min-p (> 0): tokens with p < min_p · max(p) are removed, the min_keep
//    best (value descending, lower id first) never.
// exp is the project's dexp: the same bits on every build.
void beam_warp(double* s, size_t v, const BeamWarpers& w, BeamWarpScratch& scratch);

// K draws without replacement from weights w[0..n) (w >= 0, any number of
// them 0), in draw order, into out[0..k): torch.multinomial(p, k,
// replacement=False)'s own algorithm, an exponential race: entry x gets the key
// w[x] / E_x, E_x = -log(1 - u_x) ~ Exp(1) with u_x = uniform number
// counter + x of rng (its seed and stream), and the draws are the k largest
// keys, largest first. Its law over ordered outcomes is that of sequential
// draws, P(x1..xk) = prod_i w[x_i] / (W - w[x_1] - ... - w[x_{i-1}]).
// Zero-weight entries (key 0, no uniform used) come after every positive one,
// by lower index (torch's topk leaves its p / q = 0 ties unordered). w is
// overwritten by the keys. Requires 1 <= k <= n. O(n + k^2).
void draw_without_replacement(double* w, size_t n, size_t k, SamplingRng rng, uint64_t counter,
                              std::vector<uint32_t>& idx, uint32_t* out);

}  // namespace lk
