// What every calibration function takes: N samples of classifier scores with
// N labels, and the checks and float64 probabilities they share.
//
// Scores are a row-major [n × classes] float32 matrix of logits or of
// probabilities. classes = 1 is the binary case: one logit (or probability)
// per sample for class 1, labels in {0, 1}; it is treated as the two-class
// distribution [1 − p, p] with p = σ(z).
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk {

enum class ScoreKind : int32_t { kLogits = 0, kProbabilities = 1 };

// Number of classes the scores describe: 2 when classes = 1, else classes.
inline size_t class_count(size_t classes) { return classes == 1 ? 2 : classes; }

// kEmpty when n = 0 or classes = 0; kNaN (flat index) for a NaN;
// kBadArgument (flat index) for a ±inf logit; kBadProbability (flat index)
// for a probability outside [0, 1]; kBadLabel (sample index) for a label
// outside [0, class_count(classes)). labels may be null (apply: no labels).
Status check_scores(const float* x, const int32_t* labels, size_t n, size_t classes, ScoreKind kind);

// Class probabilities of one sample in float64 (class_count(classes) values):
// softmax(z / T) of logits (σ(z / T) for one column), or the probabilities
// as given. Uses lk::dexp so every build rounds identically. Returns, for
// logits, log Σ exp((z − max)/T) + max/T (the log-normaliser), else 0.
double row_probabilities(const float* row, size_t classes, ScoreKind kind, double temperature, double* p);

}  // namespace lk
