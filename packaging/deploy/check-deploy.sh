#!/usr/bin/env bash
# Checks the deployment files (CTest deploy_files_valid, label packaging):
#  - haproxy.cfg is exactly what haproxy-config.sh generates for the production example, and
#    HAProxy accepts it (with a throwaway certificate in place of the real one);
#  - Redis starts with hallway-redis.conf and has the settings the servers rely on;
#  - systemd-analyze finds nothing to say about hallway-server@.service.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
redis_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check-deploy: $*" >&2; exit 1; }
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)

# 1. HAProxy
bash "$here/haproxy-config.sh" --bind :443 --cert /etc/haproxy/certs/hallway.pem \
  --server 127.0.0.1:8081 --server 127.0.0.1:8082 --server 127.0.0.1:8083 >"$work/generated.cfg"
diff -u "$here/haproxy.cfg" "$work/generated.cfg" ||
  fail "haproxy.cfg differs from haproxy-config.sh's output; regenerate it (see its first line)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat "$work/cert.pem" "$work/key.pem" >"$work/hallway.pem"
sed "s#/etc/haproxy/certs/hallway.pem#$work/hallway.pem#" "$here/haproxy.cfg" >"$work/haproxy.cfg"
"$haproxy" -c -f "$work/haproxy.cfg" || fail "HAProxy refuses haproxy.cfg"
echo "check-deploy: haproxy.cfg is current and valid"

# 2. Redis
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
mkdir "$work/redis"
redis-server "$here/hallway-redis.conf" --port "$port" --bind 127.0.0.1 --dir "$work/redis" \
  --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
get() { redis-cli -p "$port" config get "$1" | sed -n 2p; }
[ "$(get notify-keyspace-events)" = xE ] || fail "notify-keyspace-events is '$(get notify-keyspace-events)', not Ex"
[ "$(get active-expire-effort)" = 10 ] || fail "active-expire-effort is not 10"
[ "$(get maxmemory-policy)" = noeviction ] || fail "maxmemory-policy is not noeviction"
[ "$(get appendonly)" = yes ] || fail "appendonly is not on"
[ -z "$(get save)" ] || fail "RDB snapshots are on ($(get save))"
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
wait "$redis_pid" 2>/dev/null || true
redis_pid=""
echo "check-deploy: hallway-redis.conf loads with notify-keyspace-events Ex, expire effort 10, noeviction, AOF, no snapshots"

# 3. systemd
out=$(cd "$here" && systemd-analyze verify "./hallway-server@8081.service" 2>&1) ||
  fail "systemd-analyze verify failed: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"
echo "check-deploy: hallway-server@.service verifies cleanly"
