#!/bin/sh
# Builds the libFuzzer targets with clang (cmake --preset fuzz) and runs each for N seconds
# on one core, starting from the committed corpus (new finds go to a scratch directory, so
# the committed corpus only changes by hand). Exit status is non-zero on any crash, leak,
# sanitizer report or invariant abort; the reproducer is left as crash-* in the scratch dir.
#   tests/fuzz/run-fuzz.sh [seconds-per-target=60] [target ...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-"fuzz_frame fuzz_events"}
build="$root/build-fuzz"
cd "$root"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${HALLWAY_FUZZ_JOBS:-2}" --target $targets
work=${HALLWAY_FUZZ_WORK:-$(mktemp -d)}
status=0
for t in $targets; do
    seeds="$here/corpus/${t#fuzz_}"
    mkdir -p "$work/$t"
    echo "== $t: ${seconds}s from $seeds (new inputs in $work/$t)"
    QT_LOGGING_RULES='*.debug=false;*.info=false;*.warning=false' \
    "$build/tests/fuzz/$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/$t/" "$work/$t" "$seeds" || status=1
done
exit $status
