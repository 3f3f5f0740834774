#include "ops/scalar_math.h"

#include <cstdint>
#include <cstring>

namespace lk {
namespace {
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // high 32 bits of ln2
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInf = __builtin_inf();

uint64_t bits_of(double x) { uint64_t b; std::memcpy(&b, &x, 8); return b; }
double from_bits(uint64_t b) { double x; std::memcpy(&x, &b, 8); return x; }

// 2·atanh(s) = log((1+s)/(1-s)), |s| <= 0.1716: odd series to s^23.
double log_series(double f) {
  double s = f / (2.0 + f);
  double z = s * s;
  double p = 1.0 / 23;
  for (int k = 21; k >= 3; k -= 2) p = p * z + 1.0 / k;
  return 2.0 * s + 2.0 * s * z * p;
}
}  // namespace

double dlog(double x) {
  if (x != x || x < 0) return __builtin_nan("");
  if (x == 0) return -kInf;
  if (x == kInf) return kInf;
  int e = 0;
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984.0; e = -54; }  // 2^54
  uint64_t b = bits_of(x);
  e += int((b >> 52) & 0x7ff) - 1023;
  double m = from_bits((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1, 2)
  if (m > 1.4142135623730951) { m *= 0.5; ++e; }
  double f = m - 1.0;  // exact
  return (e * kLn2Hi + (e * kLn2Lo + log_series(f)));
}

double dlog1p(double u) {
  if (u != u || u < -1) return __builtin_nan("");
  double q = 1.0 + u;
  if (q == 1.0) return u;
  // Goldberg: log(q)·u/(q-1) cancels the rounding of 1 + u.
  return dlog(q) * (u / (q - 1.0));
}

double dexp(double x) {
  if (x != x) return x;
  if (x > 709.8) return kInf;
  if (x < -745.2) return 0.0;
  double n = __builtin_round(x * 1.44269504088896340736);
  double r = (x - n * kLn2Hi) - n * kLn2Lo;  // |r| <= ~0.347
  // Taylor series to r^13 (error < 2^-60 at |r| = 0.347).
  double p = 1.0 / 6227020800.0;
  const double inv_fact[] = {1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880,
                             1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24,
                             1.0 / 6, 0.5, 1.0, 1.0};
  for (double c : inv_fact) p = p * r + c;
  int ni = int(n);
  // 2^n split in two factors so results near overflow and subnormals round once.
  int n1 = ni / 2, n2 = ni - n1;
  return (p * from_bits(uint64_t(n1 + 1023) << 52)) * from_bits(uint64_t(n2 + 1023) << 52);
}

}  // namespace lk
