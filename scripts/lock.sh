#!/usr/bin/env bash
# Pin every dependency (and theirs) for reproducible installs: requirements/app.txt for the
# app, requirements/test.txt for the app and its tests. ./dev.sh installs from these files.
# Run after changing the dependencies in pyproject.toml; add --upgrade to move every pin to
# the newest release that pyproject.toml allows. Needs uv (in the test extra).
set -euo pipefail
cd "$(dirname "$0")/.."
uv=".venv/bin/uv"
[ -x "$uv" ] || uv=uv
compile() {
  "$uv" pip compile pyproject.toml --universal --python-version 3.11 --quiet \
    --custom-compile-command "scripts/lock.sh" "$@"
}
compile -o requirements/app.txt "${@:1}"
compile --extra test -o requirements/test.txt "${@:1}"
