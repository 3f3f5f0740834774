// Retrieval logits: the similarity of each query embedding to each of n
// document embeddings, times a scale (CLIP's exp(logit_scale), e.g. 100).
//
//   dot     out[q, j] = scale · (q · d_j)
//   cosine  out[q, j] = scale · (q · d_j) / max(‖q‖·‖d_j‖, 1e-8)
//           (torch.nn.functional.cosine_similarity's eps rule: a zero
//           vector gives 0)
//
// queries: [nq × dim], docs: [n × dim], out: [nq × n], all row-major.
// The dot products and squared norms are float32 sums with 16 partial sums
// in a fixed order (kernels/classify_generic.inc), bit-identical on every backend;
// the scale and the cosine division are applied in float64 and rounded
// once. Error bound: the usual float32 dot product,
// |err| <= dim · 2^-24 · Σ|q_i·d_i| (times scale), plus 1 ULP.
// A non-finite result is traced to its input: kNaN with the flat index of
// a NaN in queries or docs (queries first), kBadArgument with the flat
// index of a ±inf (index into queries when it is there, else
// nq·dim + the index into docs). Finite inputs whose float32 sums
// overflow (a dot product or a norm beyond float32), and cosine entries
// with a squared norm below 2^-100 (whose float32 squares were subnormal),
// get that entry in float64 (exact products, index order): never NaN, ±inf
// only where scale·similarity is beyond float32. scale must be finite (kBadArgument);
// dim = 0 is kEmpty.
#pragma once
#include <cstddef>

#include "status.h"

namespace lk {

enum class Metric : int { kDot = 0, kCosine = 1 };

Status similarity(const float* queries, size_t nq, const float* docs, size_t n, size_t dim, Metric metric,
                  double scale, float* out);

}  // namespace lk
