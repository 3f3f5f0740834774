// Float64 reference for the adaptive-p selector (llama.cpp
// `llama_sampler_init_adaptive_p(target, decay, seed)`, PR #17927), written
// for logitkit's tests. Self-contained: the standard library only, no random
// engine. The algorithm is described here from its behaviour (see
// tests/cpp/ADAPTIVE_P_NOTES.md for the source, quoted, with line-level notes).
//
// ---- What follows llama.cpp exactly ------------------------------------------
// - Constants: DISTRIBUTION_WIDTH 0.3, PEAK_LOGIT_VALUE 5, SHARPNESS 10,
//   INV_WIDTH = 1 / DISTRIBUTION_WIDTH.
// - init(target, decay): decay is clamped to [0, 0.99]; target is kept as
//   given (NOT clamped); weighted_sum = target / (1 − decay) and
//   total_weight = 1 / (1 − decay), so the EMA starts at `target`, as if
//   an infinite history of tokens had had exactly that probability. reset()
//   restores those two values.
// - Disabled: target < 0 (a NaN target counts as enabled, as in llama.cpp).
//   Then the token is drawn from the plain softmax of the candidates and
//   accept() changes nothing.
// - Per step (enabled):
//     p_i      = softmax of the candidates' current logits (the "original"
//                probabilities: after every earlier stage, temperature included)
//     t        = clamp(target, 0, 1)
//     a        = clamp(total_weight == 0 ? t : 2t − weighted_sum/total_weight, 0, 1)
//     d_i      = |(p_i − a) · INV_WIDTH|
//     y_i      = PEAK − SHARPNESS · d_i² / (1 + d_i)     (candidates whose logit is −inf keep −inf)
//     P_i      = softmax(y_i)                             (the draw distribution)
//   total_weight == 0 cannot happen after init (it stays >= 1) but is kept.
//   Every candidate with a finite logit is transformed, including those
//   whose p_i underflows to 0: they all get y = PEAK − SHARPNESS·d0²/(1+d0),
//   d0 = a/0.3, i.e. at least −20.64, never a zero weight. Hence llama.cpp's
//   advice to truncate mildly (min-p) before adaptive-p.
// - accept(token): only if token is the one this sampler selected in its
//   last apply (llama.cpp's pending_token_id check); then, with p the
//   ORIGINAL probability p_i of that token (not P_i):
//     weighted_sum = p + decay · weighted_sum
//     total_weight = 1 + decay · total_weight
//   Any other accepted token (forced, prompt, grammar-replaced) leaves the
//   EMA unchanged. Because the state starts at the fixed point of the
//   total_weight recursion, total_weight stays 1/(1 − decay) and the ratio is
//   the ordinary EMA: ema' = (1 − decay) · p + decay · ema.
//
// ---- Where this reference deviates, by necessity or by design -----------------
// 1. Arithmetic: float64 throughout (softmax, transform, sums). llama.cpp
//    computes in float32: expf, a float running sum, INV_WIDTH = 1.0f/0.3f
//    (= 3.33333325f), the transform `5.0f - 10.0f*dist*dist/(1.0f + dist)`
//    in float. transform_logit_f32_llama() below reproduces that expression
//    for spot checks (modulo the compiler's FMA contraction); nothing else
//    here uses it.
// 2. The draw. llama.cpp draws with std::discrete_distribution<int> over the
//    P_i in the candidate array's CURRENT order (whatever order earlier
//    stages left: top-k sorts by logit, otherwise token-id order) from a
//    std::mt19937 seeded per sampler; libstdc++ normalises the float weights
//    in double, takes partial sums, forces the last one to 1.0, draws one
//    generate_canonical<double> (two 32-bit outputs) and returns the first
//    index with partial sum >= u (lower_bound); with fewer than two
//    candidates it returns 0 without consuming the engine. That stream is
//    implementation-defined and not reproducible here. logitkit draws by
//    inverse CDF in ascending token id with its own uniform u1, so this
//    reference does the same: with the P_i in ascending id order and T their
//    float64 sum, the token is the first one whose running sum EXCEEDS u·T
//    (strict >, so a zero-probability token is never chosen), falling back to
//    the last candidate with P_i > 0. (logitkit itself uses exact integer
//    masses q_i = round(w_i·2^30) and floor(u1·Q); the two agree except when
//    u lands within about 2^-30 of a boundary.)
// 3. Non-finite inputs: a +inf logit makes llama.cpp's softmax NaN. Here the
//    +inf candidates share p = 1 equally and every other candidate gets
//    p = 0 (logitkit's convention). NaN logits are a precondition failure.
// 4. No RNG, seed, clone or pending index are modelled: select() is a pure
//    function of (state, candidates, u), and the caller passes the selected
//    token's original probability to accept() (accept_selected() mirrors the
//    pending-token check).
//
// Preconditions: at least one candidate, distinct ids, no NaN logit, not all
// logits −inf; u in [0, 1).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace adaptive_p_ref {

