#!/usr/bin/env bash
# A copied or moved checkout builds: a build folder configured for another
# source path is detected and reconfigured (scripts/stale-build-dirs.sh),
# while one configured for this checkout is kept. Configure steps only (~3 s).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd -P)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy="$tmp/moved"
mkdir -p "$copy"
(cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$copy")
configure() { cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ >"$tmp/cmake.log" 2>&1; }

cd "$copy"
# build/native as the original checkout left it: configured for $root.
cmake -S "$root" -B build/native -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ >/dev/null
# build/kept: configured for this checkout, with a marker that must survive.
configure build/kept
touch build/kept/marker

if configure build/native; then
  echo "FAILED: CMake accepted a build folder of another checkout, so this test shows nothing"; exit 1
fi
grep -q "does not match the source" "$tmp/cmake.log" || { cat "$tmp/cmake.log"; echo "FAILED: unexpected CMake error"; exit 1; }

source "$root/scripts/stale-build-dirs.sh"
drop_stale_build_dirs build/native build/kept build/absent
configure build/native || { cat "$tmp/cmake.log"; echo "FAILED: the moved checkout still does not configure"; exit 1; }
[ -f build/kept/marker ] || { echo "FAILED: a build folder of this checkout was dropped"; exit 1; }
echo "moved checkout: stale build folder reconfigured, current one kept"
