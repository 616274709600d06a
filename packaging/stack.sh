#!/usr/bin/env bash
# The local server stack on loopback: one redis-server of its own (free port, own data dir,
# no clash with a system Redis), one or more @prsm/realtime instances sharing it, and with --lb
# HAProxy in front of them, configured as in production (packaging/deploy/haproxy-config.sh).
# It stops only the processes it started, by the pids it recorded (checked against each
# process's command line).
#
#   packaging/stack.sh start [--instances N] [--port P] [--lb]
#       without --lb: instance i listens on P+i (default P: 8765)
#       with --lb:    HAProxy listens on P, instance i on P+1+i
#   packaging/stack.sh stop
#   packaging/stack.sh status
#   packaging/stack.sh stop-instance I [--kill]   SIGTERM (graceful) and wait, or SIGKILL
#   packaging/stack.sh start-instance I           start instance I again on its port
#
# State and logs: $HALLWAY_STACK_DIR (default: <repo>/.stack): redis.log, server-<i>.log,
# haproxy.log, haproxy.cfg, *.pid, *.port.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${HALLWAY_STACK_DIR:-$repo/.stack}
server_dir=$here/server

instances=1
port=${HALLWAY_STACK_PORT:-8765}
lb=0
kill_signal=TERM
cmd=${1:-status}
shift || true
index=""
case "$cmd" in
  stop-instance|start-instance) index=${1:-}; shift || true
    [[ "$index" =~ ^[0-9]+$ ]] || { echo "stack.sh: $cmd needs an instance number" >&2; exit 2; } ;;
esac
while (($#)); do
  case "$1" in
    --instances) instances=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --lb) lb=1; shift ;;
    --kill) kill_signal=KILL; shift ;;
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