constexpr double kDistributionWidth = 0.3;
constexpr double kPeakLogitValue = 5.0;
constexpr double kSharpness = 10.0;
constexpr double kInvWidth = 1.0 / kDistributionWidth;
constexpr double kMaxDecay = 0.99;

// llama.cpp's defaults (common/common.h): adaptive_target = -1 (disabled),
// adaptive_decay = 0.90.
constexpr double kDefaultTarget = -1.0;
constexpr double kDefaultDecay = 0.90;

struct State {
  double target = kDefaultTarget;  // as configured, not clamped; < 0 = disabled
  double decay = kDefaultDecay;    // clamped to [0, 0.99]
  double weighted_sum = 0.0;       // Σ p_k · decay^k over accepted selections (+ the initial prior)
  double total_weight = 0.0;       // Σ decay^k (+ prior); stays 1/(1 − decay)
};

inline bool enabled(const State& s) { return !(s.target < 0.0); }

// std::clamp(decay, 0, 0.99), as llama_sampler_init_adaptive_p (a NaN passes through).
inline double clamp_decay(double decay) { return std::clamp(decay, 0.0, kMaxDecay); }

// The EMA's starting point (init and reset): the fixed point for `target`.
inline void reset(State& s) {
  s.weighted_sum = s.target / (1.0 - s.decay);
  s.total_weight = 1.0 / (1.0 - s.decay);
}

inline State init(double target, double decay) {
  State s;
  s.target = target;
  s.decay = clamp_decay(decay);
  reset(s);
  return s;
}

// The running average of the original probabilities of the selected tokens.
inline double ema(const State& s) { return s.weighted_sum / s.total_weight; }

// The target used at the next step: 2·clamp(target) − ema, clamped to [0, 1].
inline double adapted_target(const State& s) {
  const double t = std::clamp(s.target, 0.0, 1.0);
  const double a = s.total_weight == 0.0 ? t : 2.0 * t - s.weighted_sum / s.total_weight;
  return std::clamp(a, 0.0, 1.0);
}

// The adaptive transform of one original probability, in float64.
inline double transform_logit(double p, double adapted) {
  const double d = std::fabs((p - adapted) * kInvWidth);
  return kPeakLogitValue - kSharpness * d * d / (1.0 + d);
}

// llama.cpp's expression evaluated in float32, for spot checks only (not
// used below). The result can differ by an ulp where the compiler contracts
// to FMA.
inline float transform_logit_f32_llama(float p, float adapted) {
  constexpr float inv_width = 1.0f / 0.3f;
  const float dist = std::fabs((p - adapted) * inv_width);
  return 5.0f - 10.0f * dist * dist / (1.0f + dist);
}

// The EMA update with the ORIGINAL probability of the selected token. A no-op
// when disabled (llama.cpp never records a pending token then).
inline void accept(State& s, double original_prob) {
  if (!enabled(s)) return;
  s.weighted_sum = original_prob + s.decay * s.weighted_sum;
  s.total_weight = 1.0 + s.decay * s.total_weight;
}

struct Candidate {
  int32_t id;
  double logit;  // after the previous stages, temperature applied (z / T)
};

struct Distribution {
  std::vector<int32_t> ids;         // ascending token id
  std::vector<double> logits;       // the input logits, same order
  std::vector<double> original;     // softmax of the logits (sums to 1)
  std::vector<double> transformed;  // the draw distribution P (sums to 1); = original when disabled
  double adapted_target = std::numeric_limits<double>::quiet_NaN();  // NaN when disabled
};

