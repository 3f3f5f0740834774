// Picks the classification kernel table that matches the active backend.
#include "classify_kernels.h"

namespace lk {

const ClassifyKernels& active_classify_kernels() {
  switch (active_backend()) {
#if defined(__SSE2__)
    case Backend::kSse2: return classify_kernels_sse2();
#endif
#if defined(__wasm_simd128__)
    case Backend::kWasmSimd128: return classify_kernels_wasm_simd128();
#endif
    default: return classify_kernels_scalar();
  }
}

}  // namespace lk
