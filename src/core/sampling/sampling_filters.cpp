// The stages of the sampler chain (semantics and peers in sampler.h). Each
// works on the candidate list in O(n): thresholds by one pass, ranked cuts by
// the exact radix selection of ops/select.h.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/kernels.h"
#include "ops/rows.h"
#include "sampling/sampler_stages.h"
#include "sampling/sampling_candidates.h"
#include "sampling/sampling_masses.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
constexpr float kInf = __builtin_inff();
}  // namespace

namespace {
// The whole processed row at T = 1: its weights' sum is the raw normaliser.
void note_raw_norm(const Candidates& c, StepContext& ctx) {
  if (c.ids || c.n != ctx.vocab || c.w_t != 1.0) return;
  ctx.ws.raw_norm_valid = true;
  ctx.ws.raw_max = c.z_max;
  ctx.ws.raw_log_sum = dlog(c.w_sum);
}

// Each weight set to 0 below the grid is < 2^-31: while they cannot add up
// to 2^-22 of S, leaving them out changes S by less than 2^-22 relative (the
// weights' own contract is 2^-24·(4 + 2|y|) relative, up to 2^-18.4 at the grid).
bool below_grid_negligible(const Candidates& c, double sum) { return double(c.below) * 0x1p-31 <= 0x1p-22 * sum; }

// Whether most of a long row lies below the mass grid, from 64 evenly spaced
// entries: then computing only the entries above it pays (ensure_weights,
// weights_above_grid); otherwise the plain pass is cheaper.
bool mostly_below_grid(const float* z, size_t n, const WeightParams& a) {
  if (n < 4096) return false;
  size_t under = 0;
  for (size_t j = 0; j < 64; ++j) under += z[j * n / 64] + a.neg_m < a.grid;
  return under >= 32;
}
}  // namespace

void ensure_weights(Candidates& c, double t, StepContext& ctx) {
  if (c.w_valid && c.w_t == t) return;
  if (!c.ids) c.w = ctx.ws.w[0].data();
  const Kernels& k = active_kernels();
  const float m = (c.z == ctx.row && c.n == ctx.vocab) ? ctx.row_max : k.scan_max(c.z, c.n).max;
  c.z_max = m;
  c.w_t = t;
  c.w_valid = true;
  c.mass_valid = false;
  c.below = 0;
  if (m == kInf || m == -kInf) {
    // +inf entries share all mass (the limit); all -inf has no mass.
    double sum = 0;
    for (size_t i = 0; i < c.n; ++i) {
      c.w[i] = (m == kInf && c.z[i] == kInf) ? 1.0f : 0.0f;
      sum += double(c.w[i]);
    }
    c.w_sum = sum;
    c.sum_valid = true;
    return;
  }
  const WeightParams a = make_weight_params(m, t);
  // Skipping the tail below the grid pays when a stage will cut it before S
  // of the whole row is needed (StepContext::skip_below_grid) and when most
  // of the row is there.
  const bool skip = ctx.skip_below_grid && mostly_below_grid(c.z, c.n, a);
  const WeightScan scan = k.sampler_weights(c.z, c.n, a, c.w, skip);
  c.below = scan.below;
  c.w_sum = scan.sum;
  c.sum_valid = below_grid_negligible(c, c.w_sum);
  if (c.sum_valid) note_raw_norm(c, ctx);
}

double weights_sum(Candidates& c, StepContext& ctx) {
  if (c.sum_valid) return c.w_sum;
  const Kernels& k = active_kernels();
  double sum = k.sum_f64(c.w, c.n);
  // Enough zeroed weights to matter: S from every weight (into scratch: c.w keeps its zeros).
  if (!below_grid_negligible(c, sum))
    sum = k.sampler_weights(c.z, c.n, make_weight_params(c.z_max, c.w_t), ctx.ws.sum_w.data(), false).sum;
  c.w_sum = sum;
  c.sum_valid = true;
  note_raw_norm(c, ctx);
  return sum;
}

double total_mass(Candidates& c, StepContext& ctx) {
  if (c.mass_valid) return c.mass;
  c.mass = block_masses(c.w, c.n, ctx.ws.blocks.data());
  c.mass_valid = true;
  return c.mass;
}

