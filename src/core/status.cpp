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
    case StatusCode::kBadTopK: return "topK must be an integer >= 0";
    case StatusCode::kBadTopP: return "topP must be in [0, 1]";
    case StatusCode::kBadMinP: return "minP must be in [0, 1]";
    case StatusCode::kBadTypicalP: return "typicalP must be in [0, 1]";
    case StatusCode::kBadPenalty: return "repetitionPenalty must be finite and > 0, frequency/presence penalties finite, penaltyLastN >= -1";
    case StatusCode::kBadBias: return "logitBias tokens must be in [0, vocabulary) and values not NaN";
    case StatusCode::kBadMaskToken: return "banned/allowed tokens must be in [0, vocabulary)";
    case StatusCode::kBitmaskTooShort: return "tokenBitmask must have at least ceil(vocabulary / 32) words";
    case StatusCode::kBadHistoryToken: return "history tokens must be in [0, vocabulary)";
    case StatusCode::kBadOrder: return "order must list known stages once each and include every enabled control";
    case StatusCode::kBadTopLogprobs: return "topLogprobs must be in [0, 20]";
    case StatusCode::kBadEpsilon: return "epsilon must be in [0, 1)";
    case StatusCode::kBadEta: return "eta must be in [0, 1)";
    case StatusCode::kBadTopNSigma: return "topNSigma must be finite and >= 0";
    case StatusCode::kBadXtc: return "xtcProbability and xtcThreshold must be in [0, 1]";
    case StatusCode::kBadDynamicTemperature: return "dynatempRange and dynatempExponent must be finite and >= 0";
    case StatusCode::kBadToken: return "token must be in [0, vocabulary)";
    case StatusCode::kBadMirostat: return "mirostat must be 0, 1 or 2, mirostatTau and mirostatEta finite and >= 0, mirostatM >= 1";
    case StatusCode::kBadBadWords: return "badWords offsets must ascend from 0 to the token count; noRepeatNgramSize >= 0";
    case StatusCode::kBadMinLength: return "minLength and minNewTokens must be >= 0";
    case StatusCode::kBadState: return "saved sampler state does not parse";
    case StatusCode::kBadDry: return "dryMultiplier must be finite and >= 0, dryBase finite and > 0, dryAllowedLength >= 0, dryPenaltyLastN >= -1, dry breakers non-empty token sequences";
  }
  return "unknown";
}

}  // namespace lk
