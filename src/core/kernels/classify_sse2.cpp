// The generic classification kernels instantiated on the sse2 vector backend.
#include "classify_kernels.h"
#if defined(__SSE2__)
#include <algorithm>
#include "vec_sse2.h"

namespace lk {
namespace classify_sse2 {
using namespace lk::vec_sse2;
#include "classify_generic.inc"
}  // namespace classify_sse2

const ClassifyKernels& classify_kernels_sse2() {
  static const ClassifyKernels k = classify_sse2::make_classify_kernels(Backend::kSse2);
  return k;
}
}  // namespace lk
#endif
