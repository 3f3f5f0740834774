// Prints the sampler schema with the options' docs (sampler_options.h):
// scripts/sampler-docs.mjs writes SamplerOptions and docs/sampler.md's
// options table from it. The wasm modules export the same schema without the
// docs (LK_OPTION_DOCS=0).
#include <cstdio>

#include "sampling/sampler_options.h"

int main() {
  std::puts(lk::sampler_schema_json().c_str());
  return 0;
}
