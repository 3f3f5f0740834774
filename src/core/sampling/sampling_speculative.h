// Speculative decoding acceptance (Leviathan, Kalman & Matias, "Fast
// Inference from Transformers via Speculative Decoding", ICML 2023,
// Algorithm 1; the rule FlashInfer and vLLM implement).
//
// Given k draft tokens x_1..x_k drawn from the draft distributions q_1..q_k
// and the target distributions p_1..p_{k+1} at the same positions (rows of
// `vocab` probabilities, e.g. from sampler_distribution, zeros outside the
// kept set), for i = 1..k in turn:
//   accept x_i iff u·q_i(x_i) < p_i(x_i), u uniform in [0, 1)
//     (that is, with probability min(1, p/q); q = 0 < p always accepts);
//   at the first rejection emit a token drawn from normalise(max(0, p_i − q_i))
//     (from p_i itself if that residual is all zero, i.e. p_i = q_i) and stop;
// if all k are accepted, emit a token drawn from p_{k+1}.
// The emitted sequence is then distributed exactly as sampling from the
// target alone. Each examined position, and the final draw after k
// acceptances, consumes two draws of rng (the test and the resample), so the
// stream advances by 2·(accepted + 1). Draws use float64 running sums in
// token order: the same tokens on every build.
#pragma once
#include <cstddef>
#include <cstdint>

#include "sampling/sampling_rng.h"
#include "status.h"

namespace lk {

struct SpeculativeResult {
  int32_t accepted = 0;  // draft tokens accepted, 0..k
  int32_t token = -1;    // the token emitted after them
};

// target: (k+1)·vocab probabilities; draft: k·vocab; draft_tokens: k tokens.
// Errors: kBadProbability (NaN or outside [0, 1]; index = flat index into
// target, then draft offset by (k+1)·vocab), kBadToken (index = draft
// position), kEmpty (vocab = 0), kNoTokenLeft (a row to draw from is all zero).
Status speculative_verify(const float* target, const float* draft, const int32_t* draft_tokens, size_t k,
                          size_t vocab, SamplingRng& rng, SpeculativeResult* out);

}  // namespace lk
