// ops/linear.h: W·h + b against float64.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "ops/linear.h"
#include "sampler_testing.h"

using sampler_testing::Lcg;

TEST_CASE("linear: W·h + b against float64") {
  Lcg g{11};
  const size_t in = 37, outf = 53, rows = 3;
  std::vector<float> w(in * outf), b(outf), h(in * rows), y(outf * rows);
  for (auto& v : w) v = float(g.normal());
  for (auto& v : b) v = float(g.normal());
  for (auto& v : h) v = float(g.normal());
  REQUIRE(lk::linear(w.data(), b.data(), h.data(), y.data(), rows, in, outf).ok());
  for (size_t r = 0; r < rows; ++r)
    for (size_t o = 0; o < outf; ++o) {
      double ref = b[o], mag = std::fabs(b[o]);
      for (size_t i = 0; i < in; ++i) {
        ref += double(w[o * in + i]) * h[r * in + i];
        mag += std::fabs(double(w[o * in + i]) * h[r * in + i]);
      }
      CHECK(std::fabs(y[r * outf + o] - ref) <= (in + 1) * 0x1p-24 * mag);
    }
}
