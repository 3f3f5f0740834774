#!/usr/bin/env bash
# Builds everything once, for every test suite to reuse:
#   build/native    the core, doctest suite and native benchmark (clang, SSE2)
#   build/asan      the doctest suite with ASan + UBSan
#   build/fuzz      the libFuzzer targets of tests/fuzz
#   build/wasm      both wasm modules (SIMD, baseline) and the doctest suite as wasm
#   dist/           the npm package: ESM + CJS wrapper, .d.ts, both .wasm files, adapters/
#
# `build.sh web` (what `npm start` runs) builds only what the demo page needs:
# the two wasm modules (build/wasm's logitkit_simd and logitkit_baseline
# targets, not the wasm doctest suite) and dist/. Nothing native, no
# sanitizer or fuzz build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LK_ROOT"
mode=${1:-all}
case "$mode" in all|web) ;; *) echo "build.sh: unknown mode '$mode' (all, web)" >&2; exit 2 ;; esac

# Build folders configured for another source path (a copied or moved checkout) start afresh.
source "$LK_ROOT/scripts/stale-build-dirs.sh"
drop_stale_build_dirs build/native build/asan build/fuzz build/wasm

if [ "$mode" = all ]; then
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build/native -j "$LK_JOBS"

# The same doctest suite under AddressSanitizer + UndefinedBehaviorSanitizer.
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DLK_SANITIZE=ON >/dev/null
cmake --build build/asan -j "$LK_JOBS" --target lk_tests

# libFuzzer targets (differential: SIMD vs scalar vs float64 reference), with ASan + UBSan.
cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DLK_SANITIZE=ON -DLK_FUZZ=ON >/dev/null
cmake --build build/fuzz -j "$LK_JOBS" --target fuzz_rows fuzz_sampler
fi

if [ ! -f build/wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
if [ "$mode" = web ]; then
  cmake --build build/wasm -j "$LK_JOBS" --target logitkit_simd logitkit_baseline
else
  cmake --build build/wasm -j "$LK_JOBS"
fi

# Emscripten's MODULARIZE glue is a classic script that sets module.exports;
# give the ESM build a default export as well. The two builds export the same
# functions, so their glue is the same code under two names: the bundle ships
# one copy (build/wasm/logitkit_glue.mjs) and always hands it the wasm bytes.
# Stop here if that ever stops being true.
for v in simd baseline; do
  name=createLogitkit$(echo $v | tr a-z A-Z)
  { sed '/^if (typeof exports === .object. && typeof module === .object.)/,$d' "build/wasm/logitkit_$v.js"
    echo "export default $name;"; } | sed "s/$name/createLogitkit/g; s/logitkit_$v\.wasm/logitkit.wasm/" >"build/wasm/logitkit_$v.mjs"
done
if ! cmp -s build/wasm/logitkit_simd.mjs build/wasm/logitkit_baseline.mjs; then
  echo "build: the SIMD and baseline wasm glue differ beyond their names; src/js/loader.js needs both" >&2
  exit 1
fi
cp build/wasm/logitkit_simd.mjs build/wasm/logitkit_glue.mjs

mkdir -p dist
# No --keep-names for the main bundle: it costs 2 KB gzip of the download
# budget and a rename of every closure; the public classes name themselves.
npx --no-install esbuild src/js/index.mjs --bundle --format=esm --platform=neutral --target=es2020 \
  --minify --log-level=warning --outfile=dist/index.mjs
npx --no-install esbuild src/js/index.cjs.js --bundle --format=cjs --platform=node --target=es2020 \
  --minify --log-level=warning --outfile=dist/index.cjs
# Adapters (logitkit/transformers, logitkit/webllm, logitkit/onnx, logitkit/xgrammar): separate
# entry points with no import of the main bundle or of the peer packages.
mkdir -p dist/adapters
adapters=(transformers webllm onnx xgrammar)
entries=("${adapters[@]/#/src/js/adapters/}"); entries=("${entries[@]/%/.js}")
for f in esm:mjs:neutral cjs:cjs:node; do
  IFS=: read -r format ext platform <<<"$f"
  npx --no-install esbuild "${entries[@]}" --bundle --format="$format" --platform="$platform" \
    --target=es2020 --minify --keep-names --log-level=warning --outdir=dist/adapters --out-extension:.js=".$ext"
done
for name in "${adapters[@]}"; do
  cp "src/js/types-adapters/$name.d.ts" "dist/adapters/$name.d.ts"
  sed "s|'../index.js'|'../index.cjs'|" "src/js/types-adapters/$name.d.ts" >"dist/adapters/$name.d.cts"
done
cp build/wasm/logitkit_simd.wasm dist/logitkit-simd.wasm
cp build/wasm/logitkit_baseline.wasm dist/logitkit-baseline.wasm
# Generated files, never edited by hand: SamplerOptions' scalar part, the stage
# names and presets (21-sampler-options.d.ts) and docs/sampler.md's options
# table come from the module's schema (the native lk_schema tool; the web
# build uses the committed files), then docs/api.md from the type definitions.
if [ "$mode" != web ]; then
  node scripts/sampler-docs.mjs >/dev/null
  node scripts/api-docs.mjs >/dev/null
fi
cat src/js/types/*.d.ts > dist/index.d.ts
cp dist/index.d.ts dist/index.d.cts
echo "build: dist/ ready ($(du -b dist/index.mjs | cut -f1) B js, $(du -b dist/logitkit-simd.wasm | cut -f1) B simd wasm)"
