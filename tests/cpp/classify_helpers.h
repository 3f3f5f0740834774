// Shared by the classification tests: a seeded generator and row makers.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

namespace lk_test {

struct Rng {
  uint64_t s;
  double uniform() { s = s * 6364136223846793005ULL + 1442695040888963407ULL; return double(s >> 11) * 0x1p-53; }
  double normal() { double u = uniform() + 1e-300, v = uniform(); return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v); }
  std::vector<float> normals(size_t n, double scale) {
    std::vector<float> x(n);
    for (auto& v : x) v = float(normal() * scale);
    return x;
  }
};

}  // namespace lk_test
