#!/usr/bin/env bash
# `npm test`: every check and every test, on the real PostgreSQL, NATS and
# Temporal. This is what CI runs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
ensure_chromium
cd "$ROOT"
mkdir -p artifacts

say "types (tsc)"
tsc -p tsconfig.json
tsc -p apps/console/tsconfig.json --noEmit

say "lint (eslint) and format (prettier)"
eslint --max-warnings=0 .
prettier --check --log-level=warn .

say "contracts: buf lint, buf breaking, generated code up to date"
buf lint proto
bash tools/dev/proto-breaking.sh
buf generate proto --template proto/buf.gen.yaml
git diff --exit-code --stat -- libs/contracts/src/gen || die "libs/contracts/src/gen is stale: run npm run proto:generate and commit it"
[[ -z "$(git status --porcelain -- libs/contracts/src/gen)" ]] || die "buf generate produced files that are not committed"

say "unit, integration and end-to-end tests (vitest)"
tsx tools/dev/leftovers.ts | sort >artifacts/leftovers-before.txt
status=0
vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest.json "$@" || status=$?
# The plain closing line CI reads.
node -e '
  const r = require("./artifacts/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true

tsx tools/dev/leftovers.ts | sort >artifacts/leftovers-after.txt
leaked=$(comm -13 artifacts/leftovers-before.txt artifacts/leftovers-after.txt)
if [[ -n "$leaked" ]]; then
  printf 'tests left these behind (each test must drop its schemas and streams):\n%s\n' "$leaked" >&2
  status=1
fi
exit $status
