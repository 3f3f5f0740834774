// Beam search against a float64 reference written from HF's _beam_search
// (beam_reference.h), on a deterministic toy model, for each option; the
// reference itself checked against greedy decoding (numBeams 1) and an
// exhaustive enumeration (numBeams >= V^(L-1), early_stopping "never").
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "beam_reference.h"
#include "decoding/beam_search.h"

using namespace lk_test;
using lk::BeamSearch;
using lk::BeamSearchConfig;
using lk::EarlyStopping;

namespace {
constexpr double kTol = 0x1p-18;

struct Run {
  std::vector<std::vector<lk::BeamHypothesis>> hyps;
  std::vector<std::vector<int32_t>> parents, tokens;
  std::vector<std::vector<double>> scores;
  size_t steps = 0;
};

// Drives a BeamSearch with the toy model: the driver keeps each row's
// generated tokens and reorders them by the returned parents, as a caller
// reorders its KV cache.
Run run_searcher(BeamSearch& s, const BeamSearchConfig& c, const ToyModel& model, const ToyMask& mask = nullptr) {
  REQUIRE(s.reset(c).ok());
  const size_t n = c.batch * c.num_beams, V = c.vocab, words = (V + 31) / 32;
  std::vector<std::vector<int32_t>> gen(n);
  Run out;
  while (!s.done()) {
    std::vector<float> logits(n * V);
    std::vector<uint32_t> bits(mask ? n * words : 0);
    for (size_t r = 0; r < n; ++r) {
      std::vector<float> z = model(r / c.num_beams, gen[r]);
      std::copy(z.begin(), z.end(), logits.begin() + std::ptrdiff_t(r * V));
      if (mask) {
        std::vector<uint32_t> m = mask(r / c.num_beams, gen[r]);
        std::copy(m.begin(), m.end(), bits.begin() + std::ptrdiff_t(r * words));
      }
    }
    lk::Status st = s.step(logits.data(), n, mask ? bits.data() : nullptr, words);
    REQUIRE(st.ok());
    std::vector<std::vector<int32_t>> next(n);
    for (size_t r = 0; r < n; ++r) {
      next[r] = gen[size_t(s.parents()[r])];
      next[r].push_back(s.tokens()[r]);
    }
    gen = next;
    out.parents.emplace_back(s.parents(), s.parents() + n);
    out.tokens.emplace_back(s.tokens(), s.tokens() + n);
    out.scores.emplace_back(s.scores(), s.scores() + n);
    REQUIRE(s.steps() <= c.max_new_tokens);
  }
  out.steps = s.steps();
  for (size_t b = 0; b < c.batch; ++b) out.hyps.push_back(s.finalize(b));
  return out;
}

void compare(const BeamSearchConfig& c, const ToyModel& model, const ToyMask& mask = nullptr) {
  BeamSearch s;
  const Run got = run_searcher(s, c, model, mask);
  const RefRun want = c.num_beam_groups > 1 ? ref_group_beam_search(c, model, mask) : ref_beam_search(c, model, mask);
  REQUIRE(got.steps == want.steps);
  double worst = 0;
  for (size_t t = 0; t < want.steps; ++t) {
    CHECK(got.parents[t] == want.parents[t]);
    CHECK(got.tokens[t] == want.tokens[t]);
    for (size_t r = 0; r < got.scores[t].size(); ++r) {
      if (std::isinf(want.scores[t][r])) {
        CHECK(got.scores[t][r] == want.scores[t][r]);
      } else {
        worst = std::max(worst, std::fabs(got.scores[t][r] - want.scores[t][r]));
      }
    }
  }
  size_t count = 0;
  for (size_t b = 0; b < c.batch; ++b) {
    REQUIRE(got.hyps[b].size() == want.hyps[b].size());
    for (size_t i = 0; i < want.hyps[b].size(); ++i) {
      CHECK(got.hyps[b][i].tokens == want.hyps[b][i].tokens);
      worst = std::max(worst, std::fabs(got.hyps[b][i].score - want.hyps[b][i].score));
      worst = std::max(worst, std::fabs(got.hyps[b][i].logprob - want.hyps[b][i].logprob));
      ++count;
    }
  }
  CHECK(count > 0);
  CHECK(worst <= kTol);
}

BeamSearchConfig base(size_t batch, size_t beams, size_t vocab) {
  BeamSearchConfig c;
  c.batch = batch;
  c.num_beams = beams;
  c.vocab = vocab;
  c.max_new_tokens = 8;
  c.eos = {2};
  c.num_return_sequences = beams;
  return c;
}
}  // namespace

