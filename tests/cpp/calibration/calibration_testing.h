// Shared by the calibration tests: a seeded generator, synthetic labelled
// logits, and float64 references (NLL, a golden-section search for T, softmax).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace calibration_testing {

struct Lcg {
  uint64_t s;
  double uniform() { s = s * 6364136223846793005ULL + 1442695040888963407ULL; return double(s >> 11) * 0x1p-53; }
  double normal() { double u = uniform() + 1e-300, v = uniform(); return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v); }
  // A draw from softmax(z).
  int32_t categorical(const std::vector<double>& z) {
    double m = *std::max_element(z.begin(), z.end()), s = 0;
    for (double v : z) s += std::exp(v - m);
    double u = uniform() * s;
    for (size_t c = 0; c < z.size(); ++c) { u -= std::exp(z[c] - m); if (u < 0) return int32_t(c); }
    return int32_t(z.size() - 1);
  }
};

struct Data { std::vector<float> z; std::vector<int32_t> y; size_t n, k; };

// Labels drawn from softmax(z); the logits shown are t0·z (overconfident for t0 > 1).
inline Data synthetic(uint64_t seed, size_t n, size_t k, double scale, double t0) {
  Lcg g{seed};
  Data d{{}, {}, n, k};
  std::vector<double> z(k);
  for (size_t i = 0; i < n; ++i) {
    for (auto& v : z) v = g.normal() * scale;
    d.y.push_back(g.categorical(z));
    for (double v : z) d.z.push_back(float(v * t0));
  }
  return d;
}

inline double ref_nll(const Data& d, double t) {
  double s = 0;
  for (size_t i = 0; i < d.n; ++i) {
    double m = -INFINITY, e = 0;
    for (size_t c = 0; c < d.k; ++c) m = std::max(m, double(d.z[i * d.k + c]) / t);
    for (size_t c = 0; c < d.k; ++c) e += std::exp(double(d.z[i * d.k + c]) / t - m);
    s += m + std::log(e) - double(d.z[i * d.k + size_t(d.y[i])]) / t;
  }
  return s / double(d.n);
}

// Golden-section search on log T: independent of the Newton iteration under test.
inline double golden_t(const Data& d, double lo, double hi) {
  const double r = (std::sqrt(5.0) - 1) / 2;
  double a = std::log(lo), b = std::log(hi);
  double c = b - r * (b - a), e = a + r * (b - a);
  double fc = ref_nll(d, std::exp(c)), fe = ref_nll(d, std::exp(e));
  while (b - a > 1e-10) {
    if (fc < fe) { b = e; e = c; fe = fc; c = b - r * (b - a); fc = ref_nll(d, std::exp(c)); }
    else { a = c; c = e; fc = fe; e = a + r * (b - a); fe = ref_nll(d, std::exp(e)); }
  }
  return std::exp((a + b) / 2);
}

inline std::vector<double> ref_probs(const float* row, size_t k) {
  std::vector<double> p(k);
  double m = -INFINITY, s = 0;
  for (size_t c = 0; c < k; ++c) m = std::max(m, double(row[c]));
  for (size_t c = 0; c < k; ++c) s += (p[c] = std::exp(double(row[c]) - m));
  for (auto& v : p) v /= s;
  return p;
}

}  // namespace calibration_testing
