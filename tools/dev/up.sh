#!/usr/bin/env bash
# `npm start`: the whole platform for a first look. Finds (or starts)
# PostgreSQL and NATS, starts the Temporal dev server and every service,
# waits until each /readyz answers 200, seeds a few records, then stays in
# the foreground until Ctrl-C, which stops what it started.
#   --check   exit 0 once everything is ready (used to verify this command)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_only=false
[[ "${1:-}" == "--check" ]] && check_only=true
setup_all
cd "$ROOT"
mkdir -p "$DATA/logs"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
# Every process signs its commands with this and every service checks it (a development default; k8s takes it from a secret).
export COMMAND_SIGNING_KEY="${COMMAND_SIGNING_KEY:-dev-only-command-signing-key-not-for-production}"
pids=()
cleanup() {
  ((${#pids[@]})) && kill -TERM "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # name, command...
  local name=$1; shift
  "$@" >"$DATA/logs/$name.log" 2>&1 &
  pids+=($!)
  say "$name started (log: .data/logs/$name.log)"
}

# NATS as deployed: a server of the first look's own running deploy/nats/permissions.conf, each process its own
# user, so one service's credentials cannot touch another context's events. With NATS_URL set, that server is used
# as it is configured.
nats_env() { :; }
if [[ -z "${NATS_URL:-}" ]]; then
  nats_port=${FIRST_LOOK_NATS_PORT:-4223}
  # A password per user, made once; only nats-server sees them all, each process only its own.
  passwords="$DATA/nats-passwords.env"
  touch "$passwords" && chmod 600 "$passwords"
  for user in $(sed -n 's/^ *{ user: \([a-z-]*\),.*/\1/p' "$ROOT/deploy/nats/permissions.conf"); do
    var="${user^^}_NATS_PASSWORD" && var=${var//-/_}
    grep -q "^$var=" "$passwords" || echo "$var=p$(openssl rand -hex 24)" >>"$passwords"
  done
  if port_open 127.0.0.1 "$nats_port"; then
    say "NATS already answers on 127.0.0.1:$nats_port (a first look still running?)"
  else
    mkdir -p "$DATA/nats"
    start nats env $(<"$passwords") "$(command -v nats-server || echo /usr/sbin/nats-server)" \
      -c "$ROOT/deploy/nats/permissions.conf" -a 127.0.0.1 -p "$nats_port" -js -sd "$DATA/nats"
    wait_port 127.0.0.1 "$nats_port" NATS
  fi
  export NATS_URL="nats://127.0.0.1:$nats_port"
  nats_env() { # user: the environment that makes a process connect as that NATS user (none for a simulator)
    local var="${1^^}_NATS_PASSWORD" password
    password=$(sed -n "s/^${var//-/_}=//p" "$passwords")
    if [[ -n $password ]]; then echo "NATS_USER=$1 NATS_PASSWORD=$password"; fi
  }
  # The operator CLI (npm run opsledger) finds the first look's NATS and its own user here.
  echo "NATS_URL=$NATS_URL $(nats_env cli)" | tr ' ' '\n' >"$DATA/first-look.env"
  chmod 600 "$DATA/first-look.env"
fi

temporal_host=${TEMPORAL_ADDRESS%:*} temporal_port=${TEMPORAL_ADDRESS##*:}
if port_open "$temporal_host" "$temporal_port"; then
  say "Temporal already answers on $TEMPORAL_ADDRESS"
else
  start temporal "$TEMPORAL_CLI" server start-dev --ip "$temporal_host" --port "$temporal_port" \
    --ui-port $((temporal_port + 1000)) --db-filename "$DATA/temporal.db" --log-level warn
  wait_port "$temporal_host" "$temporal_port" Temporal
fi

# Every process comes from services.manifest.json: name, entry, port variable, port, kind.
mapfile -t processes < <(node -e '
  for (const p of require("./services.manifest.json").processes)
    console.log([p.name, p.entry, p.portVariable, process.env[p.portVariable] || p.port, p.kind].join(" "));
')
# Every process runs as deployed: built to JavaScript (dist/<name>/main.mjs, prebuilt workflow bundles), no tsx.
say "building every process (npm run build)"
tsx tools/dev/build.ts
for line in "${processes[@]}"; do
  read -r name _ _ _ kind <<<"$line"
  # As the image runs it (deploy/Dockerfile's ENV and CMD; deploy-files.unit.spec.ts keeps the two the same).
  main=(env MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4 --enable-source-maps "dist/$name/main.mjs")
  if [[ $kind == app ]]; then
    # Plain HTTP on loopback for the first look: the session cookie cannot be Secure here.
    start "$name" env $(nats_env "$name") COOKIE_SECURE=false CONSOLE_DIST="$ROOT/apps/console/dist" "${main[@]}"
  else
    start "$name" env $(nats_env "$name") "${main[@]}"
  fi
done

for line in "${processes[@]}"; do
  read -r name _ _ port kind <<<"$line"
  [[ $kind == simulator ]] && continue
  url="http://127.0.0.1:$port/readyz"
  for i in $(seq 1 150); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
    [[ "$code" == 200 ]] && break
    ((i == 150)) && { tail -20 "$DATA/logs/$name.log" >&2; die "$name is not ready: $url answered $code"; }
    sleep 0.2
  done
  say "$name ready: $url → 200"
done

env $(nats_env cli) tsx tools/dev/seed.ts

echo
echo "Ops Ledger is running."
echo "  console           http://127.0.0.1:${GATEWAY_PORT:-3000}/   (sign in with the accounts above; API under /api)"
node -e '
  for (const p of require("./services.manifest.json").processes) {
    const port = process.env[p.portVariable] || p.port;
    console.log(`  ${p.name.padEnd(17)} http://127.0.0.1:${port}   ${p.kind === "simulator" ? "" : "(/healthz, /readyz) "}${p.about}`);
  }
'
cat <<INFO
  Temporal UI       http://$temporal_host:$((temporal_port + 1000))
  PostgreSQL        ${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}  (a schema per context)
  NATS JetStream    $NATS_URL  (a stream per context; a user per process: deploy/nats/permissions.conf)
  logs              .data/logs/
INFO
$check_only && exit 0
echo "Ctrl-C stops everything this command started."
wait
