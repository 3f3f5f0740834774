#include "status.h"

namespace lk {

const char* status_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kNaN: return "NaN in input";
    case StatusCode::kBadTemperature: return "temperature must be finite and >= 0";
    case StatusCode::kBadShape: return "sizes do not fit together";
    case StatusCode::kBadLabel: return "class index out of range";
    case StatusCode::kBadProbability: return "probability outside [0, 1]";
    case StatusCode::kBadArgument: return "argument out of range";
    case StatusCode::kEmpty: return "empty input";
    case StatusCode::kNoTokenLeft: return "no token left";
    case StatusCode::kBadOption: return "a sampler option is outside its range (index: sampler_options())";
    case StatusCode::kBadBias: return "logitBias tokens must be in [0, vocabulary) and values not NaN";
    case StatusCode::kBadMaskToken: return "banned/allowed/begin-suppress/EOS/bad-word tokens must be in [0, vocabulary)";
    case StatusCode::kBitmaskTooShort: return "the token bitmask must have at least ceil(vocabulary / 32) words";
    case StatusCode::kBadHistoryToken: return "history tokens must be in [0, vocabulary)";
    case StatusCode::kBadOrder: return "order must list known stages once each and include every enabled control";
    case StatusCode::kBadToken: return "token must be in [0, vocabulary)";
    case StatusCode::kBadBadWords: return "badWords offsets must ascend from 0 to the token count";
    case StatusCode::kBadState: return "saved sampler state does not parse";
    case StatusCode::kBadDryBreakers: return "DRY breakers must be non-empty token sequences of tokens in [0, vocabulary)";
    case StatusCode::kCount: break;
  }
  return "unknown";
}

const char* status_id(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kNaN: return "nan";
    case StatusCode::kBadTemperature: return "badTemperature";
    case StatusCode::kBadShape: return "badShape";
    case StatusCode::kBadLabel: return "badLabel";
    case StatusCode::kBadProbability: return "badProbability";
    case StatusCode::kBadArgument: return "badArgument";
    case StatusCode::kEmpty: return "empty";
    case StatusCode::kNoTokenLeft: return "noTokenLeft";
    case StatusCode::kBadOption: return "badOption";
    case StatusCode::kBadBias: return "badBias";
    case StatusCode::kBadMaskToken: return "badMaskToken";
    case StatusCode::kBitmaskTooShort: return "bitmaskTooShort";
    case StatusCode::kBadHistoryToken: return "badHistoryToken";
    case StatusCode::kBadOrder: return "badOrder";
    case StatusCode::kBadToken: return "badToken";
    case StatusCode::kBadBadWords: return "badBadWords";
    case StatusCode::kBadState: return "badState";
    case StatusCode::kBadDryBreakers: return "badDryBreakers";
    case StatusCode::kCount: break;
  }
  return "unknown";
}

}  // namespace lk
