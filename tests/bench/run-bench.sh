#!/usr/bin/env bash
# Hallway vs the official JavaScript client, side by side (tests/bench/README.md).
#
#   bash tests/bench/run-bench.sh [SCENARIO...] [--runs N] [--sizes 5000,20000] [--room-size N]
#        [--storm-members N] [--storm-times N] [--trips N] [--scenarios A,B] [--build-dir DIR]
#        [--no-build] [--keep]
#
# Scenarios: bigroom bigapp storm roundtrip typing memory app (default: all). A SCENARIO
# argument also selects every scenario whose name starts with it: `run-bench.sh big` runs the
# big-room rows (bigroom and bigapp) only, in a few minutes.
# It builds hallway-bench (and the app) in build-bench/, starts its own stack (Redis + one
# @prsm/realtime server) on free loopback ports in a temp dir, fills the big rooms straight into
# Redis (fill-room.mjs), starts the load generator for the storm (loadgen.mjs: live official
# RealtimeClients), runs every scenario for Hallway and for JavaScript, prints the table, and
# stops everything it started, by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

all_scenarios=(bigroom bigapp storm roundtrip typing memory app)
runs=3 sizes=5000,20000 room=big room_size=5000 storm_members=2000 storm_times=5 trips=1000
wanted=() build_dir=$repo/build-bench build=1 keep=0
while (($#)); do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --room-size) room_size=$2; shift 2 ;;
    --storm-members) storm_members=$2; shift 2 ;;
    --storm-times) storm_times=$2; shift 2 ;;
    --trips) trips=$2; shift 2 ;;
    --scenarios) IFS=, read -ra more <<<"$2"; wanted+=("${more[@]}"); shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "run-bench: unknown option $1" >&2; exit 2 ;;
    *) wanted+=("$1"); shift ;;
  esac
