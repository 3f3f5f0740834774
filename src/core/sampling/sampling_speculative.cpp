#include "sampling/sampling_speculative.h"

namespace lk {
namespace {

Status check_probabilities(const float* p, size_t n, size_t offset) {
  for (size_t i = 0; i < n; ++i)
    if (!(p[i] >= 0.0f && p[i] <= 1.0f)) return Status::Error(StatusCode::kBadProbability, offset + i);
  return Status::Ok();
}

// Inverse CDF over weights r_j = weight(j) >= 0 in token order: the first j
// whose running sum exceeds u·R. Returns -1 when R = 0.
template <class Weight>
int32_t draw(size_t vocab, double u, Weight weight) {
  double total = 0;
  for (size_t j = 0; j < vocab; ++j) total += weight(j);
  if (total == 0) return -1;
  const double target = u * total;
  double acc = 0;
  int32_t last = -1;
  for (size_t j = 0; j < vocab; ++j) {
    const double r = weight(j);
    if (r == 0) continue;
    acc += r;
    last = int32_t(j);
    if (acc > target) return last;
  }
  return last;  // u·R rounded up to R: the last token with weight
}

}  // namespace

Status speculative_verify(const float* target, const float* draft, const int32_t* draft_tokens, size_t k,
                          size_t vocab, SamplingRng& rng, SpeculativeResult* out) {
  if (vocab == 0) return Status::Error(StatusCode::kEmpty);
  Status st = check_probabilities(target, (k + 1) * vocab, 0);
  if (!st.ok()) return st;
  st = check_probabilities(draft, k * vocab, (k + 1) * vocab);
  if (!st.ok()) return st;
  for (size_t i = 0; i < k; ++i)
    if (draft_tokens[i] < 0 || size_t(draft_tokens[i]) >= vocab) return Status::Error(StatusCode::kBadToken, i);

  SamplingRng r = rng;
  SpeculativeResult res;
  for (size_t i = 0; i <= k; ++i) {
    const float* p = target + i * vocab;
    const double u_test = r.next_uniform(), u_draw = r.next_uniform();
    if (i < k) {
      const float* q = draft + i * vocab;
      const size_t x = size_t(draft_tokens[i]);
      if (u_test * double(q[x]) < double(p[x])) {
        ++res.accepted;
        continue;
      }
      res.token = draw(vocab, u_draw, [&](size_t j) {
        const double d = double(p[j]) - double(q[j]);
        return d > 0 ? d : 0.0;
      });
      if (res.token >= 0) break;  // else p = q: fall through to drawing from p
    }
    res.token = draw(vocab, u_draw, [&](size_t j) { return double(p[j]); });
    if (res.token < 0) return Status::Error(StatusCode::kNoTokenLeft, i);
    break;
  }
  rng = r;
  *out = res;
  return Status::Ok();
}

}  // namespace lk
