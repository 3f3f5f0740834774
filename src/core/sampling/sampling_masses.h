// The probability masses the sampler cuts and draws with: each weight
// w in [0, 1] (relative to the row maximum) in fixed point,
//
//   q(w) = round-to-nearest-even(w · 2^30),  an integer in [0, 2^30],
//
// held in float64, where every sum of up to 2^23 of them is an exact integer
// (< 2^53). So masses add up the same in any order and on every backend:
// top-p and typical-p cuts are exact, and a draw lands on the same token
// everywhere. Tokens with w < 2^-31 carry no mass; otherwise a token's draw
// probability q_i/Q differs from w_i/S by at most 2^-31·(1 + n·p_i)/S.
#pragma once
#include <cstddef>

#include "kernels/kernels.h"  // kMassScale, kMassBlock, mass_of and the block_masses kernel

namespace lk {

// Sums of q over blocks of kMassBlock (64) weights into blocks[0..ceil(n/64));
// returns the total Q. A kernel: vectorised, exact, the same on every backend.
inline double block_masses(const float* w, size_t n, double* blocks) { return active_kernels().block_masses(w, n, blocks); }

// The first position whose running mass exceeds target (0 <= target < Q).
size_t draw_position(const float* w, const double* blocks, size_t n, double target);

}  // namespace lk
