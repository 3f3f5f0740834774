// Bit-exactness of the classification ops: every backend in this build
// gives the same output bits, and those bits hash to the constants below,
// which this suite checks natively, under ASan and in both wasm modules and
// which tests/js/classify-bitexact.test.mjs checks through the JS API: so
// native x86-64, wasm SIMD and wasm baseline agree bit for bit.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "classify/diagnostics.h"
#include "backend_scope.h"
#include "kernels/kernels.h"
#include "classify/multilabel.h"
#include "classify/similarity.h"
#include "ops/topk.h"

namespace {
// The inputs of tests/js/bitexact.test.mjs: xorshift32 values in [-20, 20).
std::vector<float> inputs(size_t n) {
  uint32_t s = 2463534242u;
  std::vector<float> x(n);
  for (auto& v : x) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    v = float((double(s >> 8) / 16777216.0 - 0.5) * 40.0);
  }
  return x;
}
uint32_t fnv(const void* data, size_t bytes, uint32_t h = 2166136261u) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}
template <class T>
uint32_t fnv(const std::vector<T>& v, uint32_t h = 2166136261u) { return fnv(v.data(), v.size() * sizeof(T), h); }

std::map<std::string, uint32_t> digests() {
  const size_t rows = 3, cols = 4099, n = rows * cols, k = 7, dim = 41, nq = 2, nd = 97;
  std::vector<float> x = inputs(n);
  x[17] = -INFINITY;
  std::map<std::string, uint32_t> d;
  std::vector<int32_t> idx(rows * k);
  std::vector<float> val(rows * k), p(rows * k), out(n);
  lk::top_k(x.data(), rows, cols, k, 0.8, idx.data(), val.data(), p.data());
  d["top_k"] = fnv(p, fnv(val, fnv(idx)));
  lk::softplus(x.data(), out.data(), n);
  d["softplus"] = fnv(out);
  lk::log_sigmoid(x.data(), out.data(), n);
  d["log_sigmoid"] = fnv(out);
  lk::log1m_sigmoid(x.data(), out.data(), n);
  d["log1m_sigmoid"] = fnv(out);
  std::vector<uint8_t> dec(n);
  const double t = 0.3;
  lk::multi_label(x.data(), rows, cols, &t, 1, out.data(), dec.data());
  d["multi_label"] = fnv(dec, fnv(out));
  std::vector<float> sim(nq * nd);
  lk::similarity(x.data() + 100, nq, x.data() + 200, nd, dim, lk::Metric::kDot, 1.0, sim.data());
  d["similarity_dot"] = fnv(sim);
  lk::similarity(x.data() + 100, nq, x.data() + 200, nd, dim, lk::Metric::kCosine, 100.0, sim.data());
  d["similarity_cosine"] = fnv(sim);
  std::vector<int32_t> top(rows);
  std::vector<float> margin(rows), h(rows);
  lk::LogitSummary s;
  lk::diagnose(x.data(), rows, cols, top.data(), margin.data(), h.data(), nullptr, &s);
  d["diagnose"] = fnv(&s, sizeof s, fnv(h, fnv(margin, fnv(top))));  // kind: not a float, tested elsewhere
  return d;
}
}  // namespace

TEST_CASE("classification ops: every backend gives the recorded bits") {
  const std::map<std::string, uint32_t> want = {
      {"top_k", 0x9838329eu}, {"softplus", 0xabf1d69au}, {"log_sigmoid", 0xaffc9376u}, {"log1m_sigmoid", 0x6175a11au}, {"multi_label", 0x41b53e23u},
      {"similarity_dot", 0x24afe42fu}, {"similarity_cosine", 0x829930cfu}, {"diagnose", 0xb4308d16u},
  };
  for (lk::Backend b : {lk::Backend::kScalar, lk::best_backend()}) {
    const lk_test::BackendScope backend(b);
    for (const auto& entry : digests()) {
      char got[64];
      std::snprintf(got, sizeof got, "%s %08x (backend %d)", entry.first.c_str(), entry.second, int(b));
      INFO(got);
      CHECK(entry.second == want.at(entry.first));
    }
  }
}
