// The generic classification kernels instantiated on the wasm vector backend.
#include "classify_kernels.h"
#if defined(__wasm_simd128__)
#include <algorithm>
#include "vec_wasm.h"

namespace lk {
namespace classify_wasm {
using namespace lk::vec_wasm;
#include "classify_generic.inc"
}  // namespace classify_wasm

const ClassifyKernels& classify_kernels_wasm_simd128() {
  static const ClassifyKernels k = classify_wasm::make_classify_kernels(Backend::kWasmSimd128);
  return k;
}
}  // namespace lk
#endif
