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
for line in "${processes[@]}"; do
  read -r name entry _ _ kind <<<"$line"
  if [[ $kind == app ]]; then
    # Plain HTTP on loopback for the first look: the session cookie cannot be Secure here.
    COOKIE_SECURE=false CONSOLE_DIST="$ROOT/apps/console/dist" start "$name" tsx "$entry"
  else
    start "$name" tsx "$entry"
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

tsx tools/dev/seed.ts

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
  NATS JetStream    ${NATS_URL:-nats://127.0.0.1:4222}  (a stream per context)
  logs              .data/logs/
INFO
$check_only && exit 0
echo "Ctrl-C stops everything this command started."
wait