TEST_CASE("beam search: matches the HF reference, option by option") {
  const size_t V = 40;
  auto model = toy_model(V, 7, 0.0, {2}, 0.9);
  SUBCASE("defaults (early_stopping false, length_penalty 1)") { compare(base(3, 4, V), model); }
  SUBCASE("early_stopping true") {
    auto c = base(3, 4, V);
    c.early_stopping = EarlyStopping::kTrue;
    compare(c, model);
  }
  SUBCASE("early_stopping never, length penalties") {
    for (double lp : {1.0, 0.0, 2.0, -0.5}) {
      auto c = base(2, 3, V);
      c.early_stopping = EarlyStopping::kNever;
      c.length_penalty = lp;
      compare(c, model);
      c.early_stopping = EarlyStopping::kFalse;
      compare(c, model);
    }
  }
  SUBCASE("several EOS ids, none, min_new_tokens, one return sequence") {
    auto c = base(2, 4, V);
    c.eos = {2, 5, 9};
    compare(c, toy_model(V, 11, 0.0, {2}, 1.2));
    c.eos = {};
    compare(c, model);
    c = base(2, 4, V);
    c.min_new_tokens = 4;
    c.num_return_sequences = 1;
    compare(c, model);
  }
  SUBCASE("ties inside rows (logits on a 1/4 grid)") {
    compare(base(3, 5, V), toy_model(V, 3, 0.25, {2}, 0.9));
  }
  SUBCASE("processors: bias, repetition penalty, no_repeat_ngram, bad words, suppress, begin-suppress, prompts") {
    auto c = base(2, 4, V);
    c.prompts = {{1, 3, 3, 7}, {4}};
    c.bias = {{3, 1.5}, {8, -0.75}, {3, 0.25}};
    compare(c, model);
    c.bias = {};
    c.repetition_penalty = 1.8;
    compare(c, model);
    c.repetition_penalty = 0.6;  // < 1 rewards repeats: positive values appear
    compare(c, model);
    c.repetition_penalty = 1.0;
    c.no_repeat_ngram_size = 2;
    compare(c, model);
    auto small = base(2, 4, 8);  // a small vocabulary repeats often
    small.prompts = {{1, 3, 3, 7}, {4}};
    small.max_new_tokens = 10;
    for (size_t ng : {1, 2, 3}) {
      small.no_repeat_ngram_size = ng;
      compare(small, toy_model(8, 5, 0.0, {2}, 0.4));
    }
    c.no_repeat_ngram_size = 0;
    c.bad_words = {6, 1, 4, 11};
    c.bad_words_offsets = {0, 1, 3, 4};  // [6], [1 4], [11]
    compare(c, model);
    c.bad_words = {}, c.bad_words_offsets = {};
    c.suppress_tokens = {0, 13};
    compare(c, model);
    // Begin-suppress the three best first tokens of each prompt: they may come back later, never first.
    c.begin_suppress_tokens = {};
    for (size_t b = 0; b < 2; ++b) {
      std::vector<double> l = ref_log_softmax(model(b, {}));
      std::vector<size_t> o = ref_argsort_desc(l);
      for (size_t i = 0; i < 3; ++i) c.begin_suppress_tokens.push_back(int32_t(o[i]));
    }
    compare(c, model);
    BeamSearch s;
    Run r = run_searcher(s, c, model);
    for (const auto& hs : r.hyps)
      for (const auto& h : hs)
        CHECK(std::count(c.begin_suppress_tokens.begin(), c.begin_suppress_tokens.end(), h.tokens[0]) == 0);
  }
  SUBCASE("a grammar bitmask per row") {
    auto c = base(2, 3, V);
    ToyMask mask = [&](size_t b, const std::vector<int32_t>& gen) {
      std::vector<uint32_t> w((V + 31) / 32, 0);
      uint64_t h = splitmix(b * 77 + gen.size());
      for (size_t t = 0; t < V; ++t)
        if ((splitmix(h + t) & 3) != 0 || t == 2) w[t / 32] |= 1u << (t % 32);
      return w;
    };
    compare(c, model, mask);
  }
  SUBCASE("a long vocabulary (sampled-threshold selection)") {
    auto c = base(2, 4, 5000);
    c.max_new_tokens = 5;
    compare(c, toy_model(5000, 19, 0.0, {2}, 2.0));
  }
  SUBCASE("numBeams 1 and a vocabulary of 2") {
    auto c = base(2, 1, 2);
    c.eos = {1};
    compare(c, toy_model(2, 23, 0.0, {1}, 0.5));
  }
}

