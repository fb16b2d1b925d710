#!/usr/bin/env bash
# Check that the lower bounds in pyproject.toml still work: install the LOWEST version that
# each direct dependency allows (their own dependencies at the newest they allow) on the
# lowest Python ngomap supports, in a throwaway virtual environment, and run the unit and
# page tests there (not the browser tests). Takes about ten minutes; not run by CI (see the
# README). Exit status: pytest's.
#   scripts/check_lower_bounds.sh [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${NGOMAP_LOWEST_PYTHON:-python3.11}
uv=".venv/bin/uv"
[ -x "$uv" ] || uv=uv
work=$(mktemp -d -t ngomap-lowest-XXXXXX)
trap 'rm -rf "$work"' EXIT

"$uv" pip compile pyproject.toml --extra test --resolution lowest-direct \
  --python-version 3.11 --quiet --no-header -o "$work/lowest.txt"
echo "lowest direct dependencies:" >&2
grep -E "^[A-Za-z0-9_.-]+==" "$work/lowest.txt" | while read -r pin; do
  name=${pin%%==*}
  if grep -qiE "^\s*\"${name//-/[-_]}[<>=!~ ]" pyproject.toml; then echo "  $pin" >&2; fi
done
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q -r "$work/lowest.txt"
"$work/venv/bin/python" -m pip install -q --no-deps -e .
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider -m "not browser" "$@"