void rank_keys_desc(const Candidates& c, StepContext& ctx) {
  uint32_t* keys = ctx.ws.keys.data();
  for (size_t i = 0; i < c.n; ++i) keys[i] = rank_key_desc(c.z[i]);
}

double candidates_entropy(const Candidates& c, double t) {
  const Kernels& k = active_kernels();
  const float m = k.scan_max(c.z, c.n).max;
  if (m == -kInf) return 0;
  if (m == kInf || is_greedy_temperature(t)) {
    size_t ties = 0;
    for (size_t i = 0; i < c.n; ++i) ties += c.z[i] == m;
    return dlog(double(ties));
  }
  // H = log S − Σ e_i y_i / S with y = (z − m)/T, e = exp(y), S = Σ e.
  ExpSums s = k.shifted_exp(c.z, c.n, make_shifted_exp(m, t), nullptr, true);
  const double h = dlog(s.sum) - s.sum_ey / s.sum;
  return h > 0 ? h : 0.0;
}

void keep_cut(Candidates& c, const PrefixCut& cut, StepContext& ctx) {
  if (cut.count >= c.n) return;
  const uint32_t* keys = ctx.ws.keys.data();
  size_t ties_seen = 0;
  compact(c, ctx, [&](size_t i) { return cut.keeps(keys[i], ties_seen); });
}

size_t select_gathered(const float* z, size_t g, size_t count, SamplerWorkspace::Impl& ws) {
  return top_k_of_gathered(z, ws.positions.data(), g, count, ws.keys.data(), ws.selector);
}

size_t top_positions(const float* z, size_t n, size_t count, SamplerWorkspace::Impl& ws) {
  return top_k_positions(z, n, count, ws.positions.data(), ws.keys.data(), ws.sample, ws.selector);
}

void keep_top(Candidates& c, size_t count, StepContext& ctx) {
  if (count >= c.n) return;
  // The step's first scan may have gathered this very head already.
  const bool gathered = c.z == ctx.row && c.n == ctx.vocab && ctx.head_for == count && ctx.head_count >= count;
  const size_t m = gathered ? select_gathered(c.z, ctx.head_count, count, ctx.ws) : top_positions(c.z, c.n, count, ctx.ws);
  ctx.head_for = 0;  // ws.positions now holds the selection, not the head
  compact_positions(c, ctx, ctx.ws.positions.data(), m, [](size_t) { return true; });
}

