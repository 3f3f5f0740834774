// IEEE-754 binary32 addition and multiplication computed with 32-bit
// unsigned integer operations only (+, −, ×, shifts, comparisons, count
// leading zeros): the operations WGSL defines exactly, with no licence to
// fuse, flush or round to either neighbour. A WGSL port of this file is a
// line-by-line transliteration (u32 in place of uint32_t, i32 in place of
// int32_t, countLeadingZeros for clz32; no 64-bit type is used).
//
// It is the reference the sampler's GPU path rests on (docs/sampler.md): the
// weight formula of src/core/kernels/sampler_weight.inc, evaluated with these
// operations, gives the bits of the shipped kernel on every input
// (test_sampler_weight_soft.cpp), on any implementation that gets integer
// arithmetic right, which every conformant one must.
//
// After Berkeley SoftFloat 3 (f32_add, f32_mul, softfloat_roundPackToF32,
// softfloat_normRoundPackToF32; BSD licence): significands carry the implicit
// bit at bit 30 with 7 round bits below, and shifts right "jam" the bits they
// drop into the lowest bit. Subnormals in and out, ±0, ±∞ and NaN (as the
// quiet 0x7FC00000) are handled. Two rounding modes: to nearest, ties to even
// (IEEE's default, what CPUs and wasm do) and toward zero, a rounding WGSL
// also permits for an inexact result, used by the tests to show the float
// kernel alone would not survive it.
#pragma once
#include <cstdint>

namespace lk_test::softf32 {

enum class Round { kNearestEven, kTowardZero };

constexpr uint32_t kNaN = 0x7FC00000u;

inline uint32_t clz32(uint32_t x) {
  if (x == 0) return 32;
  uint32_t n = 0;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    ++n;
  }
  return n;
}

// a >> dist with every dropped bit ORed into bit 0.
inline uint32_t shift_right_jam(uint32_t a, uint32_t dist) {
  if (dist == 0) return a;
  return dist < 31 ? (a >> dist) | uint32_t((a << (32 - dist)) != 0) : uint32_t(a != 0);
}

// (sign, exponent, significand) to bits; the significand's bit 23, when set,
// carries into the exponent (that is how an implicit bit is added).
inline uint32_t pack(uint32_t sign, int32_t exp, uint32_t sig) { return (sign << 31) + (uint32_t(exp) << 23) + sig; }

// sig: implicit bit at 30, 7 round bits; exp: the result's biased exponent − 1.
inline uint32_t round_pack(uint32_t sign, int32_t exp, uint32_t sig, Round mode) {
  const uint32_t inc = mode == Round::kNearestEven ? 0x40u : 0u;
  uint32_t round_bits = sig & 0x7Fu;
  if (uint32_t(exp) >= 0xFDu) {
    if (exp < 0) {
      sig = shift_right_jam(sig, uint32_t(-exp));
      exp = 0;
      round_bits = sig & 0x7Fu;
    } else if (exp > 0xFD || sig + inc >= 0x80000000u) {
      return pack(sign, 0xFF, 0) - (inc == 0 ? 1u : 0u);  // ∞, or the largest finite toward zero
    }
  }
  sig = (sig + inc) >> 7;
  if (mode == Round::kNearestEven && round_bits == 0x40u) sig &= ~1u;  // a tie: to even
  if (sig == 0) exp = 0;
  return pack(sign, exp, sig);
}

inline uint32_t norm_round_pack(uint32_t sign, int32_t exp, uint32_t sig, Round mode) {
  const uint32_t shift = clz32(sig) - 1;
  exp -= int32_t(shift);
  if (shift >= 7 && uint32_t(exp) < 0xFDu) return pack(sign, sig ? exp : 0, sig << (shift - 7));
  return round_pack(sign, exp, sig << shift, mode);
}

// |a| + |b| with a's sign (a and b of the same sign).
inline uint32_t add_mags(uint32_t a, uint32_t b, Round mode) {
  int32_t exp_a = int32_t((a >> 23) & 0xFFu), exp_b = int32_t((b >> 23) & 0xFFu);
  uint32_t sig_a = a & 0x7FFFFFu, sig_b = b & 0x7FFFFFu;
  const uint32_t sign = a >> 31;
  const int32_t diff = exp_a - exp_b;
  int32_t exp;
  uint32_t sig;
  if (diff == 0) {
    if (exp_a == 0) return a + sig_b;  // both subnormal (or zero): exact, a carry makes it normal
    if (exp_a == 0xFF) return (sig_a | sig_b) ? kNaN : a;
    exp = exp_a;
    sig = 0x01000000u + sig_a + sig_b;
    if (!(sig & 1u) && exp < 0xFE) return pack(sign, exp, sig >> 1);
    sig <<= 6;
  } else {
    sig_a <<= 6;
    sig_b <<= 6;
    if (diff < 0) {
      if (exp_b == 0xFF) return sig_b ? kNaN : pack(sign, 0xFF, 0);
      exp = exp_b;
      sig_a += exp_a ? 0x20000000u : sig_a;
      sig_a = shift_right_jam(sig_a, uint32_t(-diff));
    } else {
      if (exp_a == 0xFF) return sig_a ? kNaN : a;
      exp = exp_a;
      sig_b += exp_b ? 0x20000000u : sig_b;
      sig_b = shift_right_jam(sig_b, uint32_t(diff));
    }
    sig = 0x20000000u + sig_a + sig_b;
    if (sig < 0x40000000u) {
      --exp;
      sig <<= 1;
    }
  }
  return round_pack(sign, exp, sig, mode);
}

