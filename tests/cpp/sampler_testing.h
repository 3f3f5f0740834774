// Helpers shared by the sampler tests: a small seeded generator for test
// data (independent of the sampler's own RNG) and the chi-square critical
// value the statistical tests use.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "sampling/sampler.h"
#include "sampling/sampler_stages.h"
#include "sampling/sampler_options.h"
#include "status.h"

namespace sampler_testing {

struct Lcg {
  uint64_t s;
  uint64_t next() { s = s * 6364136223846793005ULL + 1442695040888963407ULL; return s >> 11; }
  double uniform() { return double(next()) * 0x1p-53; }
  size_t below(size_t n) { return size_t(uniform() * double(n)); }
  double normal() { double u = uniform() + 1e-300, v = uniform(); return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v); }
};

// A sequence with the given history (all of it prompt) and stream.
inline lk::SequenceState sequence(const std::vector<int32_t>& history = {}, lk::SamplingRng rng = {}) {
  lk::SequenceState seq;
  seq.rng = rng;
  seq.history = history;
  seq.prompt_length = history.size();
  return seq;
}

inline std::vector<float> normal_row(Lcg& g, size_t v, double scale) {
  std::vector<float> x(v);
  for (auto& z : x) z = float(g.normal() * scale);
  return x;
}

// Upper 1e-3 quantile of chi-square with k degrees of freedom (Wilson–Hilferty;
// within 3% of the exact value for k >= 1, on the conservative side at small k).
inline double chi2_critical_1e3(int k) {
  const double z = 3.090232306167813, a = 2.0 / (9.0 * k);
  return k * std::pow(1 - a + z * std::sqrt(a), 3);
}

// A status that rejects the option called `name` (kBadOption, index = its position).
inline bool is_bad_option(const lk::Status& st, const char* name) {
  return st.code == lk::StatusCode::kBadOption && int32_t(st.index) == lk::sampler_option_index(name);
}

// Any option by its JS name, core or stage-declared (XTC's are the latter).
inline void set_option(lk::SamplerConfig& c, const char* name, double v) {
  lk::set_option(c, size_t(lk::sampler_option_index(name)), v);
}
inline double option(const lk::SamplerConfig& c, const char* name) {
  return lk::option_value(c, size_t(lk::sampler_option_index(name)));
}

// An order by filter names (-1 for an unknown name), e.g. order_of({"topK", "temperature"}).
inline std::vector<int32_t> order_of(std::initializer_list<const char*> names) {
  std::vector<int32_t> order;
  for (const char* n : names) order.push_back(lk::sampler_stage_index(n));
  return order;
}

}  // namespace sampler_testing
