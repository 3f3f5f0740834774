// Top-k classes of each row of a row-major [rows × cols] logit matrix, with
// their softmax probabilities, found by one O(cols) selection pass (no sort
// of the row).
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
// 1 ULP of a float64 reference for outputs >= FLT_MIN. T follows rows.h
// (T = 0 or a +inf maximum: the maxima share the mass). The order and the
// indices never depend on T.
//
// Cost: O(cols) per row: a vector compare rejects most of the row against
// the current k-th value; candidates go to a buffer of 2k + 64 entries that
// is cut back to k by nth_element whenever it fills (O(k) per cut, at most
// cols / (k + 64) cuts). Worst case (ascending rows) stays O(cols), no sort cliff.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

// index, value: [rows × k]; prob: [rows × k] or null.
Status top_k(const float* x, size_t rows, size_t cols, size_t k, double temperature, int32_t* index,
             float* value, float* prob);

}  // namespace lk
