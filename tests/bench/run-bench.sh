#!/usr/bin/env bash
# Hallway vs the official JavaScript client, side by side (tests/bench/README.md).
#
#   bash tests/bench/run-bench.sh [--runs N] [--room-size N] [--users N] [--storm-members N]
#        [--storm-times N] [--trips N] [--scenarios bigroom,storm,roundtrip,typing,memory,app]
#        [--build-dir DIR] [--no-build] [--keep]
#
# It builds hallway-bench (and the app) in build-bench/, starts its own stack (Redis + one
# @prsm/realtime server) on free loopback ports in a temp dir, starts the load generator
# (loadgen.mjs: the room's connections, official RealtimeClients), runs every scenario for
# Hallway and then for JavaScript, prints the table, and stops everything it started, by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

runs=3 room=big room_size=5000 users=4000 storm_members=2000 storm_times=5 trips=1000
scenarios=bigroom,storm,roundtrip,typing,memory,app
build_dir=$repo/build-bench build=1 keep=0
while (($#)); do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --room-size) room_size=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --storm-members) storm_members=$2; shift 2 ;;
    --storm-times) storm_times=$2; shift 2 ;;
    --trips) trips=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "run-bench: unknown option $1" >&2; exit 2 ;;
  esac
done
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
has() { [[ ",$scenarios," == *",$1,"* ]]; }

# --- prerequisites and build ------------------------------------------------------------------
[ -d "$repo/packaging/server/node_modules/@prsm/realtime" ] || bash "$repo/packaging/install-deps.sh"
if ((build)); then
  [ -f "$build_dir/build.ninja" ] || cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  targets=(hallway-bench)
  if has app && grep -q '^build app/hallway/hallway:' "$build_dir/build.ninja" 2>/dev/null; then targets+=(hallway); fi
  log "building ${targets[*]} in $build_dir"
  cmake --build "$build_dir" --target "${targets[@]}" >"$build_dir/bench-build.log" 2>&1 \
    || { tail -30 "$build_dir/bench-build.log" >&2; exit 1; }
fi
bench_bin=$build_dir/tests/bench/hallway-bench
app_bin=$build_dir/app/hallway/hallway
[ -x "$bench_bin" ] || { echo "run-bench: $bench_bin is missing (build it, or drop --no-build)" >&2; exit 1; }

# --- our own stack and load generator -----------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/hallway-bench.XXXXXX")
loadgen_pid=
cleanup() {
  if [ -n "$loadgen_pid" ] && kill -0 "$loadgen_pid" 2>/dev/null; then
    kill "$loadgen_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$loadgen_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$loadgen_pid" 2>/dev/null || true
  fi
  HALLWAY_STACK_DIR=$work "$repo/packaging/stack.sh" stop >/dev/null 2>&1 || true
  if ((keep)); then log "logs and results kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# A long ping period keeps the 5,000 idle connections' pongs (each refreshes presence keys in
# Redis) and latency probes from adding background load to the measurements; the presence TTL
# follows it (2 x ping + 2 s). The load generator answers every ping.
export HALLWAY_PING_INTERVAL=${HALLWAY_PING_INTERVAL:-30000}
export HALLWAY_LATENCY_INTERVAL=${HALLWAY_LATENCY_INTERVAL:-600000}
# The bench measures the clients, not the server's protection: the roundtrip scenario publishes
# a state per millisecond from one connection, far past the default rate limits, so they are off
# (caps stay). Development sign-in: the load generator's people are ?user= ids.
export HALLWAY_RATE_LIMITS=${HALLWAY_RATE_LIMITS:-off}
export HALLWAY_DEV_AUTH=1
log "starting Redis and the server on 127.0.0.1:$port (stack dir $work)"
HALLWAY_STACK_DIR=$work HALLWAY_STACK_PORT=$port "$repo/packaging/stack.sh" start >/dev/null
url=ws://127.0.0.1:$port/

log "load generator: $room_size connections ($users people) in room '$room' (takes a few minutes: every rt/join-room answers with the whole room)"
node "$here/loadgen.mjs" --url "$url" --control-file "$work/control" >"$work/loadgen.out" 2>"$work/loadgen.err" &
loadgen_pid=$!
for _ in $(seq 100); do [ -s "$work/control" ] && break; sleep 0.1; done
control=$(cat "$work/control")
post() { curl -sf -X POST -H 'content-type: application/json' --max-time 900 -d "$1" "$control"; }
held=$(post "{\"op\":\"hold\",\"room\":\"$room\",\"count\":$room_size,\"users\":$users}")
log "held: $held"
# One state for the first storm members, so that the room's snapshot carries states too.
post "{\"op\":\"storm\",\"room\":\"$room\",\"members\":$storm_members,\"times\":1,\"run\":\"seed\"}" >/dev/null

common=(--url "$url" --control "$control" --runs 1 --room "$room" --room-size "$room_size"
        --storm-members "$storm_members" --storm-times "$storm_times" --trips "$trips")
export QT_LOGGING_RULES="hallway.*.info=false;hallway.*.debug=false"
# Runs alternate (Hallway, JavaScript, Hallway, ...) so that drift in the machine's load (other
# processes on these 2 cores) falls on both columns alike; each run is a fresh process.
for s in bigroom storm roundtrip typing memory; do
  has "$s" || continue
  n=$runs
  case "$s" in typing|memory) n=1 ;; esac  # typing runs 20 trials itself; memory is one reading
  for ((r = 1; r <= n; r++)); do
    log "scenario $s, run $r/$n: Hallway, then JavaScript"
    "$bench_bin" "${common[@]}" --scenario "$s" >>"$work/hallway-$s.json" 2>>"$work/hallway-$s.err" \
      || log "  hallway-bench $s failed: $(tail -c 300 "$work/hallway-$s.json" "$work/hallway-$s.err" | tr '\n' ' ')"
    node "$here/js-bench.mjs" "${common[@]}" --scenario "$s" >>"$work/js-$s.json" 2>>"$work/js-$s.err" \
      || log "  js-bench $s failed: $(tail -c 300 "$work/js-$s.json" "$work/js-$s.err" | tr '\n' ' ')"
  done
done
if has app; then
  if [ -x "$app_bin" ]; then
    log "scenario app: cold start and memory (offscreen)"
    node "$here/app-bench.mjs" --app "$app_bin" --url "$url" --room "$room" --runs "$runs" >"$work/app.json" 2>"$work/app.err" \
      || log "  app-bench failed: $(tail -c 300 "$work/app.json" "$work/app.err" | tr '\n' ' ')"
  else
    log "scenario app: skipped, no $app_bin"
  fi
fi

echo
echo "Hallway vs @prsm/realtime's JavaScript client — medians of $runs runs; loopback; room of $room_size connections; $(nproc) cores"
node "$here/report.mjs" --json "$build_dir/bench-results.json" "$work"/*.json || true
log "all results (per run) in $build_dir/bench-results.json"
