// The sampler's random numbers: Philox4x32-10 (Salmon et al., "Parallel
// Random Numbers: As Easy as 1, 2, 3", SC11; the Random123 reference), used
// as a counter-based generator. Draw number c of stream s under seed k is a
// pure function of (k, s, c):
//
//   block(c / 2) = Philox4x32-10(counter = {lo(c/2), hi(c/2), lo(s), hi(s)},
//                                key     = {lo(k), hi(k)})
//   draw c       = the 53-bit integer (w0 << 21 | w1 >> 11) of that block's
//                  words (w0, w1) for even c and (w2, w3) for odd c,
//   uniform      = draw · 2^-53, in [0, 1) on a grid of 2^-53.
//
// So the whole state is three integers (seed, stream, counter), which
// serialise to JSON and resume exactly, and batch rows given distinct
// streams never depend on one another. Only integer operations: the same
// numbers on every build.
#pragma once
#include <cstdint>

namespace lk {

struct Philox4x32 {
  uint32_t w[4];
};
// One Philox4x32-10 block (Random123 known-answer vectors in the tests).
Philox4x32 philox4x32_10(const uint32_t counter[4], const uint32_t key[2]);

struct SamplingRng {
  uint64_t seed = 0;
  uint64_t stream = 0;
  uint64_t counter = 0;  // number of draws consumed so far

  // Next 53-bit integer in [0, 2^53); advances counter by one.
  uint64_t next_bits53();
  // Next uniform double in [0, 1) with 53 random bits; advances counter by one.
  double next_uniform() { return double(next_bits53()) * 0x1p-53; }
};

}  // namespace lk
