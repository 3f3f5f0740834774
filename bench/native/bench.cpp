// Native timings of the core ops for one V (argv[1]), printed as JSON for
// bench/run.mjs: the reference for what running in wasm costs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "ops/rows.h"

namespace {
struct Stats { double median, p10, p90; };

Stats measure(const std::function<void()>& fn) {
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  int calls = 0;
  while (std::chrono::duration<double, std::milli>(clock::now() - t0).count() < 50) { fn(); ++calls; }
  double per_call_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count() / calls;
  int batch = std::max(1, int(std::ceil(1.0 / per_call_ms)));
  std::vector<double> t;
  for (int s = 0; s < 41; ++s) {
    auto a = clock::now();
    for (int i = 0; i < batch; ++i) fn();
    t.push_back(std::chrono::duration<double, std::micro>(clock::now() - a).count() / batch);
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t[t.size() / 10], t[t.size() * 9 / 10]};
}
}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 128256;
  std::vector<float> x(n), out(n);
  uint32_t s = 7;
  auto u = [&] { s ^= s << 13; s ^= s >> 17; s ^= s << 5; return double(s) / 4294967296.0; };
  for (auto& v : x) v = float(3 * std::sqrt(-2 * std::log(u() + 1e-300)) * std::cos(6.283185307179586 * u()));
  int32_t am;
  std::vector<std::pair<std::string, Stats>> r = {
      {"softmax, in wasm memory", measure([&] { lk::softmax(x.data(), out.data(), 1, n); })},
      {"log-softmax, Float32Array in/out", measure([&] { lk::log_softmax(x.data(), out.data(), 1, n); })},
      {"greedy argmax", measure([&] { lk::argmax(x.data(), &am, 1, n); })},
  };
  std::printf("{");
  for (size_t i = 0; i < r.size(); ++i)
    std::printf("%s\"%s\": {\"median\": %.3f, \"p10\": %.3f, \"p90\": %.3f}", i ? ", " : "", r[i].first.c_str(),
                r[i].second.median, r[i].second.p10, r[i].second.p90);
  std::printf("}\n");
  return 0;
}
