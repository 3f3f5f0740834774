// 4-lane float / int32 and 2-lane double vectors on WebAssembly simd128.
// Same operations and semantics as vec_scalar.h, bit for bit.
#pragma once
#include <wasm_simd128.h>
#include <cstdint>

namespace lk::vec_wasm {

constexpr bool kBranchFreeMax = true;  // f32x4.pmax
// i32x4.max_s runs beside the float pipes that pmax and add share, so row
// scans test part of their NaN witness in integers (row_scan.inc).
constexpr bool kIntNanWitness = true;

struct F32x4 { v128_t v; };
struct I32x4 { v128_t v; };
struct F64x2 { v128_t v; };

inline F32x4 load(const float* p) { return {wasm_v128_load(p)}; }
inline void store(float* p, F32x4 a) { wasm_v128_store(p, a.v); }
// Four 32-bit integers at any alignment.
inline I32x4 load_i(const void* p) { return {wasm_v128_load(p)}; }
inline void store_i(void* p, I32x4 a) { wasm_v128_store(p, a.v); }
inline F32x4 splat(float x) { return {wasm_f32x4_splat(x)}; }

inline F32x4 operator+(F32x4 a, F32x4 b) { return {wasm_f32x4_add(a.v, b.v)}; }
inline F32x4 operator-(F32x4 a, F32x4 b) { return {wasm_f32x4_sub(a.v, b.v)}; }
inline F32x4 operator*(F32x4 a, F32x4 b) { return {wasm_f32x4_mul(a.v, b.v)}; }
inline F32x4 operator/(F32x4 a, F32x4 b) { return {wasm_f32x4_div(a.v, b.v)}; }
// pmin(b, a) = a < b ? a : b: the x86 MINPS rule.
inline F32x4 vmin(F32x4 a, F32x4 b) { return {wasm_f32x4_pmin(b.v, a.v)}; }
inline F32x4 vmax(F32x4 a, F32x4 b) { return {wasm_f32x4_pmax(b.v, a.v)}; }

// The nearest integer to t, ties to even, for 0 <= t < 2^31 (at and above
// 2^23 every float is an integer already).
inline F32x4 round_even_nonneg(F32x4 t) { return {wasm_f32x4_nearest(t.v)}; }

inline I32x4 lt(F32x4 a, F32x4 b) { return {wasm_f32x4_lt(a.v, b.v)}; }
inline I32x4 gt(F32x4 a, F32x4 b) { return {wasm_f32x4_gt(a.v, b.v)}; }
inline I32x4 eq(F32x4 a, F32x4 b) { return {wasm_f32x4_eq(a.v, b.v)}; }
inline I32x4 ne(F32x4 a, F32x4 b) { return {wasm_f32x4_ne(a.v, b.v)}; }
inline int movemask(I32x4 m) { return int(wasm_i32x4_bitmask(m.v)); }

inline I32x4 splat_i(int32_t x) { return {wasm_i32x4_splat(x)}; }
inline I32x4 operator+(I32x4 a, I32x4 b) { return {wasm_i32x4_add(a.v, b.v)}; }
inline I32x4 operator-(I32x4 a, I32x4 b) { return {wasm_i32x4_sub(a.v, b.v)}; }
inline I32x4 operator&(I32x4 a, I32x4 b) { return {wasm_v128_and(a.v, b.v)}; }
inline I32x4 operator|(I32x4 a, I32x4 b) { return {wasm_v128_or(a.v, b.v)}; }
inline I32x4 andnot(I32x4 a, I32x4 b) { return {wasm_v128_andnot(b.v, a.v)}; }  // ~a & b
inline I32x4 max_i(I32x4 a, I32x4 b) { return {wasm_i32x4_max(a.v, b.v)}; }  // signed
template <int k> inline I32x4 shl(I32x4 a) { return {wasm_i32x4_shl(a.v, k)}; }
template <int k> inline I32x4 sra(I32x4 a) { return {wasm_i32x4_shr(a.v, k)}; }
template <int k> inline I32x4 srl(I32x4 a) { return {wasm_u32x4_shr(a.v, k)}; }
inline I32x4 to_int(F32x4 a) { return {wasm_i32x4_trunc_sat_f32x4(a.v)}; }
inline F32x4 to_float(I32x4 a) { return {wasm_f32x4_convert_i32x4(a.v)}; }
// table[idx] per lane (idx in range): four scalar loads.
inline F32x4 gather(const float* table, I32x4 idx) {
  return {wasm_f32x4_make(table[wasm_i32x4_extract_lane(idx.v, 0)], table[wasm_i32x4_extract_lane(idx.v, 1)],
                          table[wasm_i32x4_extract_lane(idx.v, 2)], table[wasm_i32x4_extract_lane(idx.v, 3)])};
}
inline I32x4 bits(F32x4 a) { return {a.v}; }
inline F32x4 from_bits(I32x4 a) { return {a.v}; }
inline F32x4 select(I32x4 mask, F32x4 a, F32x4 b) { return {wasm_v128_bitselect(a.v, b.v, mask.v)}; }

inline F64x2 splat_d(double x) { return {wasm_f64x2_splat(x)}; }
inline F64x2 operator+(F64x2 a, F64x2 b) { return {wasm_f64x2_add(a.v, b.v)}; }
inline F64x2 operator-(F64x2 a, F64x2 b) { return {wasm_f64x2_sub(a.v, b.v)}; }
inline F64x2 operator*(F64x2 a, F64x2 b) { return {wasm_f64x2_mul(a.v, b.v)}; }
inline F64x2 promote_lo(F32x4 a) { return {wasm_f64x2_promote_low_f32x4(a.v)}; }
inline F64x2 promote_hi(F32x4 a) {
  return {wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(a.v, a.v, 2, 3, 2, 3))};
}
inline F32x4 demote(F64x2 lo, F64x2 hi) {
  return {wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo.v),
                             wasm_f32x4_demote_f64x2_zero(hi.v), 0, 1, 4, 5)};
}

inline float lane(F32x4 a, int i) { alignas(16) float t[4]; wasm_v128_store(t, a.v); return t[i]; }
inline double lane(F64x2 a, int i) { alignas(16) double t[2]; wasm_v128_store(t, a.v); return t[i]; }
inline int32_t lane_i(I32x4 a, int i) { alignas(16) int32_t t[4]; wasm_v128_store(t, a.v); return t[i]; }

}  // namespace lk::vec_wasm
