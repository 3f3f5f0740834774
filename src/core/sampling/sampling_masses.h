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

namespace lk {

constexpr double kMassScale = 0x1p30;

inline double mass_of(float w) {
  // Adding and removing 2^52 rounds a value in [0, 2^30] to an integer, nearest-even.
  return (double(w) * kMassScale + 0x1p52) - 0x1p52;
}

constexpr size_t kMassBlock = 64;

// Sums of q over blocks of 64 weights into blocks[0..ceil(n/64)); returns the total Q.
// Vectorised; exact.
double block_masses(const float* w, size_t n, double* blocks);

// The first position whose running mass exceeds target (0 <= target < Q).
size_t draw_position(const float* w, const double* blocks, size_t n, double target);

}  // namespace lk
