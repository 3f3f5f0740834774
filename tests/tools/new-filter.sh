#!/usr/bin/env bash
# A new filter stage is four hand-edited files, everything else generated
# (CONTRIBUTING.md, "Adding a sampler stage"). Shown on a scratch copy of the
# tree: the fixture filter top-a (tests/fixtures/new-filter/) goes in as its
# stage file, its test, ONE line in the registry and a docs paragraph; then
# the build's generators run, and
#   - exactly those four files differ by hand (the registry by one added line);
#   - the native library builds and the filter's own doctest passes (kept
#     sets vs float64, its place in both presets, C++ validation messages);
#   - the generated files carry it: `topA` is typed (tsc accepts it in
#     SamplerOptions and as an order name, rejects a string), documented (the
#     options table, the preset lists, docs/api.md) and validated by the JS
#     wrapper from the schema alone (RangeError and TypeError naming it).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fixture="$root/tests/fixtures/new-filter"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tree="$tmp/tree"
mkdir "$tree"
# The tree as it is (tracked files, with their working changes).
(cd "$root" && git ls-files -z | tar --null -T - -cf -) | tar -C "$tree" -xf -
ln -s "$root/node_modules" "$tree/node_modules"
cd "$tree"
git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm base

# The four hand edits.
cp "$fixture/top_a.cpp" src/core/sampling/stages/top_a.cpp
cp "$fixture/test_top_a.cpp" tests/cpp/sampling/stages/test_top_a.cpp
sed -i 's|^  /\* end of the registry \*/$|  X(kTopAStage)           \\\n&|' src/core/sampling/sampler_stages.cpp
cat "$fixture/sampler-docs-paragraph.md" >> docs/sampler.md
git add -A
hand="$(git diff --cached --name-only | sort | tr '\n' ' ')"
want="docs/sampler.md src/core/sampling/sampler_stages.cpp src/core/sampling/stages/top_a.cpp tests/cpp/sampling/stages/test_top_a.cpp "
[ "$hand" = "$want" ] || { echo "new-filter: hand-edited files are '$hand', expected '$want'" >&2; exit 1; }
registry="$(git diff --cached --numstat src/core/sampling/sampler_stages.cpp | cut -f1,2)"
[ "$registry" = "$(printf '1\t0')" ] || { echo "new-filter: the registry change is not one added line ($registry)" >&2; exit 1; }
git -c user.email=t@t -c user.name=t commit -qm hand

# The native library, the schema tool and the filter's own test (not the whole suite).
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build/native -j "${LK_JOBS:-2}" --target lk_core lk_schema >/dev/null
clang++ -std=c++17 -O1 -ffp-contract=off -fno-fast-math -msse2 -Isrc/core -Itests/cpp \
  tests/cpp/main.cpp tests/cpp/sampling/stages/test_top_a.cpp build/native/liblk_core.a -o build/test_top_a
build/test_top_a --no-colors=true | tail -2

# What the build generates (scripts/build.sh: sampler-docs.mjs, api-docs.mjs).
node scripts/sampler-docs.mjs >/dev/null
node scripts/api-docs.mjs >/dev/null
generated="$(git status --porcelain | sed 's/^...//' | sort | tr '\n' ' ')"
echo "new-filter: by hand: $hand"
echo "new-filter: generated: $generated"
grep -q '^| `topA` | 0 | finite, ≥ 0, ≤ 1 | Top-a: keep tokens with p >= topA · p_max²; 0 = off. (stage `topA`) |$' docs/sampler.md
grep -q "presets: \`'llama.cpp'\` (.*minP → topA → epsilon" docs/sampler.md
grep -q "topA?: number" docs/api.md
grep -q "^export type SamplerStageName = .*'topA'" src/js/types/21-sampler-options.d.ts

# Typed: the shipped types, assembled as scripts/build.sh does.
mkdir -p build/types-check
cat src/js/types/*.d.ts > build/types-check/index.d.ts
cat > build/types-check/use.ts <<'TS'
import type { SamplerOptions } from './index.js';
const ok: SamplerOptions = { topA: 0.1, order: ['topK', 'topA', 'temperature'] };
// @ts-expect-error topA is a number
const wrongType: SamplerOptions = { topA: 'high' };
// @ts-expect-error not a stage
const wrongStage: SamplerOptions = { order: ['topB'] };
export { ok, wrongType, wrongStage };
TS
echo "new-filter: tsc"; node_modules/.bin/tsc --noEmit --strict --target es2020 --module nodenext --moduleResolution nodenext build/types-check/use.ts

# Validated by the JS wrapper from the schema the native build exports.
node --input-type=module -e "
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { samplerSchema, samplerParams } from './src/js/sampler.js';
// The core's schema; the bindings add their list and result layouts, which this check does not use.
const core = JSON.parse(execFileSync('build/native/lk_schema', { encoding: 'utf8' }));
const schema = samplerSchema({ _m: { samplerSchema: () => JSON.stringify({ ...core, lists: [] }) } });
const at = schema.options.findIndex((o) => o.name === 'topA');
assert.equal(samplerParams(schema, { topA: 0.25 })[at], 0.25);
assert.equal(samplerParams(schema, {})[at], 0);
assert.throws(() => samplerParams(schema, { topA: 2 }), { name: 'RangeError', message: 'options.topA must be <= 1, got 2' });
assert.throws(() => samplerParams(schema, { topA: 'x' }), { name: 'TypeError', message: /^options.topA must be a number/ });
assert.ok(schema.keys.has('topA'));
assert.ok(schema.stages.includes('topA'));
console.log('new-filter: topA typed, documented and validated');
"
