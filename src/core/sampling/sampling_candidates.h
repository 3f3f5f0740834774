// Internal to the sampler: the working set of candidate tokens a step
// narrows down, and the scratch memory it lives in.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sampling/sampler.h"
#include "ops/select.h"

namespace lk {

// Candidates in ascending token id. Dense (ids == nullptr) means every
// token of the row, id = position, z = the processed logits themselves.
struct Candidates {
  const int32_t* ids = nullptr;
  const float* z = nullptr;
  float* w = nullptr;        // the sampler's weights at w_t (sampling_masses.h), when w_valid
  size_t n = 0;
  bool w_valid = false;
  double w_t = 1.0;          // temperature the weights were computed at
  float z_max = 0;           // the maximum z the weights are relative to
  // Σ w in float64, when sum_valid (weights_sum computes it on demand: a step
  // that cuts before it needs S never sums the whole row).
  double w_sum = 0;
  bool sum_valid = false;
  // The block masses of w in ws.blocks and their total Q, when mass_valid
  // (total_mass computes them once; any change to the list or weights clears it).
  double mass = 0;
  bool mass_valid = false;
  size_t below = 0;          // entries given weight 0 below the mass grid
  int32_t id(size_t i) const { return ids ? ids[i] : int32_t(i); }
};

struct SamplerWorkspace::Impl {
  // Ping-pong buffers for sparse candidate lists; `cur` holds the live one.
  std::vector<int32_t> ids[2];
  std::vector<float> z[2], w[2];
  int cur = 0;
  std::vector<uint32_t> keys;
  std::vector<uint32_t> positions;       // vocab + 4 entries
  std::vector<float> head_w;             // weights of a gathered head
  std::vector<float> sum_w;              // every weight of a list, when S must count the ones below the grid
  std::vector<float> sample;
  std::vector<uint64_t> ranked_sample;
  std::vector<double> blocks;           // mass per 64 candidates (sampling_masses.h)
  std::vector<uint32_t> token_counts;   // all zero between steps
  std::vector<int32_t> touched;         // distinct tokens of the penalty window
  std::vector<uint32_t> dry_repeat;     // DRY repeat lengths over its window
  PrefixSelector selector;
  // Softmax normaliser at T = 1 over the whole processed row, when a stage
  // happened to compute it (saves the raw-logprob pass).
  bool raw_norm_valid = false;
  float raw_max = 0;
  double raw_log_sum = 0;