TEST_CASE("beam sampling: matches the HF reference (draws, warpers), per step and per hypothesis") {
  const size_t V = 40;
  auto model = toy_model(V, 7, 0.0, {2}, 0.9);
  auto sampled = [](BeamSearchConfig c, uint64_t seed) {
    c.do_sample = true;
    c.seed = seed;
    return c;
  };
  SUBCASE("no warper, several seeds, streams per prompt") {
    for (uint64_t seed : {1ull, 2ull, 3ull, 0xFFFFFFFFFFFFFFFFull}) compare(sampled(base(3, 4, V), seed), model);
    auto c = sampled(base(2, 3, V), 9);
    c.stream = 0xFFFFFFFFFFFFFFFFull;  // prompt 1 wraps to stream 0
    compare(c, model);
  }
  SUBCASE("temperature, top-k, top-p, min-p, alone and together") {
    for (double t : {0.5, 0.7, 1.5, 3.0}) {
      auto c = sampled(base(2, 4, V), 11);
      c.temperature = t;
      compare(c, model);
    }
    for (size_t k : {1, 3, 5, 12}) {  // 1 and 3: raised to min_keep = 2, then 3 with EOS ids {2, 5}
      auto c = sampled(base(2, 4, V), 12);
      c.top_k = k;
      compare(c, model);
      c.eos = {2, 5};
      compare(c, model);
    }
    for (double p : {0.0, 0.3, 0.8, 0.95}) {
      auto c = sampled(base(2, 4, V), 13);
      c.top_p = p;
      compare(c, model);
    }
    for (double p : {0.05, 0.2, 0.6, 1.0}) {
      auto c = sampled(base(2, 4, V), 14);
      c.min_p = p;
      compare(c, model);
    }
    auto c = sampled(base(3, 4, V), 15);
    c.temperature = 0.8, c.top_k = 20, c.top_p = 0.9, c.min_p = 0.05;
    compare(c, model);
    c.temperature = 1.3, c.top_k = 6, c.top_p = 0.7, c.min_p = 0.1;
    compare(c, toy_model(V, 3, 0.25, {2}, 0.9));  // ties inside rows
  }
  SUBCASE("with the processors, EOS ids, early stopping, a bitmask") {
    auto c = sampled(base(2, 4, V), 21);
    c.prompts = {{1, 3, 3, 7}, {4}};
    c.bias = {{3, 1.5}, {8, -0.75}};
    c.repetition_penalty = 1.4;
    c.no_repeat_ngram_size = 2;
    c.suppress_tokens = {0, 13};
    c.top_p = 0.9;
    compare(c, model);
    for (auto es : {EarlyStopping::kTrue, EarlyStopping::kNever}) {
      auto d = sampled(base(2, 3, V), 22);
      d.early_stopping = es;
      d.length_penalty = 0.5;
      d.eos = {2, 9};
      compare(d, toy_model(V, 11, 0.0, {2}, 1.2));
    }
    ToyMask mask = [&](size_t b, const std::vector<int32_t>& gen) {
      std::vector<uint32_t> w((V + 31) / 32, 0);
      uint64_t h = splitmix(b * 77 + gen.size());
      for (size_t t = 0; t < V; ++t)
        if ((splitmix(h + t) & 3) != 0 || t == 2) w[t / 32] |= 1u << (t % 32);
      return w;
    };
    compare(sampled(base(2, 3, V), 23), model, mask);
  }
  SUBCASE("fewer tokens with weight than K: zero-weight candidates by lower flat index") {
    // top_k 2 keeps two tokens per row; at the first step only beam 0 has weight
    // (the others start at -1e9), so six of the K = 8 draws are zero-weight fillers.
    auto c = sampled(base(2, 4, V), 31);
    c.top_k = 2;
    compare(c, model);
  }
  SUBCASE("a long vocabulary") {
    auto c = sampled(base(2, 4, 5000), 41);
    c.max_new_tokens = 5;
    c.top_p = 0.95;
    c.temperature = 0.9;
    compare(c, toy_model(5000, 19, 0.0, {2}, 2.0));
  }
}

