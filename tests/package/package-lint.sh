#!/usr/bin/env bash
# bash tests/package/package-lint.sh <logitkit-x.y.z.tgz>: the packed tarball
# checked by maintained tools (pinned devDependencies of the root package.json):
#   publint                 the package.json fields against the files packed: every
#                           exports/main/module/types target exists, conditions in an
#                           order that resolves, formats that match the extensions;
#                           --strict: a warning fails too
#   @arethetypeswrong/cli   each entry point's types as TypeScript resolves them under
#                           node10, node16 (from CJS and from ESM) and bundler: found,
#                           of the module kind the JS is, default and named exports
#                           as the JS has them (attw resolves with its own pinned
#                           TypeScript, 5.6.1-rc for attw 0.18.5)
# Then a self-test: copies of the tarball with one fault each must fail (non-zero
# exit, the fault named), or the tools would not be checking anything.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
publint() { (cd "$root" && npx --no-install publint run --strict "$1"); }
# The two .wasm subpath exports are assets a bundler or fetch() loads, not
# modules: attw can only report "Resolution failed" for them (no types for a
# .wasm), so they, and only they, are left out; every JS entry point is checked.
# --no-definitely-typed: compare with nothing fetched from the registry.
attw() {
  (cd "$root" && npx --no-install attw "$1" --no-definitely-typed --no-color --no-emoji --format table-flipped \
    --exclude-entrypoints ./logitkit-simd.wasm ./logitkit-baseline.wasm)
}

publint "$tarball"
attw "$tarball"

# ---- self-test: doctored tarballs must be caught -----------------------------
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# doctor <name> <shell run inside the unpacked package/>: writes $tmp/<name>.tgz
doctor() {
  rm -rf "$tmp/package" && tar -xzf "$tarball" -C "$tmp"
  (cd "$tmp/package" && eval "$2")
  tar -czf "$tmp/$1.tgz" -C "$tmp" package
}
# expect <what> <tool> <name> <pattern>: the tool must fail on $tmp/<name>.tgz and print the pattern
status=0
expect() {
  local out
  if out="$($2 "$tmp/$3.tgz" 2>&1)"; then
    echo "FAIL self-test, $1: $2 passed it"; status=1
  elif ! grep -qE "$4" <<<"$out"; then
    echo "FAIL self-test, $1: $2 failed without naming it (/$4/):"; sed 's/^/    /' <<<"$out"; status=1
  else
    echo "ok   self-test, $1: $2 fails —"; grep -E "$4" <<<"$out" | head -n 3 | cut -c1-200 | sed 's/^/       /'
  fi
}
doctor no-dcts 'rm dist/index.d.cts'
expect "dist/index.d.cts (the require condition's types) left out" publint no-dcts 'index\.d\.cts.*does not exist'
expect "dist/index.d.cts (the require condition's types) left out" attw no-dcts 'No types|Resolution failed'
# The ESM types served to require(): TypeScript would then type a CommonJS
# require of logitkit as an ES module.
doctor esm-types-for-require 'node -e "
  const fs = require(\"fs\"); const p = JSON.parse(fs.readFileSync(\"package.json\", \"utf8\"));
  p.exports[\".\"].require.types = \"./dist/index.d.ts\"; fs.writeFileSync(\"package.json\", JSON.stringify(p, null, 2));"'
expect "the require condition's types pointed at the ESM dist/index.d.ts" attw esm-types-for-require 'Masquerading as ESM'
[ $status = 0 ] || { echo "package-lint: a doctored tarball passed the tools (above)"; exit 1; }
