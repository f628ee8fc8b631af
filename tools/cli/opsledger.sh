#!/usr/bin/env bash
# `opsledger …`: the operator CLI, on the project's pinned Node.
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
exec "$ROOT/node_modules/.bin/tsx" "$ROOT/tools/cli/opsledger.ts" "$@"