namespace {

// The count top-k keeps (also the head the step's first scan gathers for it).
size_t top_k_head(const SamplerConfig& cfg, const double*, size_t min_keep) {
  return size_t(cfg.top_k) > min_keep ? size_t(cfg.top_k) : min_keep;
}

void top_k(Candidates& c, StepContext& ctx) {
  if (ctx.cfg.top_k == 0) return;
  keep_top(c, top_k_head(ctx.cfg, nullptr, ctx.min_keep), ctx);
}

// Keeps the ranked prefix whose mass before each member is < need (keys in
// ws.keys, masses in ws.q), or the top min_keep if that is more.
void keep_mass_prefix(Candidates& c, double need, StepContext& ctx) {
  PrefixCut cut = ctx.ws.selector.by_mass(ctx.ws.keys.data(), c.w, c.n, need);
  if (cut.count < ctx.min_keep) {
    cut = ctx.ws.selector.by_count(ctx.ws.keys.data(), c.n, ctx.min_keep);
  }
  keep_cut(c, cut, ctx);
}

// Guesses a logit threshold whose head holds more than a fraction p of the
// mass, from 1024 evenly spaced candidates; `widen` > 0 reaches deeper. The
// sample estimates the tail, made of many entries, against the exact weight
// sum: the head's few large weights (often missed by the sample) need no
// estimate.
float guess_mass_threshold(const Candidates& c, double p, double total, int widen, SamplerWorkspace::Impl& ws) {
  constexpr size_t kSample = 1024;
  // Rank key above, position below: one integer sort orders the sample.
  std::vector<uint64_t>& sample = ws.ranked_sample;
  sample.resize(kSample);
  for (size_t i = 0; i < kSample; ++i) {
    const size_t at = i * c.n / kSample;
    sample[i] = (uint64_t(rank_key_desc(c.z[at])) << 32) | at;
  }
  std::sort(sample.begin(), sample.end());
  // Each sampled entry stands for n/1024 entries of the row.
  auto stands_for = [&](size_t j) { return double(c.w[uint32_t(sample[j])]) * double(c.n) / kSample; };
  const double allowed = (1 - p) * (total * 0x1p-30);  // the tail's mass, in weight units
  double tail = 0;
  size_t j = kSample;  // sample ranks [j, kSample) stand for the estimated tail
  while (j > 0 && tail + stands_for(j - 1) <= allowed) tail += stands_for(--j);
  j += 8 + j / 4;  // a margin against the sample's error
  for (int k = 0; k < widen; ++k) j = 4 * j + 64;
  return j < kSample ? c.z[uint32_t(sample[j])] : -kInf;
}

// Top-p on a long row: when the head above a guessed threshold holds the
// needed mass, the cut lies inside it, and only the head is selected from.
// The total mass is one pass over the weights; the head's own mass is summed
// over the gathered positions only.
bool top_p_on_head(Candidates& c, double p, uint64_t total, StepContext& ctx) {
  SamplerWorkspace::Impl& ws = ctx.ws;
  const double need = double(mul_ceil(p, total));
  for (int widen = 0; widen < 2; ++widen) {
    const float t = guess_mass_threshold(c, p, double(total), widen, ws);
    if (t == -kInf) return false;
    uint32_t* pos = ws.positions.data();
    const size_t g = gather_at_least(c.z, c.n, t, pos);
    // Everything ranked before a head member is in the head, so masses
    // before it are the same among the head as in the whole row.
    uint32_t* keys = ws.keys.data();
    float* w = ws.head_w.data();
    double at_least = 0;  // exact: integer masses (sampling_masses.h)
    for (size_t j = 0; j < g; ++j) {
      keys[j] = rank_key_desc(c.z[pos[j]]);
      w[j] = c.w[pos[j]];
      at_least += mass_of(w[j]);
    }
    if (at_least < need) continue;
    PrefixCut cut = ws.selector.by_mass(keys, w, g, need);
    if (cut.count < ctx.min_keep) cut = ws.selector.by_count(keys, g, ctx.min_keep);
    if (cut.count < ctx.min_keep) return false;  // min_keep reaches past the head
    size_t ties_seen = 0;
    compact_positions(c, ctx, pos, g, [&](size_t j) { return cut.keeps(keys[j], ties_seen); });
    return true;
  }
  return false;
}

// Drops the entries whose weight is 0 below the mass grid when they are most
// of the list: a stage that keeps no zero-mass token then works on the rest.
void drop_below_grid(Candidates& c, StepContext& ctx) {
  if (c.below * 2 <= c.n) return;
  uint32_t* pos = ctx.ws.positions.data();
  const size_t live = gather_at_least(c.w, c.n, __FLT_DENORM_MIN__, pos);
  if (live >= ctx.min_keep) compact_positions(c, ctx, pos, live, [](size_t) { return true; });
}

// The smallest float z with fl(z + neg_m) >= grid: the entries at or above it
// are exactly those sampler_weights computes (addition is monotone in z).
float first_above_grid(const WeightParams& a) {
  float z = float(double(a.grid) - double(a.neg_m));
  while (z + a.neg_m >= a.grid) z = std::nextafter(z, -kInf);
  while (z + a.neg_m < a.grid) z = std::nextafter(z, kInf);
  return z;
}

// ensure_weights for a stage that keeps no zero-mass token (top-p; min-p at
// or above 2^-30): when most of the whole row lies below the mass grid (a
// confident step), the entries above it are gathered first, by a comparison,
// and only they are exponentiated; the rest would get weight 0 and be dropped.
void weights_above_grid(Candidates& c, StepContext& ctx) {
  const double t = ctx.temperature;
  if (!(c.w_valid && c.w_t == t) && !c.ids && c.z == ctx.row && c.n == ctx.vocab && ctx.row_max != kInf &&
      ctx.row_max != -kInf) {
    const WeightParams a = make_weight_params(ctx.row_max, t);
    if (mostly_below_grid(c.z, c.n, a)) {
      uint32_t* pos = ctx.ws.positions.data();
      const size_t live = gather_at_least(c.z, c.n, first_above_grid(a), pos);
      if (live >= ctx.min_keep) compact_positions(c, ctx, pos, live, [](size_t) { return true; });
    }
  }
  ensure_weights(c, t, ctx);
}

void top_p(Candidates& c, StepContext& ctx) {
  if (ctx.cfg.top_p >= 1.0) return;
  weights_above_grid(c, ctx);
  // The nucleus never reaches a zero-mass token (all the mass ranks before it).
  drop_below_grid(c, ctx);
  const uint64_t total = uint64_t(total_mass(c, ctx));
  if (c.n >= 4096 && top_p_on_head(c, ctx.cfg.top_p, total, ctx)) return;
  rank_keys_desc(c, ctx);
  // Integer masses M_j < p·Q  <=>  M_j < ceil(p·Q).
  keep_mass_prefix(c, double(mul_ceil(ctx.cfg.top_p, total)), ctx);
}

void typical_p(Candidates& c, StepContext& ctx) {
  if (ctx.cfg.typical_p >= 1.0) return;
  ensure_weights(c, ctx.temperature, ctx);
  const uint64_t total = uint64_t(total_mass(c, ctx));
  uint32_t* keys = ctx.ws.keys.data();
  if (c.z_max == kInf) {
    // The +inf tokens share the mass equally: each is exactly typical.
    for (size_t i = 0; i < c.n; ++i) keys[i] = rank_key_asc(c.z[i] == kInf ? 0.0f : kInf);
  } else {
    // −log p_i − H = A − y_i with y_i = (z_i − z_max)/T and A = Σ w_i y_i / S,
    // both sums in id order so the ranking does not depend on how S was reached.
    const double inv_t = 1.0 / ctx.temperature, zm = double(c.z_max);
    double a = 0, sum = 0;
    for (size_t i = 0; i < c.n; ++i) {
      if (c.w[i] > 0) a += double(c.w[i]) * ((double(c.z[i]) - zm) * inv_t);
      sum += double(c.w[i]);
    }
    a /= sum;
    for (size_t i = 0; i < c.n; ++i) {
      const double d = c.z[i] == -kInf ? kInf : std::fabs(a - (double(c.z[i]) - zm) * inv_t);
      keys[i] = rank_key_asc(float(d));
    }
  }
  // llama.cpp stops once the running sum exceeds p: M_j <= p·Q  <=>  M_j < floor(p·Q) + 1.
  keep_mass_prefix(c, double(mul_floor(ctx.cfg.typical_p, total) + 1), ctx);
  // The most probable token can be atypical: then the weights need a new reference maximum.
  if (active_kernels().scan_max(c.z, c.n).max != c.z_max) c.w_valid = false;
}

// Keeps w_i >= threshold (with the min_keep guard).
// The smallest float >= x, for x in [0, FLT_MAX]: for a float w,
// double(w) >= x exactly when w >= float_at_least(x).
float float_at_least(double x) {
  float f = float(x);
  if (double(f) < x) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    ++b;  // the next float up (f >= 0)
    std::memcpy(&f, &b, 4);
  }
  return f;
}