// |a| − |b| with a's sign (a and b of opposite signs: a + b).
inline uint32_t sub_mags(uint32_t a, uint32_t b, Round mode) {
  int32_t exp_a = int32_t((a >> 23) & 0xFFu), exp_b = int32_t((b >> 23) & 0xFFu);
  uint32_t sig_a = a & 0x7FFFFFu, sig_b = b & 0x7FFFFFu;
  uint32_t sign = a >> 31;
  int32_t diff = exp_a - exp_b;
  if (diff == 0) {
    if (exp_a == 0xFF) return kNaN;  // ∞ − ∞ or a NaN
    int32_t sig_diff = int32_t(sig_a) - int32_t(sig_b);
    if (sig_diff == 0) return 0;  // an exact zero difference is +0 in both modes
    if (exp_a) --exp_a;
    if (sig_diff < 0) {
      sign ^= 1;
      sig_diff = -sig_diff;
    }
    uint32_t shift = clz32(uint32_t(sig_diff)) - 8;
    int32_t exp = exp_a - int32_t(shift);
    if (exp < 0) {
      shift = uint32_t(exp_a);
      exp = 0;
    }
    return pack(sign, exp, uint32_t(sig_diff) << shift);  // exact
  }
  sig_a <<= 7;
  sig_b <<= 7;
  int32_t exp;
  uint32_t sig_x, sig_y;
  if (diff < 0) {
    sign ^= 1;
    if (exp_b == 0xFF) return sig_b ? kNaN : pack(sign, 0xFF, 0);
    exp = exp_b - 1;
    sig_x = sig_b | 0x40000000u;
    sig_y = sig_a + (exp_a ? 0x40000000u : sig_a);
    diff = -diff;
  } else {
    if (exp_a == 0xFF) return sig_a ? kNaN : a;
    exp = exp_a - 1;
    sig_x = sig_a | 0x40000000u;
    sig_y = sig_b + (exp_b ? 0x40000000u : sig_b);
  }
  return norm_round_pack(sign, exp, sig_x - shift_right_jam(sig_y, uint32_t(diff)), mode);
}

inline uint32_t add(uint32_t a, uint32_t b, Round mode = Round::kNearestEven) {
  return ((a ^ b) >> 31) == 0 ? add_mags(a, b, mode) : sub_mags(a, b, mode);
}
inline uint32_t sub(uint32_t a, uint32_t b, Round mode = Round::kNearestEven) { return add(a, b ^ 0x80000000u, mode); }

// The 64-bit product of two 32-bit values as (high, low) words, from 16-bit halves.
inline void mul_32x32(uint32_t a, uint32_t b, uint32_t* hi, uint32_t* lo) {
  const uint32_t a0 = a & 0xFFFFu, a1 = a >> 16, b0 = b & 0xFFFFu, b1 = b >> 16;
  const uint32_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint32_t mid = (p00 >> 16) + (p01 & 0xFFFFu) + (p10 & 0xFFFFu);  // < 3·2^16: no overflow
  *lo = (mid << 16) | (p00 & 0xFFFFu);
  *hi = p11 + (p01 >> 16) + (p10 >> 16) + (mid >> 16);
}

inline uint32_t mul(uint32_t a, uint32_t b, Round mode = Round::kNearestEven) {
  const uint32_t sign = (a ^ b) >> 31;
  int32_t exp_a = int32_t((a >> 23) & 0xFFu), exp_b = int32_t((b >> 23) & 0xFFu);
  uint32_t sig_a = a & 0x7FFFFFu, sig_b = b & 0x7FFFFFu;
  const bool zero_a = exp_a == 0 && sig_a == 0, zero_b = exp_b == 0 && sig_b == 0;
  if (exp_a == 0xFF || exp_b == 0xFF) {
    if ((exp_a == 0xFF && sig_a) || (exp_b == 0xFF && sig_b)) return kNaN;
    if (zero_a || zero_b) return kNaN;  // ∞ · 0
    return pack(sign, 0xFF, 0);
  }
  if (zero_a || zero_b) return sign << 31;
  if (exp_a == 0) {  // subnormal: normalise
    const uint32_t shift = clz32(sig_a) - 8;
    sig_a <<= shift;
    exp_a = 1 - int32_t(shift);
  }
  if (exp_b == 0) {
    const uint32_t shift = clz32(sig_b) - 8;
    sig_b <<= shift;
    exp_b = 1 - int32_t(shift);
  }
  int32_t exp = exp_a + exp_b - 0x7F;
  sig_a = (sig_a | 0x00800000u) << 7;
  sig_b = (sig_b | 0x00800000u) << 8;
  uint32_t hi, lo;
  mul_32x32(sig_a, sig_b, &hi, &lo);
  uint32_t sig = hi | uint32_t(lo != 0);
  if (sig < 0x40000000u) {
    --exp;
    sig <<= 1;
  }
  return round_pack(sign, exp, sig, mode);
}

// a < b as IEEE compares (false with a NaN; −0 equals +0), on the bits.
inline bool less(uint32_t a, uint32_t b) {
  const bool nan_a = (a & 0x7FFFFFFFu) > 0x7F800000u, nan_b = (b & 0x7FFFFFFFu) > 0x7F800000u;
  if (nan_a || nan_b) return false;
  const bool neg_a = a >> 31, neg_b = b >> 31;
  if (neg_a != neg_b) return neg_a && ((a | b) & 0x7FFFFFFFu) != 0;
  return neg_a ? a > b : a < b;
}

}  // namespace lk_test::softf32
