// The generic kernels instantiated on the wasm-simd128 vector backend.
#include "kernels.h"
#if defined(__wasm_simd128__)
#include <algorithm>
#include "vec_wasm.h"

namespace lk {
namespace backend_wasm {
using namespace lk::vec_wasm;
#include "kernels_generic.inc"
}  // namespace backend_wasm

const Kernels& kernels_wasm_simd128() {
  static const Kernels k = backend_wasm::make_kernels(Backend::kWasmSimd128, "wasm-simd128");
  return k;
}
}  // namespace lk
#endif
