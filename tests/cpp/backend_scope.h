// Runs a scope of a test on one kernel backend and restores the previous one
// on the way out, whatever way that is (a failed REQUIRE throws): the next
// test never inherits a switched backend.
#pragma once
#include "kernels/kernels.h"

namespace lk_test {

class BackendScope {
 public:
  explicit BackendScope(lk::Backend b) : previous_(lk::active_backend()) { lk::set_active_backend(b); }
  ~BackendScope() { lk::set_active_backend(previous_); }
  BackendScope(const BackendScope&) = delete;
  BackendScope& operator=(const BackendScope&) = delete;

 private:
  lk::Backend previous_;
};

}  // namespace lk_test