  void reserve(size_t vocab);
};

// Per-step context the stages share.
struct StepContext {
  const SamplerConfig& cfg;
  SamplerWorkspace::Impl& ws;
  double temperature = 1.0;   // the temperature in force
  double u_aux = 0;           // the step's second uniform (XTC)
  size_t min_keep = 1;        // max(cfg.min_keep, 1)
  size_t vocab = 0;
  // The processed row and its maximum, found by the step's first scan: a stage
  // whose candidates are still the whole row reuses it instead of rescanning.
  const float* row = nullptr;
  float row_max = 0;
  // When the chain opens with top-k, that first scan also gathered the row's
  // positions at or above top_positions' sampled threshold for `head_for`
  // (into ws.positions, `head_count` of them); head_for is 0 when it did not.
  size_t head_for = 0;
  size_t head_count = 0;
  bool options_checked = false;  // validate_sampler_options already passed for cfg
  // The weights of the whole row may skip the entries below the mass grid
  // (sampling_masses.h): set when a stage that drops zero-mass tokens runs.
  bool skip_below_grid = false;
};

// sample_logits and sampler_distribution (sampler.h) for a caller that checked
// cfg with validate_sampler_options once, when it was configured (lk::Sampler).
Status sample_logits_checked(float* logits, size_t vocab, const SamplerConfig& cfg, SequenceState& seq,
                             SamplerWorkspace& ws, SampleResult* out, bool options_checked);
Status sampler_distribution_checked(float* logits, size_t vocab, const SamplerConfig& cfg, SequenceState& seq,
                                    SamplerWorkspace& ws, int32_t* ids, float* probs, size_t* count,
                                    bool options_checked);

// Weights of c at temperature t (recomputed only if stale).
void ensure_weights(Candidates& c, double t, StepContext& ctx);
// S = Σ w of c in float64 (weights must be valid), within 2^-21 relative of
// the exact Σ exp((z - z_max)/T): weights below the mass grid may be 0, and
// when there are enough of them to matter S is summed from every exponential.
double weights_sum(Candidates& c, StepContext& ctx);
// Block masses of the weights into ws.blocks; returns the total Q (weights must be valid).
double total_mass(Candidates& c, StepContext& ctx);
// ws.keys[i] = rank_key_desc(z_i).
void rank_keys_desc(const Candidates& c, StepContext& ctx);
// Entropy (nats) of softmax(z / t) over c, with the kernel's float64 sums.
double candidates_entropy(const Candidates& c, double t);
// Keeps, in order, the elements at positions pos[0..m) (ascending) for which
// keep(j) is true, into the other buffer; weights stay valid and their sum
// is recomputed over the kept. pos == nullptr means every position.
template <class Keep>
void compact_positions(Candidates& c, StepContext& ctx, const uint32_t* pos, size_t m, Keep keep) {
  SamplerWorkspace::Impl& ws = ctx.ws;
  const int dst = c.ids ? ws.cur ^ 1 : 1;
  int32_t* ids = ws.ids[dst].data();
  float* z = ws.z[dst].data();
  float* w = ws.w[dst].data();
  size_t kept = 0, below = 0;
  // Branch-free: every element is written at the next free slot, which
  // advances only when it is kept (cuts are unpredictable branches).
  for (size_t j = 0; j < m; ++j) {
    const size_t i = pos ? pos[j] : j;
    ids[kept] = c.id(i);
    z[kept] = c.z[i];
    const size_t k = keep(j) ? 1 : 0;
    if (c.w_valid) {
      w[kept] = c.w[i];
      below += k & size_t(c.w[i] == 0.0f && c.z[i] != -__builtin_inff());
    }
    kept += k;
  }
  ws.cur = dst;
  c.ids = ids;
  c.z = z;
  c.w = w;
  c.n = kept;
  c.mass_valid = false;
  c.sum_valid = false;
  c.below = below;
}
template <class Keep>
void compact(Candidates& c, StepContext& ctx, Keep keep) {
  compact_positions(c, ctx, nullptr, c.n, keep);
}
// Positions (ascending) of the first `count` of z[0..n) in rank order
// (logit desc, ties lower id), into ws.positions; returns how many
// (ops/select.h top_k_positions with the workspace's scratch).
size_t top_positions(const float* z, size_t n, size_t count, SamplerWorkspace::Impl& ws);
// Among g gathered positions (ws.positions) of z, the `count` best in rank
// order's prefix, kept in ascending position order in ws.positions; returns how many.
size_t select_gathered(const float* z, size_t g, size_t count, SamplerWorkspace::Impl& ws);
// Keeps the first max(count, 0) candidates in rank order (logit desc, ties lower id).
void keep_top(Candidates& c, size_t count, StepContext& ctx);
// Keeps the elements inside a cut over ws.keys.
void keep_cut(Candidates& c, const PrefixCut& cut, StepContext& ctx);

// Logit processing (step 1 of sampler.h), in place; cfg already validated.
void process_logits(float* logits, size_t vocab, const SamplerConfig& cfg, const SequenceState& seq,
                    SamplerWorkspace::Impl& ws);

// DRY (sampler.h step 1c'), in place; cfg already validated.
void apply_dry(float* logits, const SamplerConfig& cfg, const std::vector<int32_t>& history,
               SamplerWorkspace::Impl& ws);


}  // namespace lk
