#!/usr/bin/env bash
# Install what the tests need (into .venv, plus Debian's chromium for the browser tests)
# and run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Playwright's own browser download does not work here: the browser tests drive Debian's
# chromium, found on the PATH. They fail, never skip, when it is missing.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then as_root=(); else as_root=(sudo); fi
  echo "Installing Debian's chromium for the browser tests..."
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
fi

exec .venv/bin/python -m pytest "$@"
