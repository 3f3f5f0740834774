#!/usr/bin/env bash
# Installs what building and testing need, and nothing when all is present:
# Debian packages through apt-get, npm dev dependencies through npm ci.
set -euo pipefail
source "$(dirname "$0")/env.sh"

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have em++ || need+=(emscripten)
have cmake || need+=(cmake)
have make || need+=(make)
have clang++ || need+=(clang)
[ -f /usr/include/doctest/doctest.h ] || need+=(doctest-dev)
have chromium || need+=(chromium)
# The other two engines of tests/browser/engines-bitexact.mjs: Firefox ESR, and
# WebKitGTK's WebDriver (its dependency libwebkit2gtk-4.1-0 ships MiniBrowser),
# run under Xvfb.
have firefox-esr || need+=(firefox-esr)
have WebKitWebDriver || need+=(webkit2gtk-driver)
[ -x /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser ] || need+=(libwebkit2gtk-4.1-0)
have Xvfb || need+=(xvfb)
# Sanitizer and libFuzzer runtimes for clang.
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.asan-x86_64.a >/dev/null 2>&1 || need+=(libclang-rt-dev)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cd "$LK_ROOT"
# Browsers come from Debian only: puppeteer-core (Firefox over WebDriver BiDi)
# downloads nothing itself, and this keeps any puppeteer install step from it.
export PUPPETEER_SKIP_DOWNLOAD=1
# npm ci only when the lockfile changed since the last install.
# The registry mirror here lacks some platform-specific optional packages
# (e.g. rollup's android builds), which npm leaves out of the lockfile and
# then `npm ci` refuses; `npm install --no-save` installs the locked
# versions without touching the lockfile.
npm_install() { # $1: folder with package.json and package-lock.json; then extra npm flags
  local dir=$1; shift
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.lk-lock-copy" 2>/dev/null; then
    echo "setup: npm ci in ${dir#$LK_ROOT/}"
    (cd "$dir" && { npm ci --no-audit --no-fund --loglevel=error "$@" 2>/dev/null ||
      npm install --no-save --no-audit --no-fund --loglevel=error "$@"; })
    cp "$dir/package-lock.json" "$dir/node_modules/.lk-lock-copy"
  fi
}
npm_install "$LK_ROOT"
# The peer packages the adapters are tested against (tests/ecosystem), never
# dependencies of logitkit itself. --ignore-scripts: nothing downloads at
# install time beyond the npm packages (onnxruntime-node's postinstall would
# fetch binaries; the tests use onnxruntime-web, which ships its wasm).
npm_install "$LK_ROOT/tests/ecosystem" --ignore-scripts
# The newest TypeScript release, beside the pinned 5.x: the package test type-checks the
# shipped .d.ts with both (tests/package/types-matrix.sh).
npm_install "$LK_ROOT/tests/package/typescript-newest" --ignore-scripts
