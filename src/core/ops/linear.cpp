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
    for (size_t r = 0; r < rows; ++r) {
      const float* hr = h + r * in_features;
      float v = k.dot(wr, hr, in_features) + bias;
      if (!(v - v == 0.0f)) {
        // Non-finite: either an input is (then this is float64's IEEE
        // answer: ±inf, or NaN for inf·0 or inf - inf, as torch.nn.Linear)
        // or float32 partial sums overflowed where the exact value need not
        // (inf - inf = NaN from finite inputs). Recompute in float64, in
        // index order: exact products, no overflow for finite float32 inputs.
        double s = 0;
        for (size_t i = 0; i < in_features; ++i) s += double(wr[i]) * double(hr[i]);
        v = float(s + double(bias));
      }
      out[r * out_features + o] = v;
    }
  }
  return Status::Ok();
}

}  // namespace lk
