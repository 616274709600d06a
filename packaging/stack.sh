#!/usr/bin/env bash
# The local server stack on loopback: one redis-server of its own (free port, own data dir,
# no clash with a system Redis) and one or more @prsm/realtime instances sharing it.
# It stops only the processes it started, by the pids it recorded.
#
#   packaging/stack.sh start [--instances N] [--port P]   instance i listens on P+i (default 8765)
#   packaging/stack.sh stop
#   packaging/stack.sh status
#
# State and logs: $HALLWAY_STACK_DIR (default: <repo>/.stack): redis.log, server-<i>.log, *.pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${HALLWAY_STACK_DIR:-$repo/.stack}
server_dir=$here/server

instances=1
port=${HALLWAY_STACK_PORT:-8765}
cmd=${1:-status}
shift || true
while (($#)); do
  case "$1" in
    --instances) instances=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "stack.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

alive() { # pidfile expected-command-fragment
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

port_free() {
  node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close(()=>process.exit(0)))' "$1"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  mkdir -p "$dir/redis"
  if alive "$dir/redis.pid" redis-server; then
    echo "stack: already running (packaging/stack.sh status)"; status; return 0
  fi
  [ -d "$server_dir/node_modules/@prsm/realtime" ] || { echo "stack: run packaging/install-deps.sh first" >&2; exit 1; }
  local redis_port; redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" --save "" --appendonly no \
    --daemonize no >>"$dir/redis.log" 2>&1 &
  echo $! >"$dir/redis.pid"
  echo "$redis_port" >"$dir/redis.port"
  for _ in $(seq 100); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 || { echo "stack: redis did not start; see $dir/redis.log" >&2; stop; exit 1; }

  for ((i = 0; i < instances; i++)); do
    local p=$((port + i))
    port_free "$p" || { echo "stack: port $p is in use (use --port)" >&2; stop; exit 1; }
    local log="$dir/server-$i.log"
    : >"$log"
    # The local stack is for development: ?user=&name= sign-in is on unless HALLWAY_DEV_AUTH=0
    # (then set HALLWAY_AUTH_SECRET and use mint-token.mjs). Other HALLWAY_* settings pass through.
    (cd "$server_dir" && HALLWAY_HOST=127.0.0.1 HALLWAY_PORT=$p REDIS_HOST=127.0.0.1 REDIS_PORT=$redis_port \
      HALLWAY_DEV_AUTH=${HALLWAY_DEV_AUTH:-1} exec node server.mjs >>"$log" 2>&1) &
    echo $! >"$dir/server-$i.pid"
    echo "$p" >"$dir/server-$i.port"
    for _ in $(seq 200); do
      grep -q '"event":"listening"' "$log" && break
      kill -0 "$(cat "$dir/server-$i.pid")" 2>/dev/null || break
      sleep 0.1
    done
    grep -q '"event":"listening"' "$log" || { echo "stack: server $i did not start; see $log" >&2; tail -5 "$log" >&2; stop; exit 1; }
  done
  status
}

stop() {
  local f
  for f in "$dir"/server-*.pid "$dir"/demo-*.pid; do
    [ -f "$f" ] || continue
    if alive "$f" "" ; then kill "$(cat "$f")" 2>/dev/null || true; fi
    rm -f "$f"
  done
  if alive "$dir/redis.pid" redis-server; then
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  fi
  rm -f "$dir/redis.pid"
  echo "stack: stopped"
}

status() {
  if ! alive "$dir/redis.pid" redis-server; then echo "stack: not running"; return 1; fi
  echo "stack: redis on 127.0.0.1:$(cat "$dir/redis.port") (pid $(cat "$dir/redis.pid"), log $dir/redis.log)"
  local f i
  for f in "$dir"/server-*.pid; do
    [ -f "$f" ] || continue
    i=${f##*/server-}; i=${i%.pid}
    if alive "$f" server.mjs; then
      echo "stack: server $i on ws://127.0.0.1:$(cat "$dir/server-$i.port")/ (pid $(cat "$f"), log $dir/server-$i.log)"
    else
      echo "stack: server $i is not running (log $dir/server-$i.log)"
    fi
  done
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: stack.sh start|stop|status [--instances N] [--port P]" >&2; exit 2 ;;
esac
