# Sourced by the other scripts: the environment Debian's Emscripten 3.1.6 needs.
# It finds its own acorn only through NODE_PATH.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
export LK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LK_BUILD="$LK_ROOT/build"
export LK_JOBS=${LK_JOBS:-$(nproc 2>/dev/null || echo 2)}
