// Shared by the embind files: pointers cross as 32-bit integers (wasm32
// addresses), statuses as int codes with the offending index kept aside.
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