http_ok() { # url: 2xx within a second
  node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(1000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1"
}

haproxy_bin() {
  command -v haproxy 2>/dev/null || { [ -x /usr/sbin/haproxy ] && echo /usr/sbin/haproxy; } ||
    { echo "stack: haproxy is not installed (packaging/install-deps.sh installs it)" >&2; return 1; }
}

start_instance() { # index
  local i=$1 p log
  alive "$dir/redis.pid" redis-server && [ -f "$dir/server-$i.port" ] ||
    { echo "stack: no server $i in a running stack (packaging/stack.sh start)" >&2; return 1; }
  p=$(cat "$dir/server-$i.port")
  if alive "$dir/server-$i.pid" server.mjs; then echo "stack: server $i is already running" >&2; return 1; fi
  port_free "$p" || { echo "stack: port $p is in use (use --port)" >&2; return 1; }
  log="$dir/server-$i.log"
  local offset; offset=$(stat -c %s "$log" 2>/dev/null || echo 0)
  # The local stack is for development: ?user=&name= sign-in is on unless HALLWAY_DEV_AUTH=0
  # (then set HALLWAY_AUTH_SECRET and use mint-token.mjs). Other HALLWAY_* settings pass through.
  (cd "$server_dir" && HALLWAY_HOST=127.0.0.1 HALLWAY_PORT=$p REDIS_HOST=127.0.0.1 REDIS_PORT=$(cat "$dir/redis.port") \
    HALLWAY_DEV_AUTH=${HALLWAY_DEV_AUTH:-1} exec node server.mjs >>"$log" 2>&1) &
  echo $! >"$dir/server-$i.pid"
  for _ in $(seq 200); do
    tail -c +$((offset + 1)) "$log" | grep -q '"event":"listening"' && return 0
    kill -0 "$(cat "$dir/server-$i.pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "stack: server $i did not start; see $log" >&2; tail -5 "$log" >&2
  kill "$(cat "$dir/server-$i.pid")" 2>/dev/null || true
  rm -f "$dir/server-$i.pid"
  return 1
}

stop_instance() { # index signal
  local i=$1 pid
  alive "$dir/server-$i.pid" server.mjs || { echo "stack: server $i is not running" >&2; return 1; }
  pid=$(cat "$dir/server-$i.pid")
  kill -"$2" "$pid"
  # A graceful stop takes up to HALLWAY_SHUTDOWN_GRACE (3 s by default).
  for _ in $(seq $(((${HALLWAY_SHUTDOWN_GRACE:-3000} + 5000) / 100))); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/server-$i.pid"; return 0; }
    sleep 0.1
  done
  echo "stack: server $i (pid $pid) did not exit after SIG$2" >&2
  return 1
}

start_lb() {
  local bin servers=() f i
  bin=$(haproxy_bin)
  port_free "$port" || { echo "stack: port $port is in use (use --port)" >&2; return 1; }
  for ((i = 0; i < instances; i++)); do servers+=(--server "127.0.0.1:$(cat "$dir/server-$i.port")"); done
  bash "$here/deploy/haproxy-config.sh" --bind "127.0.0.1:$port" --local "$dir" \
    --ping-interval "${HALLWAY_PING_INTERVAL:-5000}" "${servers[@]}" >"$dir/haproxy.cfg"
  "$bin" -c -q -f "$dir/haproxy.cfg" || { echo "stack: haproxy refused $dir/haproxy.cfg" >&2; return 1; }
  : >"$dir/haproxy.log"
  "$bin" -f "$dir/haproxy.cfg" -db >>"$dir/haproxy.log" 2>&1 &
  echo $! >"$dir/haproxy.pid"
  echo "$port" >"$dir/lb.port"
  # Ready once an instance's /healthz answers through it.
  for _ in $(seq 100); do
    http_ok "http://127.0.0.1:$port/healthz" && return 0
    alive "$dir/haproxy.pid" haproxy || break
    sleep 0.1
  done
  echo "stack: haproxy did not start; see $dir/haproxy.log" >&2; tail -5 "$dir/haproxy.log" >&2
  return 1
}

start() {
  mkdir -p "$dir/redis"
  if alive "$dir/redis.pid" redis-server; then
    echo "stack: already running (packaging/stack.sh status)"; status; return 0
  fi
  [ -d "$server_dir/node_modules/@prsm/realtime" ] || { echo "stack: run packaging/install-deps.sh first" >&2; exit 1; }
  ((lb)) && { haproxy_bin >/dev/null || exit 1; }
  rm -f "$dir"/server-*.port "$dir/lb.port"
  local redis_port; redis_port=$(free_port)
  # Production's Redis settings (packaging/deploy/hallway-redis.conf), without the disk.
  redis-server "$here/deploy/hallway-redis.conf" --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" \
    --save "" --appendonly no --maxmemory 256mb --daemonize no >>"$dir/redis.log" 2>&1 &
  echo $! >"$dir/redis.pid"
  echo "$redis_port" >"$dir/redis.port"
  for _ in $(seq 100); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 || { echo "stack: redis did not start; see $dir/redis.log" >&2; stop; exit 1; }

  local first=$port
  ((lb)) && first=$((port + 1))
  for ((i = 0; i < instances; i++)); do
    echo $((first + i)) >"$dir/server-$i.port"
    : >"$dir/server-$i.log"
    start_instance "$i" || { stop; exit 1; }
  done
  if ((lb)); then start_lb || { stop; exit 1; }; fi
  status
}

stop() {
  local f
  if alive "$dir/haproxy.pid" "haproxy -f $dir/haproxy.cfg"; then kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true; fi
  rm -f "$dir/haproxy.pid" "$dir/haproxy.sock"
  for f in "$dir"/demo-*.pid; do
    [ -f "$f" ] || continue
    local g=${f%.pid}.pgid pid group
    if alive "$f" hallway-cli; then
      pid=$(cat "$f"); group=$(cat "$g" 2>/dev/null || true)
      # The whole group (the bot's script loop and its sleeps), but only if the pid still
      # belongs to it: a stale group id must never reach someone else's processes.
      if [ -n "$group" ] && [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$group" ]; then
        kill -- "-$group" 2>/dev/null || true
      else
        kill "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$f" "$g"
  done
  for f in "$dir"/server-*.pid; do
    [ -f "$f" ] || continue
    if alive "$f" server.mjs; then kill "$(cat "$f")" 2>/dev/null || true; fi
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
  for f in "$dir"/server-*.port; do
    [ -f "$f" ] || continue
    i=${f##*/server-}; i=${i%.port}
    if alive "$dir/server-$i.pid" server.mjs; then
      echo "stack: server $i on ws://127.0.0.1:$(cat "$f")/ (pid $(cat "$dir/server-$i.pid"), log $dir/server-$i.log)"
    else
      echo "stack: server $i is not running (log $dir/server-$i.log)"
    fi
  done
  if [ -f "$dir/lb.port" ]; then
    if alive "$dir/haproxy.pid" "haproxy -f $dir/haproxy.cfg"; then
      echo "stack: haproxy on ws://127.0.0.1:$(cat "$dir/lb.port")/ in front of them (pid $(cat "$dir/haproxy.pid"), log $dir/haproxy.log)"
    else
      echo "stack: haproxy is not running (log $dir/haproxy.log)"
    fi
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  stop-instance) stop_instance "$index" "$kill_signal" ;;
  start-instance) start_instance "$index" ;;
  *) echo "usage: stack.sh start|stop|status [--instances N] [--port P] [--lb] | stop-instance I [--kill] | start-instance I" >&2; exit 2 ;;
esac