namespace detail {

// Softmax in float64 over logits in [−inf, +inf]: +inf entries share all the
// mass; −inf entries get 0. Requires a maximum above −inf.
inline std::vector<double> softmax(const std::vector<double>& z) {
  std::vector<double> p(z.size(), 0.0);
  double m = -std::numeric_limits<double>::infinity();
  for (double v : z) m = std::max(m, v);
  if (m == std::numeric_limits<double>::infinity()) {
    size_t k = 0;
    for (double v : z) k += v == m;
    for (size_t i = 0; i < z.size(); ++i) p[i] = z[i] == m ? 1.0 / double(k) : 0.0;
    return p;
  }
  double s = 0.0;
  for (size_t i = 0; i < z.size(); ++i) {
    p[i] = z[i] == -std::numeric_limits<double>::infinity() ? 0.0 : std::exp(z[i] - m);
    s += p[i];
  }
  for (double& v : p) v /= s;
  return p;
}

}  // namespace detail

// The original and transformed distributions for this state and these
// candidates (any order in; ascending id out). Does not change the state.
inline Distribution distribution(const State& s, std::vector<Candidate> cands) {
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) { return a.id < b.id; });
  Distribution d;
  for (const Candidate& c : cands) {
    d.ids.push_back(c.id);
    d.logits.push_back(c.logit);
  }
  d.original = detail::softmax(d.logits);
  if (!enabled(s)) {
    d.transformed = d.original;
    return d;
  }
  d.adapted_target = adapted_target(s);
  std::vector<double> y(d.ids.size());
  for (size_t i = 0; i < y.size(); ++i) {
    // Candidates already at −inf (masked by an earlier stage) stay out.
    y[i] = d.logits[i] == -std::numeric_limits<double>::infinity()
               ? -std::numeric_limits<double>::infinity()
               : transform_logit(d.original[i], d.adapted_target);
  }
  d.transformed = detail::softmax(y);
  return d;
}

// Inverse CDF in the given (ascending id) order: the first index whose
// running sum exceeds u·T, T = Σ probs; the last positive entry if rounding
// leaves none. probs must have a positive entry; u in [0, 1).
inline size_t draw_index(const std::vector<double>& probs, double u) {
  double total = 0.0;
  for (double v : probs) total += v;
  const double target = u * total;
  double run = 0.0;
  for (size_t i = 0; i < probs.size(); ++i) {
    run += probs[i];
    if (run > target) return i;
  }
  for (size_t i = probs.size(); i-- > 0;)
    if (probs[i] > 0.0) return i;
  return 0;
}

struct Selection {
  int32_t token = -1;
  size_t index = 0;                  // position in Distribution::ids
  double original_prob = 0.0;        // what accept() must be given
  double transformed_prob = 0.0;     // P of the token (its draw probability)
  double adapted_target = std::numeric_limits<double>::quiet_NaN();  // NaN when disabled
};

// Selects a token with uniform u in [0, 1). Does not change the state (llama.cpp
// changes its EMA only in accept()).
inline Selection select(const State& s, const std::vector<Candidate>& cands, double u) {
  Selection r;
  if (cands.empty()) return r;
  const Distribution d = distribution(s, cands);
  r.index = draw_index(d.transformed, u);
  r.token = d.ids[r.index];
  r.original_prob = d.original[r.index];
  r.transformed_prob = d.transformed[r.index];
  r.adapted_target = d.adapted_target;
  return r;
}

// llama.cpp's accept(token): updates the EMA only when `accepted` is the token
// `sel` selected (its pending token); otherwise nothing changes.
inline void accept_selected(State& s, const Selection& sel, int32_t accepted) {
  if (sel.token >= 0 && accepted == sel.token) accept(s, sel.original_prob);
}

// select() then accept_selected() of the same token: llama_sampler_sample().
inline Selection step(State& s, const std::vector<Candidate>& cands, double u) {
  const Selection sel = select(s, cands, u);
  accept_selected(s, sel, sel.token);
  return sel;
}

}  // namespace adaptive_p_ref
