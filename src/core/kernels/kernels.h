// The vector kernels every row operation is built from, behind one table of
// function pointers per backend. All backends run the same generic code
// (kernels_generic.inc) over the same 4-lane vectors and reduce in the same
// fixed lane order, so their outputs are bit-identical; the scalar backend is
// the reference the SIMD ones are tested against.
#pragma once
#include <cstddef>
#include <cstdint>

namespace lk {

enum class Backend : int { kScalar = 0, kSse2 = 1, kWasmSimd128 = 2 };

// Parameters of exp((x - m) / T) evaluated with an exact argument: the
// subtraction is split with TwoSum and the reduction by ln2·T is done in
// extended precision, so the result is within the exp kernel's bound of
// the true exp of the float64 value (x - m) / T.
struct ShiftedExp {
  float neg_m;     // -max
  float k;         // log2(e) / T
  float c_hi;      // ln2·T, top 15 significant bits (n·c_hi is exact)
  float c_lo;      // ln2·T - c_hi
  float inv_t;     // 1 / T
  float lo;        // (x - m) below this gives exp = 0 (also catches -inf)
};
ShiftedExp make_shifted_exp(float max, double temperature);

// Parameters of the sampler's weights exp((x - m)/T) (sampler_weight.inc):
// as accurate as PyTorch's float32 softmax, and the same bits on every build
// and on a GPU that fuses multiply-adds or flushes subnormals.
struct WeightParams {
  float neg_m;     // -max
  float kt;        // 128·log2(e)/T: (x - m)·kt rounded is the table step j
  float c[3];      // -ln2·T/128 in three pieces of 10 significant bits (j·c[i] exact for |j| < 2^14)
  float inv_t;     // 1/T, applied to the reduced argument only
  float one;       // float(-T·2^-30): x - m above it is taken as this (exp rounds to 1 either way)
  float lo;        // float(-80·T): x - m below it (or -inf) gives w = 0
  float grid;      // float(-31·ln2·T): below it, exp((x - m)/T) < 2^-31, the sampler's mass grid
  const float* exp2;  // sampler_exp2_table()
};
// 2^(k/128) for k in [0, 128), correctly rounded to float32 (computed once in
// float64 by lk::dexp: no entry lies within 2^-35 of a rounding boundary).
const float* sampler_exp2_table();
// T in [2^-64, 2^65]: below, the sampler is greedy; above, 1/T and the
// reduction's constants would leave the normal range (the sampler's temperature
// and dynamic range are at most 2^64 each).
WeightParams make_weight_params(float max, double temperature);

struct MaxScan {
  float max;          // -inf for an empty input
  size_t nan_index;   // index of the first NaN, or SIZE_MAX
};

struct ExpSums {
  double sum;         // Σ exp((x - m)/T)
  double sum_ey;      // Σ exp(y)·y with y = (x - m)/T (entropy only)
};

// The sampler's weights (sampling_masses.h) and their float64 sum.
struct WeightScan {
  double sum;         // Σ w in float64 lanes, combined as shifted_exp's sum
  size_t below;       // with skip_below_grid: entries below the grid (-inf included), given weight 0
};

// The sampler's mass grid (sampling/sampling_masses.h explains it): a weight
// w in [0, 1] carries the integer mass round-to-nearest-even(w · 2^30), held
// in float64, summed over blocks of kMassBlock weights.
constexpr double kMassScale = 0x1p30;
constexpr size_t kMassBlock = 64;
inline double mass_of(float w) {
  // Adding and removing 2^52 rounds a value in [0, 2^30] to an integer, nearest-even.
  return (double(w) * kMassScale + 0x1p52) - 0x1p52;
}

// A row's first scan fused with a gather (ops/select.h).
struct ScanGather {
  float max;
  size_t nan_index;  // SIZE_MAX when none
  size_t count;
};

// One pass over a row: the two largest values (as a multiset, so a tied
// maximum gives second == max), the finite range and float64 moments of the
// finite values. ±inf are counted in nonfinite and left out of the sums.
struct RowStats {
  float max;            // largest value, -inf for n = 0
  float second;         // second largest (multiset), -inf when n < 2
  float min_finite;     // +inf when no finite value
  float max_finite;     // -inf when no finite value
  double sum;           // Σ finite x, float64 lanes
  double sum_sq;        // Σ finite x², float64 lanes
  size_t nonfinite;     // number of ±inf
  size_t nan_index;     // first NaN, or SIZE_MAX (the other fields are then unset)
};

struct Argmax {
  size_t index;       // first index of the maximum (SIZE_MAX for n = 0)
  float value;
  size_t nan_index;   // first NaN or SIZE_MAX
};

struct Kernels {
  Backend backend;
  const char* name;
  MaxScan (*scan_max)(const float* x, size_t n);
  // Writes exp((x - m)/T) into out (may alias x; may be null) and returns sums.
  ExpSums (*shifted_exp)(const float* x, size_t n, const ShiftedExp& a, float* out, bool entropy);
  // The sampler's weights (sampler_weight.inc) into w; with skip_below_grid, entries with x - m < a.grid get 0 by a
  // comparison (no exp; four at a time are skipped).
  WeightScan (*sampler_weights)(const float* x, size_t n, const WeightParams& a, float* w, bool skip_below_grid);
  // Σ x in float64 with four partial sums, lane l over the entries i ≡ l (mod 4),
  // combined as (s0 + s1) + (s2 + s3).
  double (*sum_f64)(const float* x, size_t n);
  void (*scale)(float* x, size_t n, float factor);
  // out = float((double(x) - m) * inv_t - sub), computed in float64 lanes.
  void (*shift_scale_sub)(const float* x, size_t n, double m, double inv_t, double sub, float* out);
  // out = sigmoid(x); returns the first NaN index or SIZE_MAX.
  size_t (*sigmoid)(const float* x, size_t n, float* out);
  Argmax (*argmax)(const float* x, size_t n);
  // The sampler's loops (sampling_masses.h, ops/select.h): integer
  // results or exact sums, the same on every backend.
  double (*block_masses)(const float* w, size_t n, double* blocks);
  size_t (*gather_at_least)(const float* z, size_t n, float t, uint32_t* out);
  size_t (*count_at_least)(const float* z, size_t n, float t);
  ScanGather (*scan_max_gather_at_least)(const float* z, size_t n, float t, uint32_t* out);
  // Classification, retrieval and diagnostics (classify_generic.inc).
  // For j < n: dot[j] = q · d_j and (if sq is not null) sq[j] = d_j · d_j,
  // with d_j = docs + j·dim. Float32 products and sums, 16 partial sums per
  // output combined in a fixed order; each output depends only on its row.
  void (*dot_rows)(const float* q, const float* docs, size_t n, size_t dim, float* dot, float* sq);
  RowStats (*row_stats)(const float* x, size_t n);
  // x[t] = -inf where bit t % 32 of words[t / 32] is clear (a grammar's
  // bitmask, XGrammar's layout); all-set words are skipped.
  void (*apply_bitmask)(float* x, size_t n, const uint32_t* words);
  // Σ a_i·b_i with 8 float partial sums combined in a fixed order.
  float (*dot)(const float* a, const float* b, size_t n);
  void (*exp)(const float* x, size_t n, float* out);
  void (*log)(const float* x, size_t n, float* out);
};

const Kernels& kernels_scalar();
#if defined(__SSE2__)
const Kernels& kernels_sse2();
#endif
#if defined(__wasm_simd128__)
const Kernels& kernels_wasm_simd128();
#endif

// The fastest backend this build has. Tests may switch to compare backends.
const Kernels& active_kernels();
Backend best_backend();
bool has_backend(Backend b);
void set_active_backend(Backend b);  // falls back to scalar if not built
Backend active_backend();

}  // namespace lk
