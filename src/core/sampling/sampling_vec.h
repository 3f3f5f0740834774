// The vector backend for the sampler's own loops (sampling_masses.cpp,
// sampling_threshold.cpp): the best one this build has, as namespace `vec`.
// Those loops produce integers or exactly rounded sums, so their results do
// not depend on which backend runs them.
#pragma once

#if defined(__wasm_simd128__)
#include "kernels/vec_wasm.h"
namespace lk { namespace vec = vec_wasm; }
#elif defined(__SSE2__)
#include "kernels/vec_sse2.h"
namespace lk { namespace vec = vec_sse2; }
#else
#include "kernels/vec_scalar.h"
namespace lk { namespace vec = vec_scalar; }
#endif