done
scenarios=
for s in "${all_scenarios[@]}"; do
  if ((${#wanted[@]} == 0)); then scenarios+=",$s"; continue; fi
  for w in "${wanted[@]}"; do [[ "$s" == "$w"* ]] && { scenarios+=",$s"; break; }; done
done
for w in "${wanted[@]}"; do
  [[ " ${all_scenarios[*]}" == *" $w"* ]] || { echo "run-bench: no scenario matches '$w' (${all_scenarios[*]})" >&2; exit 2; }
done
scenarios=${scenarios#,}
IFS=, read -ra size_list <<<"$sizes"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
has() { [[ ",$scenarios," == *",$1,"* ]]; }
people_of() { echo $(( ($1 * 4 + 2) / 5 )); } # the filler's default: 1 connection in 5 is a second device
log "scenarios: $scenarios"

# --- prerequisites and build ------------------------------------------------------------------
[ -d "$repo/packaging/server/node_modules/@prsm/realtime" ] || bash "$repo/packaging/install-deps.sh"
if ((build)); then
  [ -f "$build_dir/build.ninja" ] || cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  targets=(hallway-bench)
  if { has app || has bigapp; } && grep -q '^build app/hallway/hallway:' "$build_dir/build.ninja" 2>/dev/null; then targets+=(hallway); fi
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
# A long ping period keeps the storm room's idle connections' pongs (each refreshes presence keys
# in Redis) and latency probes from adding background load to the measurements; the presence TTL
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
redis=127.0.0.1:$(cat "$work/redis.port")
fill() { # room count
  local out
  out=$(node "$here/fill-room.mjs" --redis "$redis" --room "$1" --count "$2" --users "$(people_of "$2")") \
    || { echo "run-bench: filling $1 failed: $out" >&2; exit 1; }
  log "filled: $out"
}

# The big rooms (big<size>) are written straight into Redis, the way the server stores members:
# seconds instead of minutes, and the client still gets the server's own frames.
if has bigroom || has bigapp || has memory || has app; then
  for size in "${size_list[@]}"; do fill "big$size" "$size"; done
fi
control=http://127.0.0.1:1/ # no load generator unless the storm runs
if has storm; then
  # The storm's publishers must be live connections: the load generator holds them (each join
  # answers with the whole room so far, hence live ones first), then the room is filled up.
  log "load generator: $storm_members live connections in room '$room'"
  node "$here/loadgen.mjs" --url "$url" --control-file "$work/control" >"$work/loadgen.out" 2>"$work/loadgen.err" &
  loadgen_pid=$!
  for _ in $(seq 100); do [ -s "$work/control" ] && break; sleep 0.1; done
  control=$(cat "$work/control")
  post() { curl -sf -X POST -H 'content-type: application/json' --max-time 900 -d "$1" "$control"; }
  log "held: $(post "{\"op\":\"hold\",\"room\":\"$room\",\"count\":$storm_members,\"users\":$(people_of "$storm_members")}")"
  # One state for every storm member, so that the room's snapshot carries their states too.
  post "{\"op\":\"storm\",\"room\":\"$room\",\"members\":$storm_members,\"times\":1,\"run\":\"seed\"}" >/dev/null
  if ((room_size > storm_members)); then fill "$room" $((room_size - storm_members)); fi
fi

common=(--url "$url" --control "$control" --runs 1 --storm-members "$storm_members"
        --storm-times "$storm_times" --trips "$trips")
export QT_LOGGING_RULES="hallway.*.info=false;hallway.*.debug=false"
# One run of hallway-bench and of js-bench: scenario, output name, then their own arguments.
# A run that fails is logged and kept in the results (the table shows "fails").
bench() {
  local s=$1 name=$2; shift 2
  "$bench_bin" "${common[@]}" --scenario "$s" "$@" >>"$work/hallway-$name.json" 2>>"$work/hallway-$name.err" \
    || log "  hallway-bench $s failed: $(tail -n 1 "$work/hallway-$name.json" | cut -c1-300)"
  node "$here/js-bench.mjs" "${common[@]}" --scenario "$s" "$@" >>"$work/js-$name.json" 2>>"$work/js-$name.err" \
    || log "  js-bench $s failed: $(tail -n 1 "$work/js-$name.json" | cut -c1-300)"
}
# Runs alternate (Hallway, JavaScript, Hallway, ...) so that drift in the machine's load (other
# processes on these 2 cores) falls on both columns alike; each run is a fresh process.
for s in bigroom memory; do
  has "$s" || continue
  n=$runs
  [ "$s" = memory ] && n=1 # one reading
  for size in "${size_list[@]}"; do
    sized=(--room "big$size" --room-size "$size" --room-users "$(people_of "$size")" --timeout 60000)
    for ((r = 1; r <= n; r++)); do
      log "scenario $s, room of $size, run $r/$n: Hallway, then JavaScript"
      bench "$s" "$s-$size" "${sized[@]}"
      if [ "$s" = bigroom ]; then
        # The same join watched by the stall probe, in runs of its own (it slows what it watches).
        bench bigstall "bigstall-$size" "${sized[@]}"
        # The server alone (raw socket, no parsing), a process of its own.
        node "$here/js-bench.mjs" "${common[@]}" --scenario floor "${sized[@]}" >>"$work/js-floor-$size.json" 2>>"$work/js-floor-$size.err" \
          || log "  js-bench floor failed: $(tail -n 1 "$work/js-floor-$size.json" | cut -c1-300)"
      fi
      # A room over the client's frame limit fails at once (ETOOLARGE); then measure what the
      # client's work would be without the limit too, as information.
      if tail -n 1 "$work/hallway-$s-$size.json" | grep -q ETOOLARGE; then
        log "  Hallway again with a 64 MiB frame limit (info)"
        for again in "$s" $([ "$s" = bigroom ] && echo bigstall); do
          "$bench_bin" "${common[@]}" --scenario "$again" "${sized[@]}" --max-frame-bytes $((64 << 20)) \
            >>"$work/hallway-raised-$again-$size.json" 2>>"$work/hallway-raised-$again-$size.err" || true
        done
      fi
    done
  done
done
for s in storm roundtrip typing; do
  has "$s" || continue
  n=$runs
  [ "$s" = typing ] && n=1 # it runs 20 trials itself
  for ((r = 1; r <= n; r++)); do
    log "scenario $s, run $r/$n: Hallway, then JavaScript"
    bench "$s" "$s" --room "$room" --room-size "$room_size"
  done
done
app_ok=1
if { has app || has bigapp; } && [ ! -x "$app_bin" ]; then log "scenarios app, bigapp: skipped, no $app_bin"; app_ok=0; fi
if has app && ((app_ok)); then
  log "scenario app: cold start, and memory in room big${size_list[0]} (offscreen)"
  node "$here/app-bench.mjs" --app "$app_bin" --url "$url" --room "big${size_list[0]}" --runs "$runs" >"$work/app.json" 2>"$work/app.err" \
    || log "  app-bench failed: $(cut -c1-300 "$work/app.json")"
fi
if has bigapp && ((app_ok)); then
  for size in "${size_list[@]}"; do
    log "scenario bigapp: cold join of room big$size in the app, $runs runs (offscreen)"
    node "$here/app-bench.mjs" --app "$app_bin" --url "$url" --room "big$size" --room-size "$size" \
      --people $(($(people_of "$size") + 1)) --runs "$runs" >"$work/app-big$size.json" 2>"$work/app-big$size.err" \
      || log "  app-bench failed: $(cut -c1-300 "$work/app-big$size.json")"
  done
fi

echo
echo "Hallway vs @prsm/realtime's JavaScript client — medians of $runs runs; loopback; big rooms of ${sizes//,/, } connections (4 in 5 distinct people)$(has storm && echo "; storm room of $room_size"); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
node "$here/report.mjs" --json "$build_dir/bench-results.json" "$work"/*.json || status=$?
log "all results (per run) in $build_dir/bench-results.json"
exit "$status" # 1 when a run failed (the errors are under the table); timing never fails it
