// How well a classifier's confidence matches its accuracy, from N samples of
// scores (calibration_input.h) with labels.
//
// Definitions (p = class probabilities of a sample, ŷ = first argmax of p,
// conf = p[ŷ], M = bins, bins (k/M, (k+1)/M], the first also holding 0):
//   accuracy      (1/N) Σ 1[ŷ = y]
//   nll           (1/N) Σ −log p[y]; from logits via the float64 log-normaliser
//                 (never −log of a rounded probability); from probabilities
//                 +inf as soon as one p[y] = 0 (no clipping)
//   brier         (1/N) Σ Σ_c (p[c] − 1[c = y])²; one-column binary input:
//                 (1/N) Σ (p − y)² (sklearn brier_score_loss)
//   ece           Σ_b |B_b|/N · |acc(B_b) − conf(B_b)|, equal-width bins over conf
//                 (Guo et al. 2017)
//   mce           max over non-empty bins of |acc(B_b) − conf(B_b)|
//   adaptive_ece  the same sum over M equal-mass bins: samples sorted by
//                 (conf, index), bin b holds ranks [⌊bN/M⌋, ⌊(b+1)N/M⌋)
//                 (Nixon et al. 2019; Mukhoti et al. 2020 "AdaECE")
//   classwise_ece (1/K) Σ_c Σ_b |B_cb|/N · |freq_c(B_cb) − mean p_c(B_cb)|,
//                 equal-width bins over each class's probability p[c]
//                 (Kull et al. 2019; netcal's marginal ECE)
// All sums in float64 in sample order; bin membership is decided against
// the edges double(k)/double(M), so a confidence equal to an edge belongs to
// the bin below it. Deterministic and identical on every build.
#pragma once
#include <cstddef>
#include <cstdint>

#include "calibration/calibration_input.h"
#include "status.h"

namespace lk {

struct CalibrationMetrics {
  double accuracy, nll, brier, ece, mce, adaptive_ece, classwise_ece;
};

// One equal-width bin of the reliability diagram; confidence and accuracy
// are NaN for an empty bin.
struct ReliabilityBin {
  double count, confidence, accuracy;
};

// Equal-width bin of a value v in [0, 1]: the k with k/M < v <= (k+1)/M (0 for v = 0).
size_t equal_width_bin(double v, size_t bins);

// bins >= 1 (else kBadArgument). diagram: `bins` entries, or null.
// temperature scales logits first (softmax(z / T)); 1 for plain scores.
Status calibration_metrics(const float* x, const int32_t* labels, size_t n, size_t classes, ScoreKind kind,
                           size_t bins, double temperature, CalibrationMetrics* out, ReliabilityBin* diagram);

}  // namespace lk
