#!/usr/bin/env bash
# bash tests/package/types-matrix.sh <consumer dir>: type-checks consumer-ts/
# against the logitkit installed in <consumer dir> (from the packed tarball) the
# way an ordinary project compiles: strict, skipLibCheck false, no lib and no
# types set (each target's default lib), for every
#   target   es2020, es2022, esnext
#   module   nodenext, node16 (moduleResolution the same), esnext and preserve
#            (moduleResolution bundler)
# with the pinned TypeScript 5.x (the root's devDependency) and the newest
# release (typescript-newest/, installed here from its lockfile).
# esm.mts is an ES module; cjs.cts is CommonJS (`import = require`, so not under
# module esnext); app.ts is CommonJS under node16/nodenext (the consumer's
# package.json has no "type") and an ES module under bundler. using.ts (`using`
# on every disposable object) joins where the lib has Symbol.dispose: target
# esnext, and one es2022 project that adds lib esnext.disposable.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
newest="$root/tests/package/typescript-newest"
# npm ci only when the lockfile changed since the last install (as scripts/setup.sh).
if ! cmp -s "$newest/package-lock.json" "$newest/node_modules/.lk-lock-copy" 2>/dev/null; then
  echo "types-matrix: npm ci in tests/package/typescript-newest"
  (cd "$newest" && { npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
    npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null; })
  cp "$newest/package-lock.json" "$newest/node_modules/.lk-lock-copy"
fi
dir="$1/ts"
mkdir -p "$dir"
cp "$root"/tests/package/consumer-ts/* "$dir/"
cd "$dir"

configs=()
config() { # name target module moduleResolution files [lib]
  local lib=""
  [ -z "${6-}" ] || lib="\"lib\": [$6], "
  cat > "tsconfig.$1.json" <<JSON
{ "compilerOptions": { "strict": true, "skipLibCheck": false, "noEmit": true, $lib
    "target": "$2", "module": "$3", "moduleResolution": "$4" },
  "files": ["${5//,/\", \"}"] }
JSON
  configs+=("tsconfig.$1.json")
}
for target in es2020 es2022 esnext; do
  for m in nodenext:nodenext:esm.mts,cjs.cts,app.ts node16:node16:esm.mts,cjs.cts,app.ts \
           esnext:bundler:esm.mts,app.ts preserve:bundler:esm.mts,cjs.cts,app.ts; do
    IFS=: read -r module resolution files <<<"$m"
    [ "$target" != esnext ] || files+=,using.ts
    config "$target-$module" "$target" "$module" "$resolution" "$files"
  done
done
config es2022-nodenext-disposable es2022 nodenext nodenext esm.mts,cjs.cts,app.ts,using.ts \
  '"es2022", "esnext.disposable", "dom"'

# One lane per compiler, both at once, each in its own copy of the projects:
# one `tsc -b` checks them all (lib files are parsed once, not once per project);
# when it fails, each project alone says which ones fail, and why.
lane() { # lane name, folder holding node_modules/typescript
  local tsc="$2/node_modules/typescript/bin/tsc" c
  mkdir "$1" && cp ./*.ts ./*.mts ./*.cts tsconfig.*.json "$1/" && cd "$1"
  echo "TypeScript $(node "$tsc" -v | sed 's/^Version //'): ${#configs[@]} projects"
  node "$tsc" -b --force --pretty false "${configs[@]}" >/dev/null 2>&1 && return 0
  for c in "${configs[@]}"; do
    node "$tsc" -p "$c" --pretty false >out 2>&1 ||
      { echo "  FAILED $c ($(grep -c 'error TS' out) errors):"; head -n 4 out | cut -c1-240 | sed 's/^/    /'; }
  done
  return 1
}
lane pinned "$root" >lane.pinned 2>&1 & pinned_pid=$!
lane newest "$newest" >lane.newest 2>&1 & newest_pid=$!
status=0
wait $pinned_pid || status=1
wait $newest_pid || status=1
cat lane.pinned lane.newest
[ $status = 0 ] || { echo "TypeScript: the shipped types fail in ordinary consumer projects (above)"; exit 1; }
echo "TypeScript: ${#configs[@]} consumer projects type-check with both compilers" \
  "(targets es2020, es2022, esnext; module nodenext, node16, esnext/bundler, preserve/bundler; import and require; using)"
