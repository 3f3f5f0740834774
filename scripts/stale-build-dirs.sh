# Sourced by build.sh (and its test, tests/tools/moved-checkout.sh).
# A CMake build folder remembers the absolute source path it was configured
# for; in a copied or moved checkout CMake stops with "does not match the
# source ... used to generate cache". Such a folder is stale: remove it so
# that the next configure starts afresh. Run from the project root.
drop_stale_build_dirs() {
  local here dir cache configured
  here=$(pwd -P)
  for dir in "$@"; do
    cache="$dir/CMakeCache.txt"
    [ -f "$cache" ] || continue
    configured=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$cache")
    if [ "$(cd "$configured" 2>/dev/null && pwd -P)" != "$here" ]; then
      echo "build: $dir was configured for ${configured:-an unknown source}; reconfiguring it for $here"
      rm -rf "$dir"
    fi
  done
}