void keep_weight_at_least(Candidates& c, double threshold, StepContext& ctx) {
  uint32_t* pos = ctx.ws.positions.data();
  const size_t passing = gather_at_least(c.w, c.n, float_at_least(threshold), pos);
  if (passing >= c.n) return;
  if (passing < ctx.min_keep) {
    keep_top(c, ctx.min_keep, ctx);
    return;
  }
  compact_positions(c, ctx, pos, passing, [](size_t) { return true; });
}

void min_p(Candidates& c, StepContext& ctx) {
  if (ctx.cfg.min_p <= 0) return;
  if (ctx.cfg.min_p >= 0x1p-30) weights_above_grid(c, ctx);  // w >= min_p keeps no zero-mass token
  ensure_weights(c, ctx.temperature, ctx);
  keep_weight_at_least(c, ctx.cfg.min_p, ctx);  // w_max = 1, so p_i >= min_p·p_max <=> w_i >= min_p
}

void epsilon(Candidates& c, StepContext& ctx) {
  if (ctx.cfg.epsilon <= 0) return;
  ensure_weights(c, ctx.temperature, ctx);
  keep_weight_at_least(c, ctx.cfg.epsilon * weights_sum(c, ctx), ctx);
}

void eta(Candidates& c, StepContext& ctx) {
  if (ctx.cfg.eta <= 0) return;
  ensure_weights(c, ctx.temperature, ctx);
  const double h = candidates_entropy(c, ctx.temperature);
  const double e = ctx.cfg.eta, alt = std::sqrt(e) * dexp(-h);
  keep_weight_at_least(c, (e < alt ? e : alt) * weights_sum(c, ctx), ctx);
}

