// DRY, "don't repeat yourself" (p-e-w's sampler as llama.cpp implements it
// in `llama_sampler_dry_apply`; semantics in sampler.h). O(window + breakers
// · window): the repeat lengths come from the Z-algorithm run backwards over
// the window, and per-token maxima live in the workspace's zeroed counts.
#include "sampling/sampling_candidates.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {

struct Window {
  const int32_t* end;  // one past the last token
  int32_t from_end(size_t i) const { return end[-1 - std::ptrdiff_t(i)]; }  // 0 = last
};

// The first breaker (head then tail, in order) starting i tokens from the end
// and fitting before the end: returns the longest tail length matched, or -1.
int longest_breaker_at(const SamplerConfig& cfg, const Window& win, size_t i) {
  const int32_t head = win.from_end(i);
  int longest = -1;
  for (size_t b = 0; b + 1 < cfg.dry_breakers_offsets.size; ++b) {
    const int32_t* seq = cfg.dry_breakers.data + cfg.dry_breakers_offsets.data[b];
    const size_t tail = cfg.dry_breakers_offsets.data[b + 1] - cfg.dry_breakers_offsets.data[b] - 1;
    if (seq[0] != head || int(tail) <= longest || tail > i) continue;
    bool match = true;
    for (size_t o = 0; o < tail && match; ++o) match = seq[1 + o] == win.from_end(i - o - 1);
    if (match) longest = int(tail);
  }
  return longest;
}

bool is_single_token_breaker(const SamplerConfig& cfg, int32_t token) {
  for (size_t b = 0; b + 1 < cfg.dry_breakers_offsets.size; ++b)
    if (cfg.dry_breakers_offsets.data[b + 1] - cfg.dry_breakers_offsets.data[b] == 1 &&
        cfg.dry_breakers.data[cfg.dry_breakers_offsets.data[b]] == token)
      return true;
  return false;
}

}  // namespace

void apply_dry(float* logits, const SamplerConfig& cfg, const std::vector<int32_t>& history,
               SamplerWorkspace::Impl& ws) {
  if (cfg.dry_multiplier == 0.0f || cfg.dry_base < 1.0f || cfg.dry_penalty_last_n == 0) return;
  size_t n = history.size();
  if (cfg.dry_penalty_last_n > 0 && size_t(cfg.dry_penalty_last_n) < n) n = size_t(cfg.dry_penalty_last_n);
  const size_t allowed = size_t(cfg.dry_allowed_length);
  if (n <= allowed) return;
  const Window win{history.data() + history.size()};

  // Step 1: repeats may not reach back past the most recent sequence breaker.
  size_t rep_limit = n;
  for (size_t i = 0; i < n; ++i) {
    const int longest = longest_breaker_at(cfg, win, i);
    if (longest >= 0) {
      rep_limit = i - size_t(longest);
      break;
    }
  }
  if (rep_limit < allowed) return;

  // Step 2: repeat[last - k] = length (capped) of the longest suffix of the
  // window that also ends k tokens before its end: Z-algorithm on the reversal.
  std::vector<uint32_t>& repeat = ws.dry_repeat;
  repeat.assign(n, 0);
  const size_t last = n - 1;
  auto capped = [&](size_t len) { return uint32_t(len < rep_limit ? len : rep_limit); };
  size_t lt = 0, rt = 0;
  for (size_t k = 1; k < n; ++k) {
    if (k > rt) {
      size_t len = 0;
      while (len + k < n && win.from_end(len) == win.from_end(len + k)) ++len;
      repeat[last - k] = capped(len);
      if (len > 0) {
        lt = k;
        rt = k + len - 1;
      }
    } else {
      const size_t p = k - lt, right = rt - k + 1;
      if (repeat[last - p] < right) {
        repeat[last - k] = capped(repeat[last - p]);
      } else {
        size_t i = rt + 1;
        while (i < n && win.from_end(i) == win.from_end(i - k)) ++i;
        repeat[last - k] = capped(i - k);
        lt = k;
        rt = i - 1;
      }
    }
  }

  // Step 3: the token after each long-enough repeat would extend it; keep each
  // token's longest (stored + 1 in the zeroed counts, so 0 means none).
  ws.touched.clear();
  for (size_t i = 0; i + 1 < n; ++i) {
    if (repeat[i] < allowed) continue;
    const int32_t t = win.from_end(n - 2 - i);
    uint32_t& best = ws.token_counts[size_t(t)];
    if (best == 0) ws.touched.push_back(t);
    if (best < repeat[i] + 1) best = repeat[i] + 1;
  }

  // Step 4: penalise; cap the exponent so base^exp stays below FLT_MAX.
  const double log_base = dlog(double(cfg.dry_base));
  const int max_exponent = cfg.dry_base > 1.000001f ? int(88.7228391 / log_base) : 0;
  for (int32_t t : ws.touched) {
    uint32_t& best = ws.token_counts[size_t(t)];
    if (!is_single_token_breaker(cfg, t)) {
      int exponent = int(best - 1) - int(allowed);
      if (max_exponent > 0 && exponent > max_exponent) exponent = max_exponent;
      logits[t] -= float(double(cfg.dry_multiplier) * dexp(double(exponent) * log_base));
    }
    best = 0;
  }
}

}  // namespace lk
