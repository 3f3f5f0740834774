// Portable 4-lane float / 4-lane int32 / 2-lane double vectors in plain C++.
// Every operation is the IEEE-754 operation the SIMD backends perform, lane
// by lane, so results are bit-identical to vec_sse2.h and vec_wasm.h.
#pragma once
#include <cstdint>
#include <cstring>

namespace lk::vec_scalar {

// vmax on unsorted data is a float select, which engines compile to a
// branch: row scans keep one running maximum per lane group instead.
constexpr bool kBranchFreeMax = false;
// Row scans find NaN through a float sum here (see row_scan.inc).
constexpr bool kIntNanWitness = false;

struct F32x4 { float v[4]; };
struct I32x4 { int32_t v[4]; };
struct F64x2 { double v[2]; };

inline F32x4 load(const float* p) { F32x4 r; std::memcpy(r.v, p, 16); return r; }
inline void store(float* p, F32x4 a) { std::memcpy(p, a.v, 16); }
// Four 32-bit integers at any alignment.
inline I32x4 load_i(const void* p) { I32x4 r; std::memcpy(r.v, p, 16); return r; }
inline void store_i(void* p, I32x4 a) { std::memcpy(p, a.v, 16); }
inline F32x4 splat(float x) { return {{x, x, x, x}}; }

#define LK_LANES4(expr) F32x4 r; for (int i = 0; i < 4; ++i) r.v[i] = (expr); return r
inline F32x4 operator+(F32x4 a, F32x4 b) { LK_LANES4(a.v[i] + b.v[i]); }
inline F32x4 operator-(F32x4 a, F32x4 b) { LK_LANES4(a.v[i] - b.v[i]); }
inline F32x4 operator*(F32x4 a, F32x4 b) { LK_LANES4(a.v[i] * b.v[i]); }
inline F32x4 operator/(F32x4 a, F32x4 b) { LK_LANES4(a.v[i] / b.v[i]); }
// x86 MINPS/MAXPS semantics (a op b ? a : b), which wasm pmin/pmax share.
inline F32x4 vmin(F32x4 a, F32x4 b) { LK_LANES4(a.v[i] < b.v[i] ? a.v[i] : b.v[i]); }
inline F32x4 vmax(F32x4 a, F32x4 b) { LK_LANES4(a.v[i] > b.v[i] ? a.v[i] : b.v[i]); }
#undef LK_LANES4

// Masks: all-ones or all-zero lanes, carried in an I32x4.
#define LK_MASK4(expr) I32x4 r; for (int i = 0; i < 4; ++i) r.v[i] = (expr) ? -1 : 0; return r
// The nearest integer to t, ties to even, for 0 <= t < 2^31 (at and above
// 2^23 every float is an integer already).
inline F32x4 round_even_nonneg(F32x4 t) {
  F32x4 r;
  for (int i = 0; i < 4; ++i) r.v[i] = t.v[i] < 8388608.0f ? (t.v[i] + 8388608.0f) - 8388608.0f : t.v[i];
  return r;
}

inline I32x4 lt(F32x4 a, F32x4 b) { LK_MASK4(a.v[i] < b.v[i]); }
inline I32x4 gt(F32x4 a, F32x4 b) { LK_MASK4(a.v[i] > b.v[i]); }
inline I32x4 eq(F32x4 a, F32x4 b) { LK_MASK4(a.v[i] == b.v[i]); }
inline I32x4 ne(F32x4 a, F32x4 b) { LK_MASK4(a.v[i] != b.v[i]); }
#undef LK_MASK4
inline int movemask(I32x4 m) {
  int r = 0;
  for (int i = 0; i < 4; ++i) r |= (m.v[i] < 0 ? 1 : 0) << i;
  return r;
}

#define LK_ILANES4(expr) I32x4 r; for (int i = 0; i < 4; ++i) r.v[i] = (expr); return r
inline I32x4 splat_i(int32_t x) { return {{x, x, x, x}}; }
inline I32x4 operator+(I32x4 a, I32x4 b) { LK_ILANES4(int32_t(uint32_t(a.v[i]) + uint32_t(b.v[i]))); }
inline I32x4 operator-(I32x4 a, I32x4 b) { LK_ILANES4(int32_t(uint32_t(a.v[i]) - uint32_t(b.v[i]))); }
inline I32x4 operator&(I32x4 a, I32x4 b) { LK_ILANES4(a.v[i] & b.v[i]); }
inline I32x4 operator|(I32x4 a, I32x4 b) { LK_ILANES4(a.v[i] | b.v[i]); }
inline I32x4 andnot(I32x4 a, I32x4 b) { LK_ILANES4(~a.v[i] & b.v[i]); }  // ~a & b
inline I32x4 max_i(I32x4 a, I32x4 b) { LK_ILANES4(a.v[i] > b.v[i] ? a.v[i] : b.v[i]); }  // signed
template <int k> inline I32x4 shl(I32x4 a) { LK_ILANES4(int32_t(uint32_t(a.v[i]) << k)); }
template <int k> inline I32x4 sra(I32x4 a) { LK_ILANES4(a.v[i] >> k); }
template <int k> inline I32x4 srl(I32x4 a) { LK_ILANES4(int32_t(uint32_t(a.v[i]) >> k)); }
// Truncating conversion; callers only pass integral values in int32 range.
inline I32x4 to_int(F32x4 a) { LK_ILANES4(int32_t(a.v[i])); }
#undef LK_ILANES4
inline F32x4 to_float(I32x4 a) { F32x4 r; for (int i = 0; i < 4; ++i) r.v[i] = float(a.v[i]); return r; }
// table[idx] per lane (idx in range).
inline F32x4 gather(const float* table, I32x4 idx) { return {{table[idx.v[0]], table[idx.v[1]], table[idx.v[2]], table[idx.v[3]]}}; }
inline I32x4 bits(F32x4 a) { I32x4 r; std::memcpy(r.v, a.v, 16); return r; }
inline F32x4 from_bits(I32x4 a) { F32x4 r; std::memcpy(r.v, a.v, 16); return r; }
// mask ? a : b, bitwise.
inline F32x4 select(I32x4 mask, F32x4 a, F32x4 b) {
  return from_bits((mask & bits(a)) | andnot(mask, bits(b)));
}

inline F64x2 splat_d(double x) { return {{x, x}}; }
inline F64x2 operator+(F64x2 a, F64x2 b) { return {{a.v[0] + b.v[0], a.v[1] + b.v[1]}}; }
inline F64x2 operator-(F64x2 a, F64x2 b) { return {{a.v[0] - b.v[0], a.v[1] - b.v[1]}}; }
inline F64x2 operator*(F64x2 a, F64x2 b) { return {{a.v[0] * b.v[0], a.v[1] * b.v[1]}}; }
inline F64x2 promote_lo(F32x4 a) { return {{double(a.v[0]), double(a.v[1])}}; }
inline F64x2 promote_hi(F32x4 a) { return {{double(a.v[2]), double(a.v[3])}}; }
inline F32x4 demote(F64x2 lo, F64x2 hi) {
  return {{float(lo.v[0]), float(lo.v[1]), float(hi.v[0]), float(hi.v[1])}};
}

inline float lane(F32x4 a, int i) { return a.v[i]; }
inline double lane(F64x2 a, int i) { return a.v[i]; }
inline int32_t lane_i(I32x4 a, int i) { return a.v[i]; }

}  // namespace lk::vec_scalar
