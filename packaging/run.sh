#!/usr/bin/env bash
# README's run command: installs what is missing, builds, starts the local stack (Redis + the
# realtime server on ws://127.0.0.1:8765/), starts a few demo people unless --no-demo, and
# launches Hallway connected to it. Without a display it runs under xvfb-run.
# Closing the app stops the demo people and the stack (HAProxy included).
#   packaging/run.sh [--no-demo] [--instances N] [--lb | --no-lb] [-- extra hallway arguments]
# With more than one instance HAProxy balances them on the main port, as in production
# (--no-lb: the instances listen on 8765, 8766, ... and everyone uses the first); --lb puts it
# in front of a single instance too.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${HALLWAY_BUILD_DIR:-$repo/build}
demo=1; instances=1; lb=""; app_args=()
while (($#)); do
  case "$1" in
    --no-demo) demo=0; shift ;;
    --instances) instances=$2; shift 2 ;;
    --lb) lb=1; shift ;;
    --no-lb) lb=0; shift ;;
    --) shift; app_args=("$@"); break ;;
    *) echo "run.sh: unknown option $1 (try --no-demo, --instances N, --lb, --no-lb, -- app args)" >&2; exit 2 ;;
  esac
done

"$repo/packaging/install-deps.sh"
"$repo/packaging/build.sh" --target hallway hallway-cli
[ -n "$lb" ] || { [ "$instances" -gt 1 ] && lb=1 || lb=0; }
stack_args=(--instances "$instances")
[ "$lb" = 1 ] && stack_args+=(--lb)
"$repo/packaging/stack.sh" start "${stack_args[@]}"
trap '"$repo/packaging/stack.sh" stop' EXIT
url=ws://127.0.0.1:${HALLWAY_STACK_PORT:-8765}/
if [ "$demo" = 1 ]; then
  HALLWAY_CLI="$build/app/cli/hallway-cli" "$repo/packaging/demo/demo-people.sh" start "$url"
fi

me=${USER:-you}
launch=("$build/app/hallway/hallway" --url "$url" --user "$me" --name "${HALLWAY_NAME:-$me}" --join lobby "${app_args[@]}")
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
  echo "run.sh: no display, starting under xvfb-run"
  launch=(xvfb-run -a -s "-screen 0 1280x800x24" "${launch[@]}")
fi
# The app runs in a process group of its own (with xvfb-run and Xvfb when used), so that a
# SIGTERM, SIGHUP or Ctrl-C to run.sh ends it too before the stack stops.
set -m
"${launch[@]}" &
app=$!
set +m
trap 'kill -- "-$app" 2>/dev/null; wait "$app" 2>/dev/null; exit 143' TERM HUP INT
wait "$app"
