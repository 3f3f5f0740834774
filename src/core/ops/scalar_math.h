// Float64 exp, log and log1p for per-row and per-sample scalars (the log of a
// softmax denominator, loss terms). Written here rather than taken from libm
// so that native, wasm-SIMD and wasm-baseline builds round identically.
// Max error (float64 ULP): dlog, dexp <= 2, dlog1p <= 4 over the valid range, far below the
// float32 precision of every result they feed (see tests/cpp/ops/test_elementwise.cpp and tests/cpp/ops/test_scalar_math.cpp).
#pragma once

namespace lk {

// Valid range: all doubles. dlog(0) = -inf, dlog(x<0) = NaN, dlog(inf) = inf.
double dlog(double x);
// log(1 + u) accurate for small u; u >= -1.
double dlog1p(double u);
// Valid range: all doubles; overflows to inf above ~709.78, 0 below ~-745.
double dexp(double x);

}  // namespace lk
