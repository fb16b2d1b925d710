#!/usr/bin/env bash
# Set up ngomap in ./.venv, then run the app or the whole test suite.
#   ./dev.sh app    start the web app on the embedded sample (http://127.0.0.1:8501)
#   ./dev.sh test   lint, format check, types, layers, unit, page and browser tests
set -euo pipefail
cd "$(dirname "$0")"

die() { printf 'ngomap setup: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  # apt_install PACKAGE...: install Debian packages, or say what to install.
  if command -v apt-get >/dev/null 2>&1 \
    && as_root apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; then
    return 0
  fi
  die "could not install $*; install it yourself (sudo apt-get install $*) and run this again"
}

find_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  die "Python 3.11 or newer is needed (sudo apt-get install python3)"
}

setup() {
  # setup EXTRA: create .venv and install ngomap (with the EXTRA, if any) when needed, from
  # the lock file (requirements/app.txt, or requirements/EXTRA.txt): the versions CI tested.
  local extra="$1" py stamp lock="requirements/${1:-app}.txt"
  py=$(find_python)
  if [ ! -x .venv/bin/python ]; then
    if ! "$py" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      apt_install python3-venv
      "$py" -m venv .venv || die "could not create .venv with $py"
    fi
  fi
  stamp=".venv/.ngomap-installed-$(cat pyproject.toml "$lock" | sha256sum | cut -c1-16)${extra:+-$extra}"
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r "$lock"
    .venv/bin/python -m pip install -q --no-deps -e .
    touch "$stamp"
  fi
}

ensure_chromium() {
  if [ -n "${NGOMAP_CHROMIUM:-}" ] && [ -x "$NGOMAP_CHROMIUM" ]; then return 0; fi
  if [ -x /usr/bin/chromium ]; then return 0; fi
  echo "ngomap setup: installing Debian's chromium for the browser tests" >&2
  apt_install chromium
}

case "${1:-}" in
  app)
    setup ""
    exec .venv/bin/ngomap app
    ;;
  test)
    setup test
    ensure_chromium
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    .venv/bin/mypy
    .venv/bin/lint-imports
    exec .venv/bin/python -m pytest
    ;;
  *)
    echo "usage: ./dev.sh app | ./dev.sh test" >&2
    exit 2
    ;;
esac