TEST_CASE("beam sampling: reproducible from the seed; other seeds, other beams") {
  const size_t V = 40;
  auto model = toy_model(V, 7, 0.0, {2}, 0.9);
  auto c = base(2, 4, V);
  c.do_sample = true;
  c.seed = 77;
  BeamSearch s1, s2;
  Run a = run_searcher(s1, c, model), b = run_searcher(s2, c, model);
  CHECK(a.tokens == b.tokens);
  CHECK(a.parents == b.parents);
  CHECK(a.scores == b.scores);  // bit for bit
  Run again = run_searcher(s1, c, model);  // reset() starts the same draws again
  CHECK(again.tokens == a.tokens);
  size_t differ = 0;
  for (uint64_t seed = 78; seed < 88; ++seed) {
    c.seed = seed;
    Run o = run_searcher(s2, c, model);
    differ += o.tokens != a.tokens;
  }
  CHECK(differ >= 9);
  // Plain beam search is the top K; sampling at a low temperature mostly follows it, not exactly.
  auto greedy = base(2, 4, V);
  Run g = run_searcher(s1, greedy, model);
  CHECK(g.tokens != a.tokens);
}

TEST_CASE("group beam search: matches HF's recipe (reference), per step and per hypothesis") {
  const size_t V = 40;
  auto model = toy_model(V, 7, 0.0, {2}, 0.9);
  auto grouped = [](BeamSearchConfig c, size_t groups, double penalty) {
    c.num_beam_groups = groups;
    c.diversity_penalty = penalty;
    return c;
  };
  for (double penalty : {0.3, 1.0, 5.0}) {
    compare(grouped(base(3, 4, V), 2, penalty), model);
    compare(grouped(base(2, 4, V), 4, penalty), model);  // one beam per group
    compare(grouped(base(2, 6, V), 3, penalty), model);
  }
  for (auto es : {EarlyStopping::kTrue, EarlyStopping::kFalse, EarlyStopping::kNever})
    for (double lp : {1.0, 0.0, 2.0, -0.5}) {
      auto c = grouped(base(2, 4, V), 2, 1.5);
      c.early_stopping = es;
      c.length_penalty = lp;
      compare(c, model);
    }
  auto c = grouped(base(2, 6, V), 2, 2.0);
  c.eos = {2, 5, 9};
  c.pad_token = 0;
  compare(c, toy_model(V, 11, 0.0, {2}, 1.2));  // groups finish early: padded with token 0 and score 0
  {
    const RefRun r = ref_group_beam_search(c, toy_model(V, 11, 0.0, {2}, 1.2));
    size_t padded = 0;
    for (size_t t = 0; t < r.steps; ++t)
      for (size_t i = 0; i < r.tokens[t].size(); ++i) padded += r.tokens[t][i] == 0 && r.scores[t][i] == 0.0;
    CHECK(padded > 0);  // the done-group path is exercised
  }
  c.eos = {};
  c.pad_token = -1;
  compare(c, model);
  c = grouped(base(2, 4, V), 2, 0.8);
  c.prompts = {{1, 3, 3, 7}, {4}};
  c.bias = {{3, 1.5}};
  c.repetition_penalty = 1.5;
  c.no_repeat_ngram_size = 2;
  c.suppress_tokens = {0};
  c.min_new_tokens = 2;
  c.num_return_sequences = 2;
  compare(c, model);
  compare(grouped(base(2, 4, V), 2, 1.0), toy_model(V, 3, 0.25, {2}, 0.9));  // ties inside rows
  ToyMask mask = [&](size_t b, const std::vector<int32_t>& gen) {
    std::vector<uint32_t> w((V + 31) / 32, 0);
    uint64_t h = splitmix(b * 77 + gen.size());
    for (size_t t = 0; t < V; ++t)
      if ((splitmix(h + t) & 3) != 0 || t == 2) w[t / 32] |= 1u << (t % 32);
    return w;
  };
  compare(grouped(base(2, 4, V), 2, 1.0), model, mask);
  auto longv = grouped(base(2, 4, 5000), 2, 3.0);
  longv.max_new_tokens = 5;
  compare(longv, toy_model(5000, 19, 0.0, {2}, 2.0));
}

