// Distance in float32 ULPs between a float result and a float64 reference.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace lk_test {

inline double ulp_of(double ref) {
  float f = float(std::fabs(ref));
  if (f == std::numeric_limits<float>::infinity()) f = std::numeric_limits<float>::max();
  float next = std::nextafter(f, std::numeric_limits<float>::infinity());
  double u = double(next) - double(f);
  return u > 0 ? u : std::ldexp(1.0, -149);
}

// |got - ref| in units of the float32 spacing at ref. Equal infinities and
// NaN-for-NaN count as 0; a mismatch in kind counts as infinite.
inline double ulp_error(float got, double ref) {
  if (std::isnan(ref) || std::isnan(got)) return (std::isnan(ref) && std::isnan(got)) ? 0 : INFINITY;
  if (std::isinf(ref) || std::isinf(got)) {
    if (std::isinf(got) && std::isinf(ref) && (got > 0) == (ref > 0)) return 0;
    // float(ref) may overflow where ref is just above FLT_MAX.
    return float(ref) == got ? 0 : INFINITY;
  }
  return std::fabs(double(got) - ref) / ulp_of(ref);
}

inline float float_from_bits(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
inline uint32_t bits_of(float f) { uint32_t b; std::memcpy(&b, &f, 4); return b; }

}  // namespace lk_test
