#!/usr/bin/env bash
# README's test command: installs what is missing, builds, and runs every test with CTest.
# Integration tests start their own Redis and @prsm/realtime server on free loopback ports
# (tests/support/ServerStack), one stack per test binary. Extra arguments go to ctest
# (e.g. -L unit, -R tst_client).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${HALLWAY_BUILD_DIR:-$repo/build}
"$repo/packaging/install-deps.sh"
"$repo/packaging/build.sh"
cd "$build"
ctest --output-on-failure --timeout 300 "$@"
