// Writes the sampler weight kernel's inputs and outputs for the WebGPU
// check (tests/webgpu/weights.test.mjs): the WGSL formula must give these
// bits. Native SSE2 gives the bits of wasm SIMD and baseline (the kernel's
// own tests, test_sampler_weight*.cpp, and the digests check that).
//
// Layout, little-endian u32 words: the 128 table entries (float bits); then
// per case: T's float64 as two words (low, high), 8 parameter words (neg_m,
// kt, c[0], c[1], c[2], inv_t, one, lo as float bits), n, then n inputs and
// n outputs (float bits). Cases: every 509th float32 y in [-21.5, 0] at
// T = 1 with max 0, then rows with a nonzero maximum, ties, -inf and the
// maximum itself at several temperatures.
// Usage: lk_weight_vectors <out.bin>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "kernels/kernels.h"
#include "ulp.h"  // tests/cpp: bits_of, float_from_bits

using lk_test::bits_of;
using lk_test::float_from_bits;

namespace {
void put(std::vector<uint32_t>& out, float f) { out.push_back(bits_of(f)); }

void add_case(std::vector<uint32_t>& out, const std::vector<float>& z, float max, double t) {
  const lk::WeightParams a = lk::make_weight_params(max, t);
  uint64_t tb;
  std::memcpy(&tb, &t, 8);
  out.push_back(uint32_t(tb));
  out.push_back(uint32_t(tb >> 32));
  for (float f : {a.neg_m, a.kt, a.c[0], a.c[1], a.c[2], a.inv_t, a.one, a.lo}) put(out, f);
  out.push_back(uint32_t(z.size()));
  std::vector<float> w(z.size());
  lk::active_kernels().sampler_weights(z.data(), z.size(), a, w.data(), false);
  for (float f : z) put(out, f);
  for (float f : w) put(out, f);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lk_weight_vectors <out.bin>\n");
    return 2;
  }
  std::vector<uint32_t> out;
  const float* table = lk::sampler_exp2_table();
  for (int k = 0; k < 128; ++k) put(out, table[k]);

  std::vector<float> z;
  for (uint32_t b = 0x80000000u; b <= bits_of(-21.5f); b += 509) z.push_back(float_from_bits(b));
  add_case(out, z, 0.0f, 1.0);

  // A row around a nonzero maximum: a ramp below it, the maximum, ties, -inf.
  uint32_t s = 2463534242u;
  auto next = [&] {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return double(s) / 4294967296.0;
  };
  for (double t : {0.7, 1.3, 0x1p-20, 3.0, 1000.0, 1e30}) {
    const float max = float(12.5 * t);
    z.assign(1, max);
    z.push_back(max);
    z.push_back(-INFINITY);
    while (z.size() < 200000) z.push_back(float(double(max) - 30.0 * t * next()));
    add_case(out, z, max, t);
  }
  FILE* f = std::fopen(argv[1], "wb");
  if (!f || std::fwrite(out.data(), 4, out.size(), f) != out.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "lk_weight_vectors: cannot write %s\n", argv[1]);
    return 1;
  }
  std::printf("lk_weight_vectors: %zu words\n", out.size());
  return 0;
}
