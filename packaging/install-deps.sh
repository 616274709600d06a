#!/usr/bin/env bash
# Installs what Hallway needs on Debian 12: build tools, Qt 6.4, Redis, test helpers,
# and the server's npm packages. Idempotent: only missing apt packages are installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools
  qt6-websockets-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev
  qt6-qpa-plugins qt6-image-formats-plugins libgl-dev qtkeychain-qt6-dev
  qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-templates qml6-module-qtquick-window qml6-module-qttest
  redis-server xvfb xauth fonts-dejavu-core
  dbus-daemon gnome-keyring
  desktop-file-utils appstream openssl
  clang libclang-rt-14-dev
  haproxy systemd
)
# haproxy: the local stack (stack.sh --lb), the balancer test and the soak run the binary with
# their own configuration, pid and port. Debian's haproxy.service is left alone: its stock
# configuration listens on no port, so it clashes with nothing. systemd: only its
# systemd-analyze, which checks the unit file in packaging/deploy.

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "install-deps: these Debian packages are missing: ${missing[*]}" >&2
      echo "  Run this script as root, or install sudo, or install them yourself with apt-get." >&2
      exit 1
    }
    SUDO=(sudo)
  fi
  "${SUDO[@]}" apt-get update -qq
  # env inside sudo: sudo drops DEBIAN_FRONTEND from the environment.
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The server needs Node.js >= 20; Debian 12's own nodejs is 18.
need_node=20
if ! command -v node >/dev/null 2>&1; then
  echo "install-deps: Node.js >= $need_node is required (Debian 12 ships 18)." >&2
  echo "  Install Node.js 20 LTS (e.g. from NodeSource or nvm) and run this again." >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt "$need_node" ]; then
  echo "install-deps: Node.js $(node --version) found, but @prsm/realtime needs >= $need_node." >&2
  echo "  Debian 12's nodejs package is 18; install Node.js 20 LTS (NodeSource or nvm) and run this again." >&2
  exit 1
fi

# npm ci only when the lock changed since the last install.
srv="$here/server"
if [ -f "$srv/package-lock.json" ]; then
  stamp="$srv/node_modules/.hallway-lock.sha"
  want=$(sha256sum "$srv/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "install-deps: npm ci in packaging/server"
    (cd "$srv" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
fi
echo "install-deps: ok"
