// The sampler's option table (sampler_options.h): every option is reachable
// through it, its default passes its own rule, and validation rejects a value
// outside the rule with kBadOption at the option's position.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "sampling/sampler.h"
#include "sampling/sampler_options.h"
#include "sampling/sampler_session.h"
#include "sampling/sampler_stages.h"
#include "sampler_testing.h"

namespace {
// A value just outside the option's rule on each bounded side, and NaN.
std::vector<double> outside(const lk::SamplerOption& o) {
  std::vector<double> v = {NAN, INFINITY, -INFINITY};
  if (std::isfinite(o.min) && o.min > -1e30) v.push_back(o.min_exclusive ? o.min : o.min - 1);
  // One above max, or the next double above it where 1 is below its ulp (temperature's 2^64).
  if (std::isfinite(o.max) && o.max < 1e30) v.push_back(o.max_exclusive ? o.max : std::max(o.max + 1, std::nextafter(o.max, INFINITY)));
  if (o.kind == lk::OptionKind::kInteger && o.max > o.min + 1) v.push_back(o.min + 0.5);
  return v;
}
}  // namespace

TEST_CASE("sampler options: unique names, defaults within their rules, each option set and checked through the table") {
  const lk::Span<lk::SamplerOption> all = lk::sampler_options();
  REQUIRE(all.size >= 30);
  std::set<std::string> names;
  const lk::SamplerConfig defaults;
  for (size_t i = 0; i < all.size; ++i) {
    const lk::SamplerOption& o = all.data[i];
    INFO(o.name);
    CHECK(names.insert(o.name).second);
    CHECK(lk::sampler_option_index(o.name) == int32_t(i));
    if (LK_OPTION_DOCS) CHECK(std::strlen(o.doc) > 10);  // the wasm modules leave the docs out
    CHECK(lk::option_accepts(o, o.get(defaults)));
    CHECK(lk::validate_sampler_config(defaults, 8).ok());
    // A valid value other than the default reaches the field and back.
    const double lo = std::isfinite(o.min) ? o.min + (o.min_exclusive ? 1 : 0) : -1;
    const double valid = o.kind == lk::OptionKind::kBoolean ? 1 - o.get(defaults) : (o.get(defaults) == lo ? lo + 1 : lo);
    if (lk::option_accepts(o, valid)) {
      lk::SamplerConfig c;
      o.set(c, valid);
      CHECK(o.get(c) == valid);
    }
    for (double bad : outside(o)) {
      // An int field cannot hold a fraction or a non-finite value, nor a bool
      // anything but 0 or 1: the rule itself rejects those.
      const bool storable = o.kind == lk::OptionKind::kBoolean ? false
                            : o.kind == lk::OptionKind::kInteger ? std::isfinite(bad) && bad == std::floor(bad)
                                                                 : true;
      if (!storable) {
        CHECK_FALSE(lk::option_accepts(o, bad));
        continue;
      }
      lk::SamplerConfig c;
      o.set(c, bad);
      const lk::Status st = lk::validate_sampler_config(c, 8);
      CAPTURE(bad);
      CHECK(st.code == lk::StatusCode::kBadOption);
      CHECK(st.index == i);
    }
  }
  CHECK(lk::sampler_option_index("noSuchOption") == -1);
  CHECK(std::string(lk::sampler_stages().data[lk::filter_stage(size_t(lk::sampler_stage_index("temperature")))]->name) == "temperature");
  CHECK(lk::sampler_stage_index("noSuchStage") == -1);
  CHECK(lk::sampler_schema_json().find("\"noTokenLeft\":8") != std::string::npos);
}

TEST_CASE("sampler options: configure() rejects a bad order or a NaN option, with the JS API's messages") {
  using sampler_testing::order_of;
  using sampler_testing::set_option;
  lk::Sampler sampler;
  auto message = [&](const lk::SamplerConfig& c) {
    const lk::Status st = sampler.configure(c);
    CHECK_FALSE(st.ok());
    CHECK(sampler.options_status().code == st.code);
    return lk::sampler_options_message(st, c);
  };
  lk::SamplerConfig c;
  // An order that leaves out an enabled filter: at configure, not at the first step.
  const std::vector<int32_t> temp_only = order_of({"temperature"});
  c.order = {temp_only.data(), temp_only.size()};
  c.min_p = 0.05;
  CHECK(message(c) == "options.order leaves out 'minP', which the options enable: list it, or turn it off");
  c.min_p = 0;
  set_option(c, "xtcProbability", 0.5);  // a filter with its own options
  CHECK(message(c) == "options.order leaves out 'xtc', which the options enable: list it, or turn it off");
  set_option(c, "xtcProbability", 0);
  CHECK(sampler.configure(c).ok());
  // Unknown and repeated entries.
  const std::vector<int32_t> unknown = {lk::sampler_stage_index("topK"), 99}, twice = order_of({"topK", "topK"});
  c.order = {unknown.data(), unknown.size()};
  CHECK(message(c) == "options.order[1] must be one of topK, topP, minP, typicalP, topNSigma, epsilon, eta, xtc, temperature");
  c.order = {twice.data(), twice.size()};
  CHECK(message(c) == "options.order[1] repeats 'topK': list each stage once");
  // NaN in a core option and in a stage's own option; other bad values as the JS checks word them.
  lk::SamplerConfig n;
  n.top_p = NAN;
  CHECK(message(n) == "options.topP must be a number, got NaN");
  lk::SamplerConfig s;
  set_option(s, "xtcThreshold", NAN);
  CHECK(message(s) == "options.xtcThreshold must be a number, got NaN");
  set_option(s, "xtcThreshold", 1.5);
  CHECK(message(s) == "options.xtcThreshold must be <= 1, got 1.5");
  lk::SamplerConfig k;
  k.top_k = -3;
  CHECK(message(k) == "options.topK must be >= 0, got -3");
  lk::SamplerConfig e;
  e.epsilon = 1;
  CHECK(message(e) == "options.epsilon must be < 1, got 1");
  lk::SamplerConfig r;
  r.repetition_penalty = 0;
  CHECK(message(r) == "options.repetitionPenalty must be > 0, got 0");
  lk::SamplerConfig t;
  t.temperature = INFINITY;
  CHECK(message(t) == "options.temperature must be <= 18446744073709552000, got Infinity");
  t.temperature = 0x1p64 * 1.5;  // above 2^64 the weights' intermediates would leave the normal range
  CHECK(message(t) == "options.temperature must be <= 18446744073709552000, got 27670116110564327000");
  lk::SamplerConfig big;
  big.top_n_sigma = INFINITY;
  CHECK(message(big) == "options.topNSigma must be finite, got Infinity");
  lk::SamplerConfig small;
  small.min_p = -1e-7;
  CHECK(message(small) == "options.minP must be >= 0, got -1e-7");
  lk::SamplerConfig two;
  two.mirostat = 2;
  set_option(two, "adaptivePTarget", 0.5);
  CHECK(message(two) == "options.adaptivePTarget enables the adaptiveP selector, but mirostat already picks the token: one selector at a time");
  // A step reports the same status, and nothing changes.
  std::vector<float> x = {0, 1, 2};
  lk::SampleResult res;
  CHECK(sampler.sample(x.data(), x.size(), &res).code == lk::StatusCode::kBadOption);
  CHECK(sampler.state().rng.counter == 0);
}
