// The LM head: logits = h · Wᵀ + b (torch.nn.Linear layout).
#pragma once
#include <cstddef>

#include "status.h"

namespace lk {

// w: [out_features × in_features], b: [out_features] or null,
// h: [rows × in_features], out: [rows × out_features] (must not alias h or w).
// Each output is a float32 dot product with 8 partial sums combined in a
// fixed order (same bits on every backend), then + b. Error bound: the usual
// float32 dot product, |err| <= in_features · 2^-24 · Σ|w·h|. An output that
// comes out non-finite is recomputed in float64 (exact products, index
// order): ±inf only where the exact value is beyond float32 or an input is
// infinite, NaN only where float64 gives NaN (a NaN input, inf·0, inf - inf:
// IEEE, as torch.nn.Linear), never from float32 sums that overflow.
Status linear(const float* w, const float* b, const float* h, float* out, size_t rows,
              size_t in_features, size_t out_features);

}  // namespace lk
