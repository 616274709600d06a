#!/usr/bin/env bash
# Configures and builds Hallway into ./build (or $HALLWAY_BUILD_DIR). Extra arguments go to
# the build step (e.g. --target hallway).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${HALLWAY_BUILD_DIR:-$repo/build}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${HALLWAY_BUILD_TYPE:-RelWithDebInfo} >/dev/null
fi
cmake --build "$build" "$@"
