#include "calibration/calibration_metrics.h"

#include <algorithm>
#include <vector>

#include "ops/scalar_math.h"

namespace lk {
namespace {
double abs_diff(double a, double b) { return a > b ? a - b : b - a; }

struct BinSums {
  double count = 0, conf = 0, hits = 0;
  void add(double c, double hit) { count += 1; conf += c; hits += hit; }
  double gap() const { return abs_diff(hits / count, conf / count); }
};

// Σ |B|/n · |acc − conf| over non-empty bins, and the largest gap.
void weighted_gaps(const std::vector<BinSums>& b, double n, double* ece, double* mce) {
  double e = 0, m = 0;
  for (const BinSums& s : b) {
    if (s.count == 0) continue;
    e += s.count / n * s.gap();
    m = s.gap() > m ? s.gap() : m;
  }
  *ece = e;
  if (mce) *mce = m;
}
}  // namespace

size_t equal_width_bin(double v, size_t bins) {
  const double m = double(bins);
  double k = __builtin_ceil(v * m) - 1;
  size_t b = k < 0 ? 0 : (k > m - 1 ? bins - 1 : size_t(k));
  // v·M rounds; settle against the exact edges double(k)/double(M).
  while (b > 0 && v <= double(b) / m) --b;
  while (b + 1 < bins && v > double(b + 1) / m) ++b;
  return b;
}

Status calibration_metrics(const float* x, const int32_t* labels, size_t n, size_t classes, ScoreKind kind,
                           size_t bins, double t, CalibrationMetrics* out, ReliabilityBin* diagram) {
  if (bins == 0) return Status::Error(StatusCode::kBadArgument);
  if (!(t > 0) || t == __builtin_inf()) return Status::Error(StatusCode::kBadTemperature);
  Status st = check_scores(x, labels, n, classes, kind);
  if (!st.ok()) return st;
  const size_t k = class_count(classes);
  std::vector<double> p(k), conf(n);
  std::vector<unsigned char> hit(n);
  std::vector<BinSums> top(bins), per_class(k * bins);
  double correct = 0, nll = 0, brier = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* row = x + i * classes;
    const double log_norm = row_probabilities(row, classes, kind, t, p.data());
    const size_t y = size_t(labels[i]);
    // ŷ from the scores themselves: float64 probabilities of distinct logits
    // can round equal (z = [0, 1e-30]), and argmax / topClasses say class 1.
    size_t best = 0;
    if (kind == ScoreKind::kLogits && classes > 1) {
      for (size_t c = 1; c < k; ++c) best = row[c] > row[best] ? c : best;
    } else if (kind == ScoreKind::kLogits) {
      best = row[0] > 0 ? 1 : 0;
    } else {
      for (size_t c = 1; c < k; ++c) best = p[c] > p[best] ? c : best;
    }
    conf[i] = p[best];
    hit[i] = best == y;
    correct += hit[i];
    if (kind == ScoreKind::kLogits) {
      // −log p[y] = log-normaliser − z_y/T (a one-column input is the logit pair [0, z]).
      const double zy = classes == 1 ? (y == 1 ? double(row[0]) : 0.0) : double(row[y]);
      nll += log_norm - zy / t;
    } else {
      nll -= dlog(p[y]);
    }
    double sq = 0;
    for (size_t c = 0; c < k; ++c) {
      const double d = p[c] - (c == y ? 1.0 : 0.0);
      sq += d * d;
      per_class[c * bins + equal_width_bin(p[c], bins)].add(p[c], c == y);
    }
    brier += classes == 1 ? sq * 0.5 : sq;
    top[equal_width_bin(conf[i], bins)].add(conf[i], hit[i]);
  }
  const double dn = double(n);
  out->accuracy = correct / dn;
  out->nll = nll / dn;
  out->brier = brier / dn;
  weighted_gaps(top, dn, &out->ece, &out->mce);

  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return conf[a] < conf[b] || (conf[a] == conf[b] && a < b); });
  std::vector<BinSums> mass(bins);
  for (size_t b = 0; b < bins; ++b) {
    const uint64_t lo = uint64_t(b) * n / bins, hi = uint64_t(b + 1) * n / bins;
    for (uint64_t r = lo; r < hi; ++r) mass[b].add(conf[order[r]], hit[order[r]]);
  }
  weighted_gaps(mass, dn, &out->adaptive_ece, nullptr);

  double cw = 0;
  for (size_t c = 0; c < k; ++c) {
    double e;
    weighted_gaps(std::vector<BinSums>(per_class.begin() + c * bins, per_class.begin() + (c + 1) * bins), dn, &e, nullptr);
    cw += e;
  }
  out->classwise_ece = cw / double(k);

  if (diagram) {
    for (size_t b = 0; b < bins; ++b) {
      const BinSums& s = top[b];
      const double nan = __builtin_nan("");
      diagram[b] = {s.count, s.count ? s.conf / s.count : nan, s.count ? s.hits / s.count : nan};
    }
  }
  return Status::Ok();
}

}  // namespace lk