TEST_CASE("group beam search: the penalty changes the beams; a negligible one leaves the groups identical") {
  const size_t V = 40;
  auto model = toy_model(V, 7, 0.0, {2}, 0.9);
  auto c = base(1, 4, V);
  c.max_new_tokens = 6;
  c.num_beam_groups = 2;
  c.diversity_penalty = 1e-300;  // below every log-probability's last bit: no effect
  BeamSearch s;
  Run same = run_searcher(s, c, model);
  for (const auto& t : same.tokens) CHECK((t[0] == t[2] && t[1] == t[3]));
  c.diversity_penalty = 4.0;
  Run diverse = run_searcher(s, c, model);
  CHECK(diverse.tokens[0][2] != diverse.tokens[0][0]);  // group 1 avoids group 0's first tokens
  CHECK(diverse.tokens[0][2] != diverse.tokens[0][1]);
  CHECK(diverse.tokens != same.tokens);
  // numBeamGroups 1 is plain beam search (HF dispatches it to _beam_search).
  auto plain = base(1, 4, V);
  plain.max_new_tokens = 6;
  auto one = plain;
  one.num_beam_groups = 1;
  Run a = run_searcher(s, plain, model), b = run_searcher(s, one, model);
  CHECK(a.tokens == b.tokens);
  CHECK(a.scores == b.scores);
}

TEST_CASE("beam search reference: numBeams 1 is greedy") {
  const size_t V = 30;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto model = toy_model(V, seed, seed % 2 ? 0.5 : 0.0, {2}, 1.0);
    BeamSearchConfig c = base(1, 1, V);
    c.max_new_tokens = 10;
    RefRun r = ref_beam_search(c, model);
    std::vector<int32_t> gen;
    double sum = 0;
    for (;;) {
      std::vector<double> lp = ref_log_softmax(model(0, gen));
      size_t best = 0;
      for (size_t v = 1; v < V; ++v)
        if (lp[v] > lp[best]) best = v;
      gen.push_back(int32_t(best));
      sum += lp[best];
      if (best == 2 || gen.size() == c.max_new_tokens) break;
    }
    REQUIRE(r.hyps[0].size() == 1);
    CHECK(r.hyps[0][0].tokens == gen);
    CHECK(std::fabs(r.hyps[0][0].score - sum / double(gen.size())) <= 1e-12);
  }
}

TEST_CASE("beam search reference: exhaustive with numBeams >= V^(L-1) and early_stopping never") {
  struct Shape {
    size_t V, L;
    std::vector<int32_t> eos;
  };
  for (const Shape& sh : {Shape{3, 3, {0}}, Shape{4, 3, {0, 3}}, Shape{2, 5, {1}}}) {
    for (double lp : {1.0, 0.0, 2.0, -0.5}) {
      size_t nb = 1;
      for (size_t i = 0; i + 1 < sh.L; ++i) nb *= sh.V;
      BeamSearchConfig c = base(1, nb, sh.V);
      c.eos = sh.eos;
      c.max_new_tokens = sh.L;
      c.length_penalty = lp;
      c.early_stopping = EarlyStopping::kNever;
      auto model = toy_model(sh.V, 100 + sh.V, 0.0, sh.eos, 0.7);
      // Every sequence: stops at an EOS or at length L.
      std::vector<RefHyp> all;
      std::function<void(std::vector<int32_t>&, double)> walk = [&](std::vector<int32_t>& p, double sum) {
        std::vector<double> l = ref_log_softmax(model(0, p));
        for (size_t t = 0; t < sh.V; ++t) {
          p.push_back(int32_t(t));
          const double s = sum + l[t];
          const bool end = p.size() == sh.L || std::count(sh.eos.begin(), sh.eos.end(), int32_t(t)) > 0;
          if (end) all.push_back({p, s / std::pow(double(p.size()), lp), s});
          else walk(p, s);
          p.pop_back();
        }
      };
      std::vector<int32_t> p;
      walk(p, 0.0);
      std::stable_sort(all.begin(), all.end(), [](const RefHyp& a, const RefHyp& b) { return a.score > b.score; });
      RefRun r = ref_beam_search(c, model);
      const size_t n = std::min(all.size(), nb);
      REQUIRE(r.hyps[0].size() >= n);
      for (size_t i = 0; i < n; ++i) {
        CHECK(r.hyps[0][i].tokens == all[i].tokens);
        CHECK(std::fabs(r.hyps[0][i].score - all[i].score) <= 1e-12);
      }
      compare(c, model);  // and the searcher matches the reference there too
    }
  }
}

