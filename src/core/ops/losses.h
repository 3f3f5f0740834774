// Losses with PyTorch semantics (torch.nn.functional), from float32 inputs,
// accumulated in float64. Per-element results (reduction kNone) are float32,
// reduced results float64.
//
// Shapes: logits / input / target are row-major [n × c]. Class targets are
// int32 class indices. A NaN in logits/input is kNaN (flat index); a class
// index outside [0, c) that is not ignore_index is kBadLabel (sample index);
// a target probability outside [0, 1] or NaN is kBadProbability (flat
// index); a weight that is negative or not finite is kBadArgument (its index);
// label_smoothing outside [0, 1] is kBadArgument (index 0).
//
// Where PyTorch returns NaN from 0·(−inf) (a zero target probability on a
// −inf logit, a zero weight on a masked class), the term is 0 here: the
// limit, and never a silent NaN. A mean over no element (every target
// ignored, or n = 0) is 0/0 = NaN, as in PyTorch: the one NaN these return.
//
// Accuracy: cross_entropy's log-probabilities come from the float32 exp kernel
// with float64 sums and logs, so each is within 2^-23 absolute of float64; a
// loss is within that times its weights, then accumulated in float64 (0.61 ×
// 2^-23 measured on the adversarial rows of test_losses.cpp). bce_with_logits
// and kl_div are float64 throughout: within 2^-50 of the sum of each element's
// terms' magnitudes (4.6 × 2^-53 measured over float32 bit patterns in
// wasm, against 128-bit long double). Tests
// also compare with float64 PyTorch formulas at 2e-7 relative to max(1, |loss|).
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

enum class Reduction : int32_t { kNone = 0, kMean = 1, kSum = 2, kBatchMean = 3 };

struct ClassLossOptions {
  const float* weight = nullptr;  // [c] class weights (rescaling), or null
  int32_t ignore_index = -100;    // targets equal to this contribute 0 and are not counted
  double label_smoothing = 0.0;   // [0, 1]
  Reduction reduction = Reduction::kMean;
};

// torch.nn.functional.cross_entropy with class-index targets:
//   loss_i = (1−ε)·(−w[y_i]·logp[i, y_i]) + ε/c · (−Σ_k w[k]·logp[i, k]),
//   logp = log_softmax(logits), 0 for ignored samples;
//   mean = Σ loss_i / Σ_{i not ignored} w[y_i] (both terms, as PyTorch).
// per_sample: n floats, written for kNone; *result: the reduced value (kMean/kSum).
Status cross_entropy(const float* logits, size_t n, size_t c, const int32_t* target,
                     const ClassLossOptions& opt, float* per_sample, double* result);

// cross_entropy with probability targets [n × c] (soft labels):
//   t' = t·(1−ε) + ε/c,  loss_i = −Σ_k w[k]·t'[i,k]·logp[i,k];  mean = Σ loss_i / n.
// ignore_index does not apply (as PyTorch).
Status cross_entropy_probs(const float* logits, size_t n, size_t c, const float* target,
                           const ClassLossOptions& opt, float* per_sample, double* result);

// torch.nn.functional.nll_loss on log-probabilities: loss_i = −w[y_i]·input[i, y_i];
// mean = Σ loss_i / Σ_{i not ignored} w[y_i]. label_smoothing must be 0.
Status nll_loss(const float* input, size_t n, size_t c, const int32_t* target, const ClassLossOptions& opt,
                float* per_sample, double* result);

// torch.nn.functional.binary_cross_entropy_with_logits over [n × c]:
//   loss = w·[(1−y)·x + (1 + (pw−1)·y)·softplus(−x)],  softplus(−x) = log1p(e^−|x|) + max(−x, 0),
// stable for |x| up to 1e30. weight: null, [c] (per class, broadcast over rows)
// or [n × c] (weight_len says which); pos_weight: null or [c]. Targets in [0, 1].
// mean = Σ / (n·c). per_element: n·c floats for kNone.
Status bce_with_logits(const float* x, const float* y, size_t n, size_t c, const float* weight, size_t weight_len,
                       const float* pos_weight, Reduction reduction, float* per_element, double* result);

// torch.nn.functional.kl_div(input, target): input holds log-probabilities;
//   log_target = false: target·(log target − input), 0 where target = 0;
//   log_target = true:  exp(target)·(target − input).
// reduction: kNone (n·c floats), kSum, kMean (/ n·c), kBatchMean (/ n).
// Targets (log_target = false) must be probabilities in [0, 1].
Status kl_div(const float* input, const float* target, size_t n, size_t c, bool log_target, Reduction reduction,
              float* per_element, double* result);

}  // namespace lk
