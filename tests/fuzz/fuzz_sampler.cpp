// Differential fuzzer for the sampler's kept sets: top-k / top-p / min-p
// through sampler_distribution must equal a sort-then-cut reference (ties to
// the lower id), the SSE2 and scalar backends must agree bit for bit, and a
// seeded draw must pick the same token on both. Any disagreement aborts.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/kernels.h"
#include "sampling/sampler.h"

namespace {
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_sampler: %s\n", what);
  std::abort();
}

struct Run {
  lk::Status st;
  std::vector<int32_t> ids;
  std::vector<float> probs;
  int32_t token = -1;
};

Run run(std::vector<float> x, const lk::SamplerConfig& cfg) {
  Run r;
  lk::SamplerWorkspace ws;
  lk::SequenceState seq;
  seq.rng.seed = 7;
  std::vector<int32_t> ids(x.size());
  std::vector<float> probs(x.size());
  size_t count = 0;
  std::vector<float> y = x;
  r.st = lk::sampler_distribution(y.data(), y.size(), cfg, seq, ws, ids.data(), probs.data(), &count);
  r.ids.assign(ids.begin(), ids.begin() + long(count));
  r.probs.assign(probs.begin(), probs.begin() + long(count));
  if (r.st.ok()) {
    lk::SequenceState seq2;
    seq2.rng.seed = 7;
    lk::SampleResult out;
    if (lk::sample_logits(x.data(), x.size(), cfg, seq2, ws, &out).ok()) r.token = out.token;
  }
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  lk::SamplerConfig cfg;
  cfg.top_k = data[0] % 4 == 0 ? 0 : data[1] % 40;
  cfg.top_p = data[2] % 3 == 0 ? 1.0 : (data[3] + 1) / 257.0;
  cfg.min_p = data[4] % 3 == 0 ? 0.0 : data[5] / 1024.0;
  cfg.min_keep = 1 + data[6] % 3;
  cfg.temperature = 1.0;
  // Logits on a coarse grid (many ties) from the rest of the input.
  std::vector<float> x(size - 8);
  for (size_t i = 0; i < x.size(); ++i) x[i] = data[8 + i] == 255 ? -INFINITY : float(int(data[8 + i]) - 128) / 8.0f;
  if (x.empty()) return 0;

  lk::set_active_backend(lk::Backend::kScalar);
  Run a = run(x, cfg);
  lk::set_active_backend(lk::best_backend());
  Run b = run(x, cfg);
  if (a.st.code != b.st.code || a.ids != b.ids || a.token != b.token ||
      (!a.probs.empty() && std::memcmp(a.probs.data(), b.probs.data(), a.probs.size() * 4) != 0))
    fail("SSE2 and scalar differ");
  if (!a.st.ok()) {
    if (a.st.code != lk::StatusCode::kNoTokenLeft) fail("unexpected status");
    return 0;
  }
  // Sort-then-cut reference, in llama.cpp order (top-k, top-p, min-p at T = 1).
  std::vector<int32_t> order;
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i] != -INFINITY) order.push_back(int32_t(i));
  std::stable_sort(order.begin(), order.end(), [&](int32_t p, int32_t q) { return x[p] > x[q]; });
  const size_t keep = size_t(std::max(cfg.min_keep, 1));
  if (cfg.top_k > 0) order.resize(std::min(order.size(), std::max(size_t(cfg.top_k), keep)));
  const float zmax = x[order[0]];
  // Top-p < 1 is compared between backends only (its exact fixed-point rule is
  // checked against a reference by the unit tests); top-k and min-p exactly.
  if (cfg.top_p >= 1) {
    if (cfg.min_p > 0) {
      std::vector<int32_t> kept;
      bool borderline = false;
      for (int32_t i : order) {
        const double w = std::exp(double(x[i]) - zmax);
        borderline |= std::fabs(w - cfg.min_p) <= 1e-6 * cfg.min_p;  // float32 exp may round either way
        if (w >= cfg.min_p) kept.push_back(i);
      }
      if (borderline) return 0;
      if (kept.size() >= keep) order = kept;
      else order.resize(std::min(order.size(), keep));
    }
    std::sort(order.begin(), order.end());
    if (order != a.ids) fail("kept set differs from sort-then-cut");
  }
  if (std::find(a.ids.begin(), a.ids.end(), a.token) == a.ids.end()) fail("drawn token outside the kept set");
  return 0;
}