TEST_CASE("beam search: bad input is a named error and the searcher still works") {
  const size_t V = 20;
  auto model = toy_model(V, 5, 0.0, {2}, 1.0);
  BeamSearch s;
  auto c = base(2, 3, V);
  auto arg = [](lk::Status st) { return st.code == lk::StatusCode::kBadArgument ? int(st.index) : -1; };
  auto bad = c;
  bad.num_beams = 0;
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kNumBeams));
  bad = c;
  bad.num_return_sequences = 4;
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kNumReturnSequences));
  bad = c;
  bad.length_penalty = NAN;
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kLengthPenalty));
  bad = c;
  bad.vocab = 1;  // numBeams·V < K
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kVocab));
  bad = c;
  bad.eos = {2, 20};
  CHECK(s.reset(bad).code == lk::StatusCode::kBadMaskToken);
  CHECK(s.reset(bad).index == 1);
  bad = c;
  bad.bias = {{1, NAN}};
  CHECK(s.reset(bad).code == lk::StatusCode::kBadBias);
  bad = c;
  bad.prompts = {{1}};
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kPrompts));
  bad = c;
  bad.do_sample = true;
  bad.num_beams = 1, bad.num_return_sequences = 1;
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kDoSample));
  for (double t : {0.0, -1.0, double(NAN), double(INFINITY)}) {
    bad = c;
    bad.do_sample = true;
    bad.temperature = t;
    CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kTemperature));
  }
  bad = c;
  bad.num_beam_groups = 2;  // 3 beams
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kNumBeamGroups));
  bad.num_beam_groups = 0;
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kNumBeamGroups));
  bad.num_beam_groups = 3;
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kDiversityPenalty));  // groups need a penalty > 0
  bad.diversity_penalty = 1;
  REQUIRE(s.reset(bad).ok());
  bad.do_sample = true;
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kDiversityPenalty));  // the recipe refuses sampling
  bad = c;
  bad.diversity_penalty = 1;  // without groups
  CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kDiversityPenalty));
  for (double p : {-0.1, 1.5, double(NAN)}) {
    bad = c;
    bad.do_sample = true;
    bad.top_p = p;
    CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kTopP));
    bad.top_p = 1;
    bad.min_p = p;
    CHECK(arg(s.reset(bad)) == int(lk::BeamArg::kMinP));
  }

  REQUIRE(s.reset(c).ok());
  const size_t n = 6;
  std::vector<float> logits(n * V);
  for (size_t r = 0; r < n; ++r) {
    auto z = model(r / 3, {});
    std::copy(z.begin(), z.end(), logits.begin() + std::ptrdiff_t(r * V));
  }
  CHECK(s.step(logits.data(), n - 1).code == lk::StatusCode::kBadShape);
  std::vector<float> nan = logits;
  nan[4 * V + 7] = NAN;
  lk::Status st = s.step(nan.data(), n);
  CHECK(st.code == lk::StatusCode::kNaN);
  CHECK(st.index == 4 * V + 7);
  std::vector<uint32_t> words(n);
  CHECK(s.step(logits.data(), n, words.data(), 0).code == lk::StatusCode::kBitmaskTooShort);
  CHECK(s.steps() == 0);
  // After the errors: the same search as a fresh searcher's.
  BeamSearch fresh;
  Run a = run_searcher(fresh, c, model);
  REQUIRE(s.step(logits.data(), n).ok());
  CHECK(std::vector<int32_t>(s.tokens(), s.tokens() + n) == a.tokens[0]);
  // A finished search refuses further steps until reset.
  Run b = run_searcher(s, c, model);
  CHECK(b.hyps[0][0].tokens == a.hyps[0][0].tokens);
  CHECK(arg(s.step(logits.data(), n)) == int(lk::BeamArg::kStepAfterDone));
}

TEST_CASE("beam search: HF's padding value") {
  BeamSearch s;
  auto c = base(1, 2, 10);
  REQUIRE(s.reset(c).ok());
  CHECK(s.fill_token() == 2);  // no pad: the first EOS
  c.pad_token = 0;
  REQUIRE(s.reset(c).ok());
  CHECK(s.fill_token() == 2);  // `pad_token_id or eos_token_id[0]`: pad 0 is falsy
  c.pad_token = 7;
  REQUIRE(s.reset(c).ok());
  CHECK(s.fill_token() == 7);
  c.eos = {};
  REQUIRE(s.reset(c).ok());
  CHECK(s.fill_token() == -1);
}
