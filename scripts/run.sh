#!/usr/bin/env bash
# Install what the app needs into .venv (from the hash-locked requirements.txt) and start it on
# http://localhost:8501. With no FPAPI_BASE_URL configured it runs on the embedded sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
# --isolated: pip ignores PIP_* variables and the user's own pip.conf, where an extra index or
# wheel folder set up for other projects (absent or half-empty here) adds a warning per
# package. It still reads the system-wide pip.conf (a site's mirror or certificate), and
# PIP_CERT is passed on: behind a TLS-inspecting proxy it is how pip reaches the index. Every
# file must match its hash in requirements.txt wherever it comes from.
.venv/bin/python -m pip --isolated install --quiet --disable-pip-version-check \
  ${PIP_CERT:+--cert "$PIP_CERT"} --require-hashes -r requirements.txt
# serve.py wraps app.py so that every response carries the anti-framing headers.
exec .venv/bin/python -m streamlit run serve.py --server.port "${PORT:-8501}" "$@"
