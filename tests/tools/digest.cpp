// Prints an FNV-1a digest of every core op's output bits on fixed inputs.
// tests/js/bitexact.test.mjs computes the same digests through both wasm
// modules: native x86-64, wasm SIMD and wasm baseline must agree bit for bit.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "ops/elementwise.h"
#include "ops/linear.h"
#include "ops/losses.h"
#include "ops/rows.h"

namespace {
uint32_t g_state = 2463534242u;
float next_value() {
  g_state ^= g_state << 13;
  g_state ^= g_state >> 17;
  g_state ^= g_state << 5;
  return float((double(g_state >> 8) / 16777216.0 - 0.5) * 40.0);
}
uint32_t fnv(const void* data, size_t bytes, uint32_t h = 2166136261u) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}
}  // namespace

int main() {
  const size_t rows = 3, cols = 4099, n = rows * cols;
  std::vector<float> x(n), out(n), per_row(rows), absx(n);
  for (auto& v : x) v = next_value();
  x[17] = -INFINITY;
  x[cols + 5] = INFINITY;
  for (size_t i = 0; i < n; ++i) absx[i] = std::fabs(x[i]);
  std::vector<int32_t> am(rows);
  auto emit = [](const char* name, uint32_t h) { std::printf("%s %08x\n", name, h); };
  lk::softmax(x.data(), out.data(), rows, cols, 1.0);
  emit("softmax", fnv(out.data(), n * 4));
  lk::softmax(x.data(), out.data(), rows, cols, 0.7);
  emit("softmax_t0.7", fnv(out.data(), n * 4));
  lk::log_softmax(x.data(), out.data(), rows, cols, 1.3);
  emit("log_softmax_t1.3", fnv(out.data(), n * 4));
  lk::logsumexp(x.data(), per_row.data(), rows, cols, 2.0);
  emit("logsumexp_t2", fnv(per_row.data(), rows * 4));
  lk::entropy(x.data(), per_row.data(), rows, cols, 0.9);
  emit("entropy_t0.9", fnv(per_row.data(), rows * 4));
  lk::argmax(x.data(), am.data(), rows, cols);
  emit("argmax", fnv(am.data(), rows * 4));
  lk::sigmoid(x.data(), out.data(), n);
  emit("sigmoid", fnv(out.data(), n * 4));
  lk::exp(x.data(), out.data(), n);
  emit("exp", fnv(out.data(), n * 4));
  lk::log(absx.data(), out.data(), n);
  emit("log", fnv(out.data(), n * 4));
  std::vector<float> y(rows * 97);
  lk::linear(x.data(), nullptr, x.data() + 97 * 41, y.data(), rows, 41, 97);
  emit("linear", fnv(y.data(), y.size() * 4));
  std::vector<int32_t> labels(rows);
  for (size_t r = 0; r < rows; ++r) labels[r] = int32_t((r * 977) % cols);
  double ce = 0;
  lk::ClassLossOptions smooth;
  smooth.label_smoothing = 0.1;
  std::vector<float> finite_x(x);
  finite_x[cols + 5] = 0.0f;
  lk::cross_entropy(finite_x.data(), rows, cols, labels.data(), smooth, nullptr, &ce);
  emit("cross_entropy", fnv(&ce, 8));
  return 0;
}
