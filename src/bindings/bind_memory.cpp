// Memory and build facts for the JS wrapper.
#include <emscripten/bind.h>
#include <emscripten/emmalloc.h>

#include <cstdlib>
#include <string>

#include "common.h"
#include "kernels/kernels.h"

namespace lk_bind {
double g_error_index = -1.0;
}

namespace {
// 16-byte aligned so vector loads of whole blocks stay aligned.
uintptr_t alloc_bytes(uint32_t bytes) {
  void* p = std::aligned_alloc(16, (size_t(bytes) + 15) & ~size_t(15));
  return reinterpret_cast<uintptr_t>(p);
}
void free_bytes(uintptr_t p) { std::free(reinterpret_cast<void*>(p)); }
double last_error_index() { return lk_bind::g_error_index; }
std::string backend_name() { return lk::active_kernels().name; }
// Bytes the allocator has handed out and not taken back (leak tests).
double heap_in_use() { return double(emmalloc_dynamic_heap_size() - emmalloc_free_dynamic_memory()); }
}  // namespace

EMSCRIPTEN_BINDINGS(memory) {
  emscripten::function("alloc", &alloc_bytes);
  emscripten::function("free", &free_bytes);
  emscripten::function("lastErrorIndex", &last_error_index);
  emscripten::function("backendName", &backend_name);
  emscripten::function("heapInUse", &heap_in_use);
}
