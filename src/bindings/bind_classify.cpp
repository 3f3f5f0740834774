// Classification, multi-label, retrieval and diagnostics (topk.h,
// multilabel.h, similarity.h, diagnostics.h).
#include <emscripten/bind.h>

#include "common.h"
#include "classify/diagnostics.h"
#include "classify/multilabel.h"
#include "classify/similarity.h"
#include "ops/topk.h"

using lk_bind::ptr;
using lk_bind::report;

namespace {
int top_k(uintptr_t x, uint32_t rows, uint32_t cols, uint32_t k, double t, uintptr_t index, uintptr_t value,
          uintptr_t prob) {
  return report(lk::top_k(ptr(x), rows, cols, k, t, ptr<int32_t>(index), ptr(value), prob ? ptr(prob) : nullptr));
}
int softplus(uintptr_t x, uintptr_t out, uint32_t n) { return report(lk::softplus(ptr(x), ptr(out), n)); }
int log_sigmoid(uintptr_t x, uintptr_t out, uint32_t n) { return report(lk::log_sigmoid(ptr(x), ptr(out), n)); }
int log1m_sigmoid(uintptr_t x, uintptr_t out, uint32_t n) { return report(lk::log1m_sigmoid(ptr(x), ptr(out), n)); }
int multi_label(uintptr_t x, uint32_t rows, uint32_t cols, uintptr_t thresholds, uint32_t n_thresholds,
                uintptr_t prob, uintptr_t decision) {
  return report(lk::multi_label(ptr(x), rows, cols, ptr<double>(thresholds), n_thresholds, ptr(prob),
                                ptr<uint8_t>(decision)));
}
int similarity(uintptr_t q, uint32_t nq, uintptr_t docs, uint32_t n, uint32_t dim, int metric, double scale,
               uintptr_t out) {
  return report(lk::similarity(ptr(q), nq, ptr(docs), n, dim, lk::Metric(metric), scale, ptr(out)));
}
// kind: one int32 written at `kind`.
int input_kind(uintptr_t row, uint32_t cols, uintptr_t kind) {
  return report(lk::input_kind(ptr(row), cols, ptr<lk::InputKind>(kind)));
}
// summary: 6 float64 (LogitSummary's fields in order).
int diagnose(uintptr_t x, uint32_t rows, uint32_t cols, uintptr_t top, uintptr_t margin, uintptr_t entropy,
             uintptr_t kind, uintptr_t summary) {
  return report(lk::diagnose(ptr(x), rows, cols, ptr<int32_t>(top), ptr(margin), ptr(entropy), ptr<int32_t>(kind),
                             ptr<lk::LogitSummary>(summary)));
}
}  // namespace

EMSCRIPTEN_BINDINGS(classify) {
  emscripten::function("topK", &top_k);
  emscripten::function("softplus", &softplus);
  emscripten::function("logSigmoid", &log_sigmoid);
  emscripten::function("log1mSigmoid", &log1m_sigmoid);
  emscripten::function("multiLabel", &multi_label);
  emscripten::function("similarity", &similarity);
  emscripten::function("inputKind", &input_kind);
  emscripten::function("diagnose", &diagnose);
}
