// The generic classification kernels instantiated on the scalar vector backend.
#include "classify_kernels.h"
#if 1
#include <algorithm>
#include "vec_scalar.h"

namespace lk {
namespace classify_scalar {
using namespace lk::vec_scalar;
#include "classify_generic.inc"
}  // namespace classify_scalar

const ClassifyKernels& classify_kernels_scalar() {
  static const ClassifyKernels k = classify_scalar::make_classify_kernels(Backend::kScalar);
  return k;
}
}  // namespace lk
#endif
