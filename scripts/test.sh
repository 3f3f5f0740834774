#!/usr/bin/env bash
# Everything that proves logitkit works, on the build made by scripts/build.sh.
# Each suite prints its own summary; the first failure stops the run.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LK_ROOT"
out="$LK_ROOT/test-output"
mkdir -p "$out"

step() { echo; echo "=== $* ==="; }
# node:test over some test files, one process per file as node --test runs
# them, each under a watchdog: a file whose process produces no result in
# 10 minutes is killed and run once more (a CI run once stalled for good
# inside a fresh Node process, before its first test, at 0 % CPU; the same
# file passed in 0.3 s when run again). A second stall, or any failure, fails.
node_tests() { # [node flags...] -- files...
  local flags=() f
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done; shift
  for f in "$@"; do
    timeout 600 node "${flags[@]}" --test --test-reporter=dot "$f" && continue
    [ $? = 124 ] || { echo "FAILED: $f"; exit 1; }
    echo "$f: no result within 10 minutes; killed and run once more"
    timeout 600 node "${flags[@]}" --test --test-reporter=dot "$f" || { echo "FAILED: $f"; exit 1; }
  done
}
# Runs a doctest binary, keeps its full log, prints the measured bounds and summary.
doctest() {
  local name=$1; shift
  if ! "$@" --no-colors=true >"$out/$name.log" 2>&1; then
    cat "$out/$name.log"
    echo "FAILED: $name"
    exit 1
  fi
  grep -E "MESSAGE|test cases|assertions" "$out/$name.log" | sed -E 's|^.*/tests/cpp/||'
}

step "A copied or moved checkout reconfigures its stale build folders"
bash tests/tools/moved-checkout.sh

step "A new filter stage is its file, its test, one registry line and a docs paragraph; everything else is generated"
bash tests/tools/new-filter.sh

step "C++ doctest, native (SSE2 and scalar backends)"
doctest native build/native/lk_tests

step "The sampler's weight kernel gives the same bits fused and flushed (every float32 y in [-21.5, 0], about 1.1e9) and in integer arithmetic (one y in 61), native"
LK_WEIGHT_SWEEP_STRIDE=1 doctest weight-sweep build/native/lk_tests -tc='*for every y in*'
LK_WEIGHT_SOFT_STRIDE=61 doctest weight-soft build/native/lk_tests -tc='*in integer arithmetic*'

# The Vulkan loader is read when Node starts: Chromium's own, and its SwiftShader driver.
step "WebGPU (Dawn in Node, Chromium; both SwiftShader): the GPU path's weight kernel, in integer arithmetic, gives the wasm kernel's bits"
LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node_tests -- tests/webgpu/weights.test.mjs

step "C++ doctest under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 doctest asan build/asan/lk_tests

step "libFuzzer, differential (SSE2 vs scalar vs float64 reference), bounded: ${LK_FUZZ_SECONDS:-25} s per target"
for target in rows sampler; do
  corpus="$(mktemp -d)"
  cp tests/fuzz/corpus/$target/* "$corpus/"
  if ! build/fuzz/fuzz_$target -seed=1 -max_total_time="${LK_FUZZ_SECONDS:-25}" -max_len=4096 \
      -artifact_prefix="$out/fuzz-$target-" "$corpus" >"$out/fuzz-$target.log" 2>&1; then
    tail -30 "$out/fuzz-$target.log"
    echo "FAILED: fuzz_$target (reproducer in $out)"
    exit 1
  fi
  echo "fuzz_$target: $(grep -oE 'Done [0-9]+ runs' "$out/fuzz-$target.log")"
  rm -rf "$corpus"
done

step "C++ doctest compiled to wasm, SIMD and baseline modules"
doctest wasm-simd node build/wasm/lk_tests_simd.js
doctest wasm-baseline node build/wasm/lk_tests_baseline.js

for v in 1 0; do
  step "JS tests against dist/, $([ $v = 1 ] && echo SIMD || echo baseline) module"
  LK_SIMD=$v node_tests --expose-gc -- tests/js/*.test.mjs
done

step "Types: tsc --noEmit on the typed example"
npx --no-install tsc -p tests/types/tsconfig.json && echo "types ok"

step "README example"
node examples/readme.mjs

step "Ecosystem: adapters against the real transformers.js, onnxruntime-web and XGrammar"
# peers.mjs: examples/ (imported by some of these tests) resolve the peers from tests/ecosystem/node_modules.
for v in 1 0; do LK_SIMD=$v node_tests --import ./tests/ecosystem/peers.mjs -- tests/ecosystem/*.test.mjs; done

# Bundler resolution: WebLLM's own .d.ts import './types' without an extension,
# which nodenext cannot follow (everything would silently become any).
step "Ecosystem: the WebLLM LogitProcessor checked by tsc against @mlc-ai/web-llm's .d.ts, then run"
npx --no-install tsc -p tests/ecosystem/tsconfig.json
for v in 1 0; do LK_SIMD=$v node test-output/ecosystem-ts/tests/ecosystem/webllm-check.js; done

step "Ecosystem examples (examples/transformers.mjs, examples/webllm.ts, examples/onnx.mjs, examples/beam-onnx.mjs, examples/xgrammar.mjs)"
node --import ./tests/ecosystem/peers.mjs examples/transformers.mjs
node test-output/ecosystem-ts/examples/webllm.js
node --import ./tests/ecosystem/peers.mjs examples/onnx.mjs
node --import ./tests/ecosystem/peers.mjs examples/beam-onnx.mjs
node examples/xgrammar.mjs

step "Package size: JS glue, adapters and each wasm, raw and gzip (budget: JS + one wasm <= 105 KB gzip)"
node scripts/size.mjs

step "Wasm modules: no relaxed-SIMD or FMA instruction, no SIMD in the baseline module, no math imported from JS (and doctored modules are caught)"
node scripts/check-wasm.mjs --self-test

step "API reference (docs/api.md) matches the type definitions; the sampler options table matches the module's schema"
node scripts/api-docs.mjs --check
node scripts/sampler-docs.mjs --check

step "Packed tarball: publint and attw (and doctored tarballs are caught); in a fresh project: ESM, CJS, adapters, TypeScript, Vite app in Chromium (worker, custom wasmUrl)"
bash tests/package/pack-test.sh

step "Deno and Bun (their npm packages' binaries, nothing downloaded): the packed tarball's README example, ESM and CJS entries and adapters; Node's digests bit for bit, both builds (one-bit self-test); no SIMD, FinalizationRegistry or Symbol.dispose"
bash tests/runtimes/deno-bun.sh

step "Browser: the page in headless Chromium (playwright-core, Debian's chromium)"
node --test --test-reporter=dot tests/browser/

step "Browser engines: Chromium, Firefox ESR and WebKitGTK, default and each wasm tier forced, give Node's digests bit for bit (both builds, one-bit self-test); the playground's seeded text; the speed panel"
node --test-reporter=spec tests/browser/engines-bitexact.mjs

echo
echo "all tests passed"
