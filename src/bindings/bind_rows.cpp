// Row-wise and element-wise operations (rows.h, elementwise.h, linear.h).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include "common.h"
#include "ops/elementwise.h"
#include "ops/linear.h"
#include "ops/rows.h"

using lk_bind::ptr;
using lk_bind::report;

namespace {
int softmax(uintptr_t x, uintptr_t out, uint32_t rows, uint32_t cols, double t) {
  return report(lk::softmax(ptr(x), ptr(out), rows, cols, t));
}
int log_softmax(uintptr_t x, uintptr_t out, uint32_t rows, uint32_t cols, double t) {
  return report(lk::log_softmax(ptr(x), ptr(out), rows, cols, t));
}
int logsumexp(uintptr_t x, uintptr_t out, uint32_t rows, uint32_t cols, double t) {
  return report(lk::logsumexp(ptr(x), ptr(out), rows, cols, t));
}
int entropy(uintptr_t x, uintptr_t out, uint32_t rows, uint32_t cols, double t) {
  return report(lk::entropy(ptr(x), ptr(out), rows, cols, t));
}
int sigmoid(uintptr_t x, uintptr_t out, uint32_t n) { return report(lk::sigmoid(ptr(x), ptr(out), n)); }
int logit(uintptr_t p, uintptr_t out, uint32_t n, double eps) {
  return report(lk::logit(ptr(p), ptr(out), n, eps));
}
int linear(uintptr_t w, uintptr_t b, uintptr_t h, uintptr_t out, uint32_t rows, uint32_t in, uint32_t outf) {
  return report(lk::linear(ptr(w), b ? ptr(b) : nullptr, ptr(h), ptr(out), rows, in, outf));
}
void exp(uintptr_t x, uintptr_t out, uint32_t n) { lk::exp(ptr(x), ptr(out), n); }
void log(uintptr_t x, uintptr_t out, uint32_t n) { lk::log(ptr(x), ptr(out), n); }
}  // namespace

// A per-token call (greedy decoding): a plain export, see common.h.
extern "C" EMSCRIPTEN_KEEPALIVE int lk_argmax(uintptr_t x, uintptr_t out, uint32_t rows, uint32_t cols) {
  return report(lk::argmax(ptr(x), ptr<int32_t>(out), rows, cols));
}

EMSCRIPTEN_BINDINGS(rows) {
  emscripten::function("softmax", &softmax);
  emscripten::function("logSoftmax", &log_softmax);
  emscripten::function("logsumexp", &logsumexp);
  emscripten::function("entropy", &entropy);
  emscripten::function("sigmoid", &sigmoid);
  emscripten::function("logit", &logit);
  emscripten::function("linear", &linear);
  emscripten::function("exp", &exp);
  emscripten::function("log", &log);
}
