// The generic kernels instantiated on the sse2 vector backend.
#include "kernels.h"
#if defined(__SSE2__)
#include <algorithm>
#include "vec_sse2.h"

namespace lk {
namespace backend_sse2 {
using namespace lk::vec_sse2;
#include "kernels_generic.inc"
}  // namespace backend_sse2

const Kernels& kernels_sse2() {
  static const Kernels k = backend_sse2::make_kernels(Backend::kSse2, "sse2");
  return k;
}
}  // namespace lk
#endif
