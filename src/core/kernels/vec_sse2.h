// 4-lane float / int32 and 2-lane double vectors on x86-64 SSE2 (the native
// build). Same operations and semantics as vec_scalar.h, bit for bit.
#pragma once
#include <emmintrin.h>
#include <cstdint>

namespace lk::vec_sse2 {

constexpr bool kBranchFreeMax = true;  // MAXPS
constexpr bool kIntNanWitness = false;  // SSE2 has no PMAXSD: max_i takes three instructions

struct F32x4 { __m128 v; };
struct I32x4 { __m128i v; };
struct F64x2 { __m128d v; };

inline F32x4 load(const float* p) { return {_mm_loadu_ps(p)}; }
inline void store(float* p, F32x4 a) { _mm_storeu_ps(p, a.v); }
// Four 32-bit integers at any alignment.
inline I32x4 load_i(const void* p) { return {_mm_loadu_si128(static_cast<const __m128i*>(p))}; }
inline void store_i(void* p, I32x4 a) { _mm_storeu_si128(static_cast<__m128i*>(p), a.v); }
inline F32x4 splat(float x) { return {_mm_set1_ps(x)}; }

inline F32x4 operator+(F32x4 a, F32x4 b) { return {_mm_add_ps(a.v, b.v)}; }
inline F32x4 operator-(F32x4 a, F32x4 b) { return {_mm_sub_ps(a.v, b.v)}; }
inline F32x4 operator*(F32x4 a, F32x4 b) { return {_mm_mul_ps(a.v, b.v)}; }
inline F32x4 operator/(F32x4 a, F32x4 b) { return {_mm_div_ps(a.v, b.v)}; }
inline F32x4 vmin(F32x4 a, F32x4 b) { return {_mm_min_ps(a.v, b.v)}; }
inline F32x4 vmax(F32x4 a, F32x4 b) { return {_mm_max_ps(a.v, b.v)}; }

// The nearest integer to t, ties to even, for 0 <= t < 2^31 (at and above
// 2^23 every float is an integer already).
inline F32x4 round_even_nonneg(F32x4 t) {  // no ROUNDPS in SSE2
  const __m128 two23 = _mm_set1_ps(8388608.0f);
  const __m128 small = _mm_cmplt_ps(t.v, two23);
  const __m128 r = _mm_sub_ps(_mm_add_ps(t.v, two23), two23);
  return {_mm_or_ps(_mm_and_ps(small, r), _mm_andnot_ps(small, t.v))};
}

inline I32x4 lt(F32x4 a, F32x4 b) { return {_mm_castps_si128(_mm_cmplt_ps(a.v, b.v))}; }
inline I32x4 gt(F32x4 a, F32x4 b) { return {_mm_castps_si128(_mm_cmpgt_ps(a.v, b.v))}; }
inline I32x4 eq(F32x4 a, F32x4 b) { return {_mm_castps_si128(_mm_cmpeq_ps(a.v, b.v))}; }
inline I32x4 ne(F32x4 a, F32x4 b) { return {_mm_castps_si128(_mm_cmpneq_ps(a.v, b.v))}; }
inline int movemask(I32x4 m) { return _mm_movemask_ps(_mm_castsi128_ps(m.v)); }

inline I32x4 splat_i(int32_t x) { return {_mm_set1_epi32(x)}; }
inline I32x4 operator+(I32x4 a, I32x4 b) { return {_mm_add_epi32(a.v, b.v)}; }
inline I32x4 operator-(I32x4 a, I32x4 b) { return {_mm_sub_epi32(a.v, b.v)}; }
inline I32x4 operator&(I32x4 a, I32x4 b) { return {_mm_and_si128(a.v, b.v)}; }
inline I32x4 operator|(I32x4 a, I32x4 b) { return {_mm_or_si128(a.v, b.v)}; }
inline I32x4 andnot(I32x4 a, I32x4 b) { return {_mm_andnot_si128(a.v, b.v)}; }
inline I32x4 max_i(I32x4 a, I32x4 b) {  // signed
  const __m128i gt = _mm_cmpgt_epi32(a.v, b.v);
  return {_mm_or_si128(_mm_and_si128(gt, a.v), _mm_andnot_si128(gt, b.v))};
}
template <int k> inline I32x4 shl(I32x4 a) { return {_mm_slli_epi32(a.v, k)}; }
template <int k> inline I32x4 sra(I32x4 a) { return {_mm_srai_epi32(a.v, k)}; }
template <int k> inline I32x4 srl(I32x4 a) { return {_mm_srli_epi32(a.v, k)}; }
inline I32x4 to_int(F32x4 a) { return {_mm_cvttps_epi32(a.v)}; }
inline F32x4 to_float(I32x4 a) { return {_mm_cvtepi32_ps(a.v)}; }
// table[idx] per lane (idx in range): four scalar loads.
inline F32x4 gather(const float* table, I32x4 idx) {
  return {_mm_setr_ps(table[_mm_cvtsi128_si32(idx.v)], table[_mm_cvtsi128_si32(_mm_shuffle_epi32(idx.v, 1))],
                      table[_mm_cvtsi128_si32(_mm_shuffle_epi32(idx.v, 2))], table[_mm_cvtsi128_si32(_mm_shuffle_epi32(idx.v, 3))])};
}
inline I32x4 bits(F32x4 a) { return {_mm_castps_si128(a.v)}; }
inline F32x4 from_bits(I32x4 a) { return {_mm_castsi128_ps(a.v)}; }
inline F32x4 select(I32x4 mask, F32x4 a, F32x4 b) {
  return from_bits((mask & bits(a)) | andnot(mask, bits(b)));
}

inline F64x2 splat_d(double x) { return {_mm_set1_pd(x)}; }
inline F64x2 operator+(F64x2 a, F64x2 b) { return {_mm_add_pd(a.v, b.v)}; }
inline F64x2 operator-(F64x2 a, F64x2 b) { return {_mm_sub_pd(a.v, b.v)}; }
inline F64x2 operator*(F64x2 a, F64x2 b) { return {_mm_mul_pd(a.v, b.v)}; }
inline F64x2 promote_lo(F32x4 a) { return {_mm_cvtps_pd(a.v)}; }
inline F64x2 promote_hi(F32x4 a) { return {_mm_cvtps_pd(_mm_movehl_ps(a.v, a.v))}; }
inline F32x4 demote(F64x2 lo, F64x2 hi) {
  return {_mm_movelh_ps(_mm_cvtpd_ps(lo.v), _mm_cvtpd_ps(hi.v))};
}

inline float lane(F32x4 a, int i) { alignas(16) float t[4]; _mm_store_ps(t, a.v); return t[i]; }
inline double lane(F64x2 a, int i) { alignas(16) double t[2]; _mm_store_pd(t, a.v); return t[i]; }
inline int32_t lane_i(I32x4 a, int i) { alignas(16) int32_t t[4]; _mm_store_si128(reinterpret_cast<__m128i*>(t), a.v); return t[i]; }

}  // namespace lk::vec_sse2
