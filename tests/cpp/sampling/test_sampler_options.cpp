// The sampler's option table (sampler_options.h): every option is reachable
// through it, its default passes its own rule, and validation rejects a value
// outside the rule with kBadOption at the option's position.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "sampling/sampler.h"
#include "sampling/sampler_options.h"
#include "sampling/sampler_stages.h"

namespace {
// A value just outside the option's rule on each bounded side, and NaN.
std::vector<double> outside(const lk::SamplerOption& o) {
  std::vector<double> v = {NAN, INFINITY, -INFINITY};
  if (std::isfinite(o.min) && o.min > -1e30) v.push_back(o.min_exclusive ? o.min : o.min - 1);
  if (std::isfinite(o.max) && o.max < 1e30) v.push_back(o.max_exclusive ? o.max : o.max + 1);
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
