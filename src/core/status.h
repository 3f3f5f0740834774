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
  // The sampler (sampler.h). Its options' ranges are one code: the index is
  // the option's position in sampler_options() (sampler_options.h), whose
  // table names the option and its rule; the JS wrapper words the message.
  kBadOption = 9,
  kBadBias = 10,            // logit bias token outside [0, V) or value NaN; index = entry
  kBadMaskToken = 11,       // banned/allowed/begin-suppress/EOS/bad-word token outside [0, V); index = entry
  kBitmaskTooShort = 12,    // token bitmask has fewer than ceil(V / 32) words
  kBadHistoryToken = 13,    // history token outside [0, V); index = position
  kBadOrder = 14,           // unknown or repeated stage, or an enabled control missing from the order
  kBadToken = 15,           // a token argument outside [0, V)
  kBadBadWords = 16,        // bad-word offsets not ascending from 0 to the token count
  kBadState = 17,           // a saved sampler state that does not parse
  kBadDryBreakers = 18,     // DRY breakers: a token outside [0, V) or offsets not ascending
  kCount
};

struct Status {
  StatusCode code = StatusCode::kOk;
  size_t index = 0;
  bool ok() const { return code == StatusCode::kOk; }
  static Status Ok() { return {}; }
  static Status Error(StatusCode c, size_t i = 0) { return {c, i}; }
};

// A short English description (for C++ users and logs).
const char* status_name(StatusCode code);
// The code's name as the JS schema exports it ("noTokenLeft", "badOption", ...).
const char* status_id(StatusCode code);

}  // namespace lk
