#include "sampling/sampler_session.h"

#include "sampling/sampler_stages.h"
#include "sampling/sampling_candidates.h"
#include "number_text.h"

#include <cstring>

namespace lk {
namespace {

template <class T>
Span<T> own(Span<T> src, std::vector<T>& dst) {
  dst.assign(src.data, src.data + src.size);
  return Span<T>{dst.data(), dst.size()};
}

// A cursor over the JSON text of save(); every parse step reports failure.
struct Reader {
  const char* p;
  const char* end;
  void space() {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) ++p;
  }
  bool eat(char c) {
    space();
    if (p < end && *p == c) { ++p; return true; }
    return false;
  }
  bool key(std::string* k) {
    if (!eat('"')) return false;
    const char* q = static_cast<const char*>(std::memchr(p, '"', size_t(end - p)));
    if (!q) return false;
    k->assign(p, q);
    p = q + 1;
    return eat(':');
  }
  bool integer(uint64_t* v, bool quoted) {
    if (quoted && !eat('"')) return false;
    space();
    if (p >= end || *p < '0' || *p > '9') return false;
    uint64_t x = 0;
    for (; p < end && *p >= '0' && *p <= '9'; ++p) {
      const uint64_t d = uint64_t(*p - '0');
      if (x > (UINT64_MAX - d) / 10) return false;
      x = x * 10 + d;
    }
    *v = x;
    return !quoted || eat('"');
  }
  bool number_or_null(double* v) {
    space();
    if (size_t(end - p) >= 4 && std::strncmp(p, "null", 4) == 0) {
      p += 4;
      *v = __builtin_nan("");
      return true;
    }
    size_t n = 0;
    while (p + n < end && std::strchr("0123456789+-.eE", p[n])) ++n;
    if (!parse_number(p, n, v)) return false;
    p += n;
    return true;
  }
};

}  // namespace

Sampler::Sampler(uint64_t seed, uint64_t stream, SamplerWorkspace* shared)
    : own_ws_(shared ? nullptr : new SamplerWorkspace), ws_(shared ? shared : own_ws_.get()) {
  state_.rng.seed = seed;
  state_.rng.stream = stream;
}

Status Sampler::configure(const SamplerConfig& cfg) {
  cfg_ = cfg;
  cfg_.logit_bias = own(cfg.logit_bias, bias_);
  cfg_.banned_tokens = own(cfg.banned_tokens, banned_);
  cfg_.allowed_tokens = own(cfg.allowed_tokens, allowed_);
  cfg_.token_bitmask = own(cfg.token_bitmask, bitmask_);
  cfg_.begin_suppress_tokens = own(cfg.begin_suppress_tokens, begin_suppress_);
  cfg_.eos_tokens = own(cfg.eos_tokens, eos_);
  cfg_.bad_words = own(cfg.bad_words, bad_words_);
  cfg_.bad_words_offsets = own(cfg.bad_words_offsets, bad_words_offsets_);
  cfg_.order = own(cfg.order, order_);
  cfg_.dry_breakers = own(cfg.dry_breakers, dry_breakers_);
  cfg_.dry_breakers_offsets = own(cfg.dry_breakers_offsets, dry_breakers_offsets_);
  options_status_ = validate_sampler_options(cfg_);
  return options_status_;
}

void Sampler::set_prompt(const int32_t* tokens, size_t count) {
  state_.history.assign(tokens, tokens + count);
  state_.prompt_length = count;
}

namespace {
// Puts a step's bitmask in the configuration for the duration of the step.
class StepBitmask {
 public:
  StepBitmask(SamplerConfig& cfg, Span<uint32_t> mask) : cfg_(cfg), configured_(cfg.token_bitmask) {
    if (mask.size) cfg_.token_bitmask = mask;
  }
  ~StepBitmask() { cfg_.token_bitmask = configured_; }
  StepBitmask(const StepBitmask&) = delete;
  StepBitmask& operator=(const StepBitmask&) = delete;

 private:
  SamplerConfig& cfg_;
  Span<uint32_t> configured_;
};
}  // namespace

