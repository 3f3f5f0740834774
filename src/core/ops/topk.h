// Top-k classes of each row of a row-major [rows × cols] logit matrix, with
// their softmax probabilities, found by the sampler's exact selection
// (ops/select.h top_k_positions; no sort of the row).
//
// Order: descending logit; equal logits by lower index first (so the result
// is exactly the first k of a stable descending sort). -inf entries are
// masks with probability 0 but can still fill the k slots. A NaN returns
// kNaN with its flat index. k must be in [1, cols] (kBadArgument otherwise);
// cols = 0 with rows > 0 is kEmpty.
//
// Probabilities (when prob is not null) are softmax(x / T) at the chosen
// entries: exp((x - max)/T - log Σ exp((x - max)/T)) in float64 from the
// row's float64 log-normaliser (rows.h row_norm), rounded once: within
// 2^-23 relative (the float32 exps in the normaliser) + 0.5 ULP (the
// rounding) of a float64 reference for outputs >= FLT_MIN, <= 2.5 ULP
// (1.98 ULP measured at the worst case test_topk.cpp finds: rows of one
// value and an outlier, every exp rounding the same way; 0.89 on random
// rows). T follows rows.h
// (T = 0 or a +inf maximum: the maxima share the mass). The order and the
// indices never depend on T.
//
// Cost: O(cols) per row: top_k_positions (for a long row and a short head,
// a gather above a sampled threshold, which also finds a NaN, and a radix
// select among the gathered; otherwise a scan for NaN and a radix select
// over the row), then a sort of the k.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

// index, value: [rows × k]; prob: [rows × k] or null.
Status top_k(const float* x, size_t rows, size_t cols, size_t k, double temperature, int32_t* index,
             float* value, float* prob);

}  // namespace lk
