// The generic kernels instantiated on the scalar vector backend.
#include "kernels.h"
#if 1
#include <algorithm>
#include "vec_scalar.h"

namespace lk {
namespace backend_scalar {
using namespace lk::vec_scalar;
#include "kernels_generic.inc"
}  // namespace backend_scalar

const Kernels& kernels_scalar() {
  static const Kernels k = backend_scalar::make_kernels(Backend::kScalar, "scalar");
  return k;
}
}  // namespace lk
#endif
