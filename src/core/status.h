// How core functions report failure: a code plus the flat index of the
// offending element where one exists. No exceptions, so the core builds the
// same with and without them (Emscripten disables them by default).
#pragma once
#include <cstddef>
#include <cstdint>

namespace lk {

enum class StatusCode : int32_t {
  kOk = 0,
  kNaN = 1,                 // a NaN in the input; index = first one
  kBadTemperature = 2,      // temperature NaN, negative or infinite
  kBadShape = 3,            // sizes that do not fit together
  kBadLabel = 4,            // class index outside [0, C) and not ignore_index; index = sample
  kBadProbability = 5,      // a probability outside [0, 1]; index = element
  kBadArgument = 6,         // any other out-of-range parameter
  kEmpty = 7,               // an operation that needs at least one element got none
  kNoTokenLeft = 8,         // every token was masked or filtered
  // Sampler parameters (sampler.h); index = position in the offending list where there is one.
  kBadTopK = 9,             // top_k < 0
  kBadTopP = 10,            // top_p NaN or outside [0, 1]
  kBadMinP = 11,            // min_p NaN or outside [0, 1]
  kBadTypicalP = 12,        // typical_p NaN or outside [0, 1]
  kBadPenalty = 13,         // repetition penalty not finite > 0, frequency/presence not finite, last_n < -1
  kBadBias = 14,            // logit bias token outside [0, V) or value NaN; index = entry
  kBadMaskToken = 15,       // banned/allowed token outside [0, V); index = entry
  kBitmaskTooShort = 16,    // token bitmask has fewer than ceil(V / 32) words
  kBadHistoryToken = 17,    // history token outside [0, V); index = position
  kBadOrder = 18,           // unknown or repeated stage, or an enabled control missing from the order
  kBadTopLogprobs = 19,     // top_logprobs outside [0, 20]
  kBadEpsilon = 20,         // epsilon NaN or outside [0, 1)
  kBadEta = 21,             // eta NaN or outside [0, 1)
  kBadTopNSigma = 22,       // top_n_sigma NaN, negative or infinite
  kBadXtc = 23,             // xtc probability or threshold NaN or outside [0, 1]
  kBadDynamicTemperature = 24,  // dynatemp range or exponent NaN, negative or infinite
  kBadToken = 25,           // a token argument outside [0, V)
  kBadMirostat = 26,        // mirostat not 0/1/2, tau or eta negative or not finite, m < 1
  kBadBadWords = 27,        // bad-word offsets not ascending within the token list, or no_repeat_ngram_size < 0
  kBadMinLength = 28,       // min_length or min_new_tokens < 0
  kBadState = 29,           // a saved sampler state that does not parse
  kBadDry = 30,             // DRY multiplier/base not finite or negative, allowed length < 0, last_n < -1, bad breakers
};

struct Status {
  StatusCode code = StatusCode::kOk;
  size_t index = 0;
  bool ok() const { return code == StatusCode::kOk; }
  static Status Ok() { return {}; }
  static Status Error(StatusCode c, size_t i = 0) { return {c, i}; }
};

const char* status_name(StatusCode code);

}  // namespace lk
