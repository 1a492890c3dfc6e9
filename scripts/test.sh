#!/usr/bin/env bash
# Install what the tests need (into .venv from the hash-locked requirements-dev.lock, plus
# Debian's chromium for the browser tests) and run the whole suite, fast checks first:
# lint, format, types, import contracts, unit and page tests, then the browser tests.
# With arguments, runs just pytest with them (bash scripts/test.sh tests/test_client.py -x).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock

# Playwright's own browser download does not work here: the browser tests drive Debian's
# chromium, found on the PATH. They fail, never skip, when it is missing.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then as_root=(); else as_root=(sudo); fi
  echo "Installing Debian's chromium for the browser tests..."
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
fi

if [ "$#" -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi

step() { printf '\n== %s\n' "$1"; }
step "ruff check";         .venv/bin/ruff check .
step "ruff format";        .venv/bin/ruff format --check .
step "mypy";               .venv/bin/mypy
step "import contracts";   PYTHONPATH=. .venv/bin/lint-imports --no-cache
step "unit and page tests"; .venv/bin/python -m pytest -m "not browser"
step "browser tests";      .venv/bin/python -m pytest -m browser
