#!/usr/bin/env bash
# buf breaking against main: on a branch, against main's tip; on main itself,
# against the previous commit, so every change that lands on main was checked
# against what was there before. Events are stored for ever: a wire-breaking
# change needs a new message or package version instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
against=main
if [[ "$(git rev-parse HEAD)" == "$(git rev-parse main 2>/dev/null)" ]]; then
  # Working-tree changes on main compare with main; a clean main with its parent.
  if [[ -z "$(git status --porcelain -- proto)" ]]; then against="main~1"; fi
fi
if ! git rev-parse --verify --quiet "$against" >/dev/null || ! git cat-file -e "$against:proto/buf.yaml" 2>/dev/null; then
  echo "buf breaking: $against has no proto/ yet; nothing to compare"
  exit 0
fi
buf breaking proto --against ".git#ref=$(git rev-parse "$against"),subdir=proto"
echo "buf breaking: no breaking change against $against"
