// Vector kernels for classification, retrieval and diagnostics, in their own
// table beside kernels.h and instantiated the same way: classify_generic.inc
// is written once against the 4-lane vector API and included per backend
// (classify_scalar.cpp, classify_sse2.cpp, classify_wasm.cpp). Every
// reduction runs in one fixed lane order, so all backends agree bit for bit.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels.h"

namespace lk {

// One pass over a row: the two largest values (as a multiset, so a tied
// maximum gives second == max), the finite range and float64 moments of the
// finite values. ±inf are counted in nonfinite and left out of the sums.
struct RowStats {
  float max;            // largest value, -inf for n = 0
  float second;         // second largest (multiset), -inf when n < 2
  float min_finite;     // +inf when no finite value
  float max_finite;     // -inf when no finite value
  double sum;           // Σ finite x, float64 lanes
  double sum_sq;        // Σ finite x², float64 lanes
  size_t nonfinite;     // number of ±inf
  size_t nan_index;     // first NaN, or SIZE_MAX (the other fields are then unset)
};

struct ClassifyKernels {
  Backend backend;
  // First i in [begin, n) with x[i] > thr or x[i] NaN; n when there is none.
  // The selection scan of top-k: most vectors are rejected by one compare.
  size_t (*next_above)(const float* x, size_t begin, size_t n, float thr);
  // For j < n: dot[j] = q · d_j and (if sq is not null) sq[j] = d_j · d_j,
  // with d_j = docs + j·dim. Float32 products and sums, 16 partial sums per
  // output combined in a fixed order; each output depends only on its row.
  void (*dot_rows)(const float* q, const float* docs, size_t n, size_t dim, float* dot, float* sq);
  RowStats (*row_stats)(const float* x, size_t n);
};

const ClassifyKernels& classify_kernels_scalar();
#if defined(__SSE2__)
const ClassifyKernels& classify_kernels_sse2();
#endif
#if defined(__wasm_simd128__)
const ClassifyKernels& classify_kernels_wasm_simd128();
#endif

// The table matching active_backend() (so tests that switch backends with
// set_active_backend switch these too).
const ClassifyKernels& active_classify_kernels();

}  // namespace lk