Status Sampler::sample(float* logits, size_t vocab, SampleResult* out, Span<uint32_t> step_bitmask) {
  if (!options_status_.ok()) return options_status_;
  StepBitmask mask(cfg_, step_bitmask);
  return sample_logits_checked(logits, vocab, cfg_, state_, *ws_, out, true);
}

Status Sampler::distribution(float* logits, size_t vocab, int32_t* ids, float* probs, size_t* count,
                             Span<uint32_t> step_bitmask) {
  if (!options_status_.ok()) return options_status_;
  StepBitmask mask(cfg_, step_bitmask);
  return sampler_distribution_checked(logits, vocab, cfg_, state_, *ws_, ids, probs, count, true);
}

void Sampler::reset() {
  state_.history.clear();
  state_.prompt_length = 0;
  state_.rng.counter = 0;
  state_.mirostat_mu = __builtin_nan("");
  state_.stage_state.clear();
}

std::string Sampler::save() const {
  // Doubles as number_text writes them (the shortest text that reads back
  // the same bits); unset ones (NaN) as null.
  const auto number_or_null = [](double v) { return v == v ? number_text(v) : std::string("null"); };
  const SamplingRng& r = state_.rng;
  std::string out = "{\"version\":1,\"seed\":\"" + std::to_string(r.seed) + "\",\"stream\":\"" +
                    std::to_string(r.stream) + "\",\"counter\":\"" + std::to_string(r.counter) +
                    "\",\"promptLength\":" + std::to_string(state_.prompt_length) +
                    ",\"mirostatMu\":" + number_or_null(state_.mirostat_mu) + ",\"history\":[";
  for (size_t i = 0; i < state_.history.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(state_.history[i]);
  }
  out += ']';
  // Stateful stages (sampler_stages.h), when a step has used one; NaN (unset) as null.
  if (!state_.stage_state.empty()) {
    out += ",\"stageState\":[";
    for (size_t i = 0; i < state_.stage_state.size(); ++i) {
      if (i) out += ',';
      out += number_or_null(state_.stage_state[i]);
    }
    out += ']';
  }
  out += '}';
  return out;
}

Status Sampler::restore(const std::string& json) {
  const Status bad = Status::Error(StatusCode::kBadState);
  Reader in{json.data(), json.data() + json.size()};
  SequenceState s;
  uint64_t version = 0, prompt = 0;
  unsigned seen = 0;
  if (!in.eat('{')) return bad;
  do {
    std::string k;
    if (!in.key(&k)) return bad;
    bool ok = false;
    if (k == "version") { ok = in.integer(&version, false) && version == 1; seen |= 1; }
    else if (k == "seed") { ok = in.integer(&s.rng.seed, true); seen |= 2; }
    else if (k == "stream") { ok = in.integer(&s.rng.stream, true); seen |= 4; }
    else if (k == "counter") { ok = in.integer(&s.rng.counter, true); seen |= 8; }
    else if (k == "promptLength") { ok = in.integer(&prompt, false); seen |= 16; }
    else if (k == "mirostatMu") { ok = in.number_or_null(&s.mirostat_mu); seen |= 32; }
    else if (k == "history") {
      seen |= 64;
      ok = in.eat('[');
      if (ok && !in.eat(']')) {
        do {
          uint64_t t;
          ok = in.integer(&t, false) && t <= uint64_t(INT32_MAX);
          if (ok) s.history.push_back(int32_t(t));
        } while (ok && in.eat(','));
        ok = ok && in.eat(']');
      }
    }
    else if (k == "stageState") {
      ok = in.eat('[');
      if (ok && !in.eat(']')) {
        do {
          double v;
          ok = in.number_or_null(&v);
          if (ok) s.stage_state.push_back(v);
        } while (ok && in.eat(','));
        ok = ok && in.eat(']');
      }
      ok = ok && s.stage_state.size() == stage_state_size();
    }
    if (!ok) return bad;
  } while (in.eat(','));
  if (!in.eat('}') || seen != 127 || prompt > s.history.size()) return bad;
  in.space();
  if (in.p != in.end) return bad;
  s.prompt_length = size_t(prompt);
  state_ = std::move(s);
  return Status::Ok();
}

}  // namespace lk
