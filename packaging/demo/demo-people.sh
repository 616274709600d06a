#!/usr/bin/env bash
# Demo people for a first launch: hallway-cli bots that join, chat, type, go away and come
# back on the LOCAL stack only, which runs with development sign-in (HALLWAY_DEV_AUTH=1, set by
# stack.sh), so --user/--name are who they are. Started by packaging/run.sh (leave them out with --no-demo);
# the app itself never starts bots. Their pids go beside the stack's, so stack.sh stop ends them.
#   demo-people.sh start ws://127.0.0.1:8765/
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${HALLWAY_STACK_DIR:-$repo/.stack}
cli=${HALLWAY_CLI:-$repo/build/app/cli/hallway-cli}
cmd=${1:-}; url=${2:-ws://127.0.0.1:8765/}

case "$url" in
  ws://127.0.0.1:*|ws://localhost:*|ws://\[::1\]:*) ;;
  *) echo "demo-people: refusing $url: demo people only visit the local stack" >&2; exit 2 ;;
esac
[ "$cmd" = start ] || { echo "usage: demo-people.sh start URL" >&2; exit 2; }
[ -x "$cli" ] || { echo "demo-people: $cli not built" >&2; exit 1; }

op() { printf '%s\n' "$1"; }
json_text() { node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$1"; }

# Types TEXT into ROOM a few characters at a time, then sends it.
say() {
  local room=$1 text=$2 i quoted
  for ((i = 3; i < ${#text}; i += 3)); do
    op "{\"op\":\"type\",\"room\":\"$room\",\"text\":$(json_text "${text:0:i}")}"
    sleep 0.25
  done
  op "{\"op\":\"send\",\"room\":\"$room\",\"text\":$(json_text "$text")}"
  op "{\"op\":\"type\",\"room\":\"$room\",\"text\":\"\"}"
}

ada() {
  sleep 2; say lobby "Morning all! Coffee machine on floor 2 is fixed."
  while true; do
    sleep 20; say lobby "Anyone up for a quick review of the presence dots?"
    sleep 25; say design "I pushed the new sidebar mock-ups."
  done
}
grace() {
  sleep 5; say lobby "Hi Ada — I'm on my laptop and my phone today."
  while true; do
    sleep 15; op '{"op":"type","room":"lobby","text":"thinking about the reconnect banner"}'
    sleep 8; op '{"op":"type","room":"lobby","text":""}'
    sleep 20; say lobby "Reconnect banner looks good to me."
  done
}
grace_phone() { while true; do sleep 3600; done; }
linus() {
  sleep 3; say lobby "Heading into a meeting, back in a bit."
  while true; do
    op '{"op":"status","status":"away"}'; sleep 45
    op '{"op":"status","status":"online"}'; say lobby "Back! What did I miss?"; sleep 20
  done
}
margaret() {
  op '{"op":"status","status":"busy"}'
  while true; do sleep 30; say design "Shipping the typing indicator tonight."; done
}

start_bot() { # id name script rooms...
  local user=$1 name=$2 script=$3; shift 3
  local joins=() r
  for r in "$@"; do joins+=(--join "$r"); done
  "$script" | "$cli" --url "$url" --user "$user" --name "$name" "${joins[@]}" >"$dir/demo-$user-$script.log" 2>&1 &
  # The pid is hallway-cli's (stack.sh checks it is still that); the group holds the script's
  # loop and its sleeps too, so stopping the group leaves nothing behind.
  echo $! >"$dir/demo-$user-$script.pid"
  ps -o pgid= -p $! | tr -d ' ' >"$dir/demo-$user-$script.pgid"
}

mkdir -p "$dir"
set -m # job control: each bot's pipeline runs in a process group of its own
start_bot ada "Ada Lovelace" ada lobby design
start_bot grace "Grace Hopper" grace lobby
start_bot grace "Grace Hopper" grace_phone lobby
start_bot linus "Linus" linus lobby
start_bot margaret "Margaret Hamilton" margaret lobby design
echo "demo-people: 4 people (Grace on two devices) in lobby and design; logs in $dir/demo-*.log"