void top_n_sigma(Candidates& c, StepContext& ctx) {
  const double n_sigma = ctx.cfg.top_n_sigma;
  if (n_sigma <= 0 || c.n <= 1) return;
  double max = -kInf, sum = 0;
  size_t finite = 0;
  for (size_t i = 0; i < c.n; ++i) {
    if (c.z[i] == -kInf) continue;
    max = double(c.z[i]) > max ? double(c.z[i]) : max;
    sum += double(c.z[i]);
    ++finite;
  }
  if (finite == 0 || max == kInf) return;  // nothing to keep, or σ undefined (llama.cpp keeps all)
  const double mean = sum / double(finite);
  double acc = 0;
  for (size_t i = 0; i < c.n; ++i)
    if (c.z[i] != -kInf) acc += (double(c.z[i]) - mean) * (double(c.z[i]) - mean);
  const double cut = max - n_sigma * std::sqrt(acc / double(finite));
  compact(c, ctx, [&](size_t i) { return double(c.z[i]) >= cut; });
}

void temperature(Candidates& c, StepContext& ctx) {
  const SamplerConfig& cfg = ctx.cfg;
  if (cfg.dynatemp_range <= 0) {
    ctx.temperature = cfg.temperature;
    return;
  }
  if (c.n <= 1) return;
  // llama.cpp temp_ext: map the normalised entropy at T = 1 to [t − r, t + r].
  const double lo = cfg.temperature - cfg.dynatemp_range > 0 ? cfg.temperature - cfg.dynatemp_range : 0.0;
  const double hi = cfg.temperature + cfg.dynatemp_range;
  const double normalized = candidates_entropy(c, 1.0) / dlog(double(c.n));
  const double pw = normalized > 0 ? dexp(cfg.dynatemp_exponent * dlog(normalized))
                                   : (cfg.dynatemp_exponent > 0 ? 0.0 : 1.0);
  const double t = lo + (hi - lo) * pw;
  if (!is_greedy_temperature(t)) {
    ctx.temperature = t;
    return;
  }
  keep_top(c, 1, ctx);
  ctx.temperature = 1.0;
}

}  // namespace

void apply_temperature(Candidates& c, StepContext& ctx) { temperature(c, ctx); }

// The filters behind the stage interface (sampler_stages.h) whose options
// are SamplerConfig fields (so they declare none of their own). `narrows`:
// the stage keeps no zero-mass token (SamplerStageInterface::drops_zero_mass);
// `llama`, `hf`: its place in the two preset orders.
#define LK_FILTER(id, label, fn, is_enabled, narrows, llama, hf, head)                                       \
  extern const SamplerStageInterface id = {                                                                \
      label, {}, 0, [](const SamplerConfig& cfg, const double*) -> bool { return is_enabled; },            \
      [](Candidates& c, StepContext& ctx, const double*) { fn(c, ctx); },                                   \
      nullptr, nullptr, nullptr, nullptr, false, narrows, nullptr, {llama, hf}, head};
LK_FILTER(kTopKStage, "topK", top_k, cfg.top_k > 0, true, 20, 20, top_k_head)
LK_FILTER(kTopPStage, "topP", top_p, cfg.top_p < 1, true, 40, 30, nullptr)
LK_FILTER(kMinPStage, "minP", min_p, cfg.min_p > 0, true, 50, 40, nullptr)
LK_FILTER(kTypicalPStage, "typicalP", typical_p, cfg.typical_p < 1, true, 30, 50, nullptr)
LK_FILTER(kTopNSigmaStage, "topNSigma", top_n_sigma, cfg.top_n_sigma > 0, true, 10, 80, nullptr)
LK_FILTER(kEpsilonStage, "epsilon", epsilon, cfg.epsilon > 0, true, 60, 60, nullptr)
LK_FILTER(kEtaStage, "eta", eta, cfg.eta > 0, true, 70, 70, nullptr)
LK_FILTER(kTemperatureStage, "temperature", temperature, cfg.temperature != 1.0 || cfg.dynatemp_range > 0, false, 90, 10,
          nullptr)
#undef LK_FILTER

}  // namespace lk
