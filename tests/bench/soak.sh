#!/usr/bin/env bash
# The soak test (tests/bench/README.md, "Soak"): three server instances behind HAProxy on a stack
# of its own, a simulated team typing, chatting, going away and closing the app for --duration
# minutes, hallway-cli and soak-observer observers, one instance killed (SIGKILL) and restarted
# midway and another stopped gracefully later. Prints the figures; a benchmark, not a test:
# it exits 1 only when the run itself failed.
#
#   bash tests/bench/soak.sh [--duration MIN] [--people N] [--rooms N] [--smoke] [--keep]
#                            [--build-dir DIR] [--no-build] [-- extra soak.mjs options]
#
#   --duration MIN  minutes of simulated day after everyone is connected (default 12)
#   --smoke         a one-minute run with 300 people, to check the machinery
#   --keep          keep the work directory (stack logs, observers' output, raw JSON)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$repo/build
duration=12; people=2000; rooms=10; keep=0; do_build=1; extra=()
while (($#)); do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --people) people=$2; shift 2 ;;
    --rooms) rooms=$2; shift 2 ;;
    --smoke) duration=1; people=300; extra+=(--churn-hold 10 --kill-at 0.3 --term-at 0.65 --settle 8 --ramp 5); shift ;;
    --keep) keep=1; shift ;;
    --build-dir) build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --) shift; extra+=("$@"); break ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if ((do_build)); then
  HALLWAY_BUILD_DIR=$build "$repo/packaging/build.sh" --target hallway-cli soak-observer >/dev/null
fi
cli=$build/app/cli/hallway-cli
observer=$build/tests/bench/soak-observer
[ -x "$cli" ] && [ -x "$observer" ] || { echo "soak.sh: build hallway-cli and soak-observer first" >&2; exit 1; }

work=$(mktemp -d)
export HALLWAY_STACK_DIR=$work/stack
cleanup() {
  "$repo/packaging/stack.sh" stop >/dev/null 2>&1 || true
  if ((keep)); then echo "soak.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free block of four ports: HAProxy on the first, the instances on the next three.
port=$(node -e '
const net=require("net");
const free=(p)=>new Promise((r)=>{const s=net.createServer();s.once("error",()=>r(false));s.listen(p,"127.0.0.1",()=>s.close(()=>r(true)))});
(async()=>{for(let i=0;i<200;i++){const p=20000+Math.floor(Math.random()*30000);let ok=true;for(let k=0;k<4&&ok;k++)ok=await free(p+k);if(ok){console.log(p);return}}process.exit(1)})()')
# Production settings except sign-in (the people are ?user= development accounts): the default
# ping interval, presence TTL, caps and rate limits, and the shutdown grace of
# packaging/deploy/server.env.example.
export HALLWAY_SHUTDOWN_GRACE=${HALLWAY_SHUTDOWN_GRACE:-10000}
HALLWAY_STACK_PORT=$port "$repo/packaging/stack.sh" start --instances 3 --lb >&2

node "$here/soak.mjs" --stack-dir "$HALLWAY_STACK_DIR" --cli "$cli" --observer "$observer" \
  --duration $((duration * 60)) --people "$people" --rooms "$rooms" --out "$work/soak-results.json" --log-dir "$work" "${extra[@]}" || status=$?
mkdir -p "$build"
cp "$work/soak-results.json" "$build/soak-results.json" 2>/dev/null || true
[ -f "$work/soak-results.json" ] && node "$here/soak-report.mjs" "$work/soak-results.json"
exit "${status:-0}"
