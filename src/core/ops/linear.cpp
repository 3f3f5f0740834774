#include "ops/linear.h"

#include "kernels/kernels.h"

namespace lk {

Status linear(const float* w, const float* b, const float* h, float* out, size_t rows,
              size_t in_features, size_t out_features) {
  const Kernels& k = active_kernels();
  // Weight rows outermost: each row of W is read once from memory and reused
  // for every hidden state while it is in cache.
  for (size_t o = 0; o < out_features; ++o) {
    const float* wr = w + o * in_features;
    const float bias = b ? b[o] : 0.0f;
    for (size_t r = 0; r < rows; ++r)
      out[r * out_features + o] = k.dot(wr, h + r * in_features, in_features) + bias;
  }
  return Status::Ok();
}

}  // namespace lk
