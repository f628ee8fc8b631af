#!/usr/bin/env bash
# `opsledger …`: the operator CLI, on the project's pinned Node.
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
# Commands are signed with the platform's shared key; by default the development one `tools/dev/up.sh` starts with
# (in a deployment set the real one: a command signed with another key is refused, never obeyed).
export COMMAND_SIGNING_KEY="${COMMAND_SIGNING_KEY:-dev-only-command-signing-key-not-for-production}"
# With no NATS_URL of its own, it talks to the first look (`npm start`) as that server's `cli` user.
if [[ -z "${NATS_URL:-}" && -f "$ROOT/.data/first-look.env" ]]; then
  set -a && source "$ROOT/.data/first-look.env" && set +a
fi
exec "$ROOT/node_modules/.bin/tsx" "$ROOT/tools/cli/opsledger.ts" "$@"
