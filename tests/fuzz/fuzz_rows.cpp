// Differential fuzzer for the row kernels: the SSE2 and scalar backends must
// agree bit for bit, and both must match a float64 reference within the
// bounds documented in rows.h. Any disagreement aborts.
// Input: bytes → a float32 row (any bit patterns, including NaN, ±inf,
// subnormals), plus a temperature taken from the first 4 bytes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/kernels.h"
#include "ops/rows.h"

namespace {
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_rows: %s\n", what);
  std::abort();
}

struct Outputs {
  lk::Status sm, lsm, lse, h, am;
  std::vector<float> p, lp;
  float lse_v = 0, h_v = 0;
  int32_t am_v = -1;
};

Outputs run(const std::vector<float>& x, double t) {
  Outputs o;
  const size_t n = x.size();
  o.p.assign(n, 0);
  o.lp.assign(n, 0);
  o.sm = lk::softmax(x.data(), o.p.data(), 1, n, t);
  o.lsm = lk::log_softmax(x.data(), o.lp.data(), 1, n, t);
  o.lse = t > 0x1p-64 ? lk::logsumexp(x.data(), &o.lse_v, 1, n, t) : lk::Status::Ok();
  o.h = lk::entropy(x.data(), &o.h_v, 1, n, t);
  o.am = n ? lk::argmax(x.data(), &o.am_v, 1, n) : lk::Status::Ok();
  return o;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}

double ulp_at(double ref) {
  float f = float(std::fabs(ref));
  double u = double(std::nextafter(f, INFINITY)) - double(f);
  return u > 0 ? u : 0x1p-149;
}

double ulps(float got, double ref) {
  float f = float(std::fabs(ref));
  double u = double(std::nextafter(f, INFINITY)) - double(f);
  return std::fabs(double(got) - ref) / (u > 0 ? u : 0x1p-149);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  uint32_t tb;
  std::memcpy(&tb, data, 4);
  const double t = (tb % 4 == 0) ? 0.0 : 0.05 + (tb % 1000) / 100.0;
  std::vector<float> x((size - 4) / 4);
  if (!x.empty()) std::memcpy(x.data(), data + 4, x.size() * 4);
  // Keep magnitudes within the documented range (|x| <= 1e30) except ±inf and NaN.
  for (float& v : x)
    if (std::isfinite(v) && std::fabs(v) > 1e30f) v = std::copysign(1e30f, v);

  lk::set_active_backend(lk::Backend::kScalar);
  Outputs a = run(x, t);
  lk::set_active_backend(lk::best_backend());
  Outputs b = run(x, t);
  if (a.sm.code != b.sm.code || a.lsm.code != b.lsm.code || a.h.code != b.h.code || a.am.code != b.am.code)
    fail("statuses differ between backends");
  if (!a.sm.ok()) {
    bool has_nan = false;
    for (float v : x) has_nan |= v != v;
    if (!has_nan || a.sm.code != lk::StatusCode::kNaN) fail("unexpected error status");
    return 0;
  }
  if (!same_bits(a.p, b.p) || !same_bits(a.lp, b.lp) || std::memcmp(&a.h_v, &b.h_v, 4) || a.am_v != b.am_v ||
      std::memcmp(&a.lse_v, &b.lse_v, 4))
    fail("SSE2 and scalar outputs differ");

  // Float64 reference (finite maximum, T > 0 only; the limits are tested elsewhere).
  double m = -INFINITY;
  for (float v : x) m = std::max(m, double(v));
  if (x.empty() || !std::isfinite(m) || t < 0x1p-64) return 0;
  double s = 0;
  for (float v : x) s += std::exp((double(v) - m) / t);
  double h = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double lp = (double(x[i]) - m) / t - std::log(s);
    double p = std::exp(lp);
    if (p > 0) h -= p * lp;
    // rows.h: 2.5·2^-23 relative (the entry's exp, the sum's, 1/sum) + 0.5 ULP (the product).
    if (p >= 0x1p-126 && std::fabs(double(a.p[i]) - p) > 2.5 * 0x1p-23 * p + 0.500001 * ulp_at(p))
      fail("softmax beyond 2.5·2^-23 relative + 0.5 ULP");
    // rows.h: within 0.5 ULP (the final rounding) + 2^-23 absolute (the sum of float32 exps).
    if (std::isfinite(lp) && std::fabs(a.lp[i] - lp) > 0.500001 * std::max(ulp_at(lp), ulp_at(a.lp[i])) + 0x1p-23) {
      std::fprintf(stderr, "i=%zu x=%g m=%g t=%g got=%.9g ref=%.17g ulps=%g\n", i, double(x[i]), m, t, double(a.lp[i]), lp, ulps(a.lp[i], lp));
      fail("log_softmax beyond 0.5 ULP + 2^-23");
    }
  }
  // rows.h: logsumexp within 0.5 ULP + 2^-23 absolute; entropy within 4e-7 + 2 ULP.
  const double lse = m / t + std::log(s);
  if (std::fabs(double(a.lse_v) - lse) > 0.500001 * ulp_at(lse) + 0x1p-23) fail("logsumexp beyond 0.5 ULP + 2^-23");
  if (std::fabs(double(a.h_v) - h) > 4e-7 + 2 * ulp_at(h)) {
    std::fprintf(stderr, "n=%zu t=%g got=%.9g ref=%.17g\n", x.size(), t, double(a.h_v), h);
    fail("entropy beyond 4e-7 + 2 ULP");
  }
  size_t ref_am = 0;
  for (size_t i = 1; i < x.size(); ++i)
    if (x[i] > x[ref_am]) ref_am = i;
  if (size_t(a.am_v) != ref_am) fail("argmax differs from the reference");
  return 0;
}
