// Losses (losses.h). Reduced results are written to a double at `result`.
#include <emscripten/bind.h>

#include "common.h"
#include "ops/losses.h"

using lk_bind::ptr;
using lk_bind::report;

namespace {
lk::ClassLossOptions class_options(uintptr_t weight, int32_t ignore_index, double smoothing, int32_t reduction) {
  lk::ClassLossOptions o;
  o.weight = weight ? ptr(weight) : nullptr;
  o.ignore_index = ignore_index;
  o.label_smoothing = smoothing;
  o.reduction = lk::Reduction(reduction);
  return o;
}
int cross_entropy(uintptr_t logits, uint32_t n, uint32_t c, uintptr_t target, uintptr_t weight, int32_t ignore_index,
                  double smoothing, int32_t reduction, uintptr_t per, uintptr_t result) {
  return report(lk::cross_entropy(ptr(logits), n, c, ptr<int32_t>(target),
                                  class_options(weight, ignore_index, smoothing, reduction), ptr(per),
                                  ptr<double>(result)));
}
int cross_entropy_probs(uintptr_t logits, uint32_t n, uint32_t c, uintptr_t target, uintptr_t weight,
                        double smoothing, int32_t reduction, uintptr_t per, uintptr_t result) {
  return report(lk::cross_entropy_probs(ptr(logits), n, c, ptr(target), class_options(weight, -100, smoothing, reduction),
                                        ptr(per), ptr<double>(result)));
}
int nll_loss(uintptr_t input, uint32_t n, uint32_t c, uintptr_t target, uintptr_t weight, int32_t ignore_index,
             int32_t reduction, uintptr_t per, uintptr_t result) {
  return report(lk::nll_loss(ptr(input), n, c, ptr<int32_t>(target), class_options(weight, ignore_index, 0, reduction),
                             ptr(per), ptr<double>(result)));
}
int bce_with_logits(uintptr_t x, uintptr_t y, uint32_t n, uint32_t c, uintptr_t weight, uint32_t weight_len,
                    uintptr_t pos_weight, int32_t reduction, uintptr_t per, uintptr_t result) {
  return report(lk::bce_with_logits(ptr(x), ptr(y), n, c, weight ? ptr(weight) : nullptr, weight_len,
                                    pos_weight ? ptr(pos_weight) : nullptr, lk::Reduction(reduction), ptr(per),
                                    ptr<double>(result)));
}
int kl_div(uintptr_t input, uintptr_t target, uint32_t n, uint32_t c, bool log_target, int32_t reduction,
           uintptr_t per, uintptr_t result) {
  return report(lk::kl_div(ptr(input), ptr(target), n, c, log_target, lk::Reduction(reduction), ptr(per),
                           ptr<double>(result)));
}
}  // namespace

EMSCRIPTEN_BINDINGS(losses) {
  emscripten::function("crossEntropy", &cross_entropy);
  emscripten::function("crossEntropyProbs", &cross_entropy_probs);
  emscripten::function("nllLoss", &nll_loss);
  emscripten::function("bceWithLogits", &bce_with_logits);
  emscripten::function("klDiv", &kl_div);
}
