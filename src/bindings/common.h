// Shared by the embind files: pointers cross as 32-bit integers (wasm32
// addresses), statuses as int codes with the offending index kept aside.
//
// The calls made once per generated token (argmax, Sampler.sample and
// accept) are plain wasm exports (extern "C" EMSCRIPTEN_KEEPALIVE, reached as
// module._lk_*): without eval (DYNAMIC_EXECUTION=0, so that pages with a
// strict Content Security Policy can load us) embind's generic invoker costs
// 0.4 µs per function call and 0.9 µs per method call, a tenth of a greedy step.
#pragma once
#include <cstddef>
#include <cstdint>

#include "status.h"

namespace lk_bind {

extern double g_error_index;

inline int report(lk::Status s) {
  g_error_index = s.ok() ? -1.0 : double(s.index);
  return int(s.code);
}
template <class T = float>
inline T* ptr(uintptr_t p) { return reinterpret_cast<T*>(p); }

}  // namespace lk_bind
