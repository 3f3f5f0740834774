// Scoring given tokens (scoring.h). Totals cross as two doubles: sum, perplexity.
#include <emscripten/bind.h>

#include "common.h"
#include "ops/scoring.h"

using lk_bind::ptr;
using lk_bind::report;

namespace {
int score_tokens(uintptr_t x, uint32_t rows, uint32_t cols, uintptr_t tokens, double t, uint32_t top_n,
                 uintptr_t logprob, uintptr_t rank, uintptr_t entropy, uintptr_t top_index, uintptr_t top_logprob,
                 uintptr_t totals) {
  lk::ScoreTotals s;
  int code = report(lk::score_tokens(ptr(x), rows, cols, ptr<int32_t>(tokens), t, top_n, ptr<double>(logprob),
                                     ptr<int32_t>(rank), entropy ? ptr<double>(entropy) : nullptr,
                                     ptr<int32_t>(top_index), ptr<double>(top_logprob), &s));
  ptr<double>(totals)[0] = s.sum;
  ptr<double>(totals)[1] = s.perplexity;
  return code;
}
}  // namespace

EMSCRIPTEN_BINDINGS(scoring) { emscripten::function("scoreTokens", &score_tokens); }
