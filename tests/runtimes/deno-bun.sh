#!/usr/bin/env bash
# The packed tarball in Deno and Bun, the versions pinned as dev dependencies
# (their binaries come inside npm packages: tests/runtimes/binaries.mjs), each
# in a fresh project, installed the way that runtime's users install it:
#   Deno: `npm install` of the tarball (offline) and Deno's own node_modules
#         resolution ("nodeModulesDir": "manual"), bare and npm: specifiers;
#         run with --no-remote and read access to the project only.
#   Bun:  `bun add` of the tarball.
# In each: the README example (examples/readme.mjs), the ESM entry with both
# builds, the CJS entry, every adapter that needs no peer package
# (entry.mjs), every digest of tests/shared/digests.mjs with both builds,
# bit for bit equal to Node's from the same tarball, with a one-bit flipped
# self-test (digests-run.mjs, compare-digests.mjs), and an engine faked
# without WebAssembly SIMD, FinalizationRegistry and Symbol.dispose
# (capabilities.mjs). The README must name the versions run here.
#
# Nothing outside the temp folder is touched and nothing is fetched: HOME and
# every cache folder point into it, and the npm registry both tools would ask
# is a closed local port, so any attempt to download fails the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tests/runtimes"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

deno="$(node "$here/binaries.mjs" deno)"
bun="$(node "$here/binaries.mjs" bun)"
tarball="$(cd "$root" && npm pack --silent --pack-destination "$tmp" 2>/dev/null | tail -1)"

# Deno and Bun run only under this environment.
sandbox() {
  env HOME="$tmp/home" XDG_CACHE_HOME="$tmp/home/cache" DENO_DIR="$tmp/home/deno" \
    BUN_INSTALL="$tmp/home/bun" BUN_INSTALL_CACHE_DIR="$tmp/home/bun-cache" TMPDIR="$tmp/home/tmp" \
    NPM_CONFIG_REGISTRY=http://127.0.0.1:9/ BUN_CONFIG_REGISTRY=http://127.0.0.1:9/ \
    DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 DO_NOT_TRACK=1 NO_COLOR=1 "$@"
}
mkdir -p "$tmp/home/tmp"
deno_version="$(sandbox "$deno" --version | head -1 | cut -d' ' -f2)"
bun_version="$(sandbox "$bun" --version)"
echo "Deno $deno_version ($deno), Bun $bun_version ($bun)"
for v in "Deno $deno_version" "Bun $bun_version"; do
  grep -qF "$v" "$root/README.md" || { echo "FAILED: README.md does not name $v, the version tested"; exit 1; }
done

project() { # $1: folder; the test files, the README example and the digest module beside the package
  mkdir "$1"
  echo '{ "name": "consumer", "version": "1.0.0", "private": true }' >"$1/package.json"
  cp "$here"/{entry,capabilities,digests-run,compare-digests}.mjs "$root/tests/shared/digests.mjs" "$root/examples/readme.mjs" "$1/"
}

project "$tmp/deno"
(cd "$tmp/deno" && npm install --silent --no-audit --no-fund --offline "$tmp/$tarball" >/dev/null)
echo '{ "nodeModulesDir": "manual" }' >"$tmp/deno/deno.json"
project "$tmp/bun"
(cd "$tmp/bun" && sandbox "$bun" add --no-progress --silent "$tmp/$tarball")
[ -f "$tmp/bun/node_modules/logitkit/dist/logitkit-simd.wasm" ] || { echo "FAILED: bun add did not install the tarball"; exit 1; }

# Runs a file in the runtime, from its project folder.
run_deno() { (cd "$tmp/deno" && sandbox "$deno" run --no-remote --no-prompt --allow-read=node_modules "$@"); }
run_bun() { (cd "$tmp/bun" && sandbox "$bun" "$@"); }

for rt in deno bun; do
  echo "-- $rt: the README example"
  run_$rt readme.mjs
  run_$rt entry.mjs
  run_$rt capabilities.mjs
done

run_deno digests-run.mjs >"$tmp/deno.json"
run_bun digests-run.mjs flip >"$tmp/bun.json"
(cd "$tmp/deno" && node compare-digests.mjs "$tmp/deno.json" "$tmp/bun.json")
