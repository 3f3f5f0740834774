#include "sampling/sampling_rng.h"

namespace lk {

Philox4x32 philox4x32_10(const uint32_t counter[4], const uint32_t key[2]) {
  constexpr uint64_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = kM0 * c0, p1 = kM1 * c2;
    uint32_t n0 = uint32_t(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = uint32_t(p0 >> 32) ^ c3 ^ k1;
    c1 = uint32_t(p1);
    c3 = uint32_t(p0);
    c0 = n0;
    c2 = n2;
    k0 += kW0;  // the key schedule (the bump after the last round is unused)
    k1 += kW1;
  }
  return Philox4x32{{c0, c1, c2, c3}};
}

uint64_t SamplingRng::next_bits53() {
  const uint64_t block = counter >> 1;
  const uint32_t ctr[4] = {uint32_t(block), uint32_t(block >> 32), uint32_t(stream), uint32_t(stream >> 32)};
  const uint32_t key[2] = {uint32_t(seed), uint32_t(seed >> 32)};
  Philox4x32 r = philox4x32_10(ctr, key);
  const int half = int(counter & 1) * 2;
  ++counter;
  return (uint64_t(r.w[half]) << 21) | (r.w[half + 1] >> 11);
}

}  // namespace lk
