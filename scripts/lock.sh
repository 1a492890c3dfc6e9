#!/usr/bin/env bash
# Regenerate requirements.txt (the app) and requirements-dev.txt (the app and its tests) from
# pyproject.toml with pip-tools' pip-compile: every package pinned, with its hashes from PyPI.
# A pin already in the files is kept while pyproject.toml allows it; to move one on, pass
# pip-compile's own options: bash scripts/lock.sh --upgrade-package streamlit
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
"$python" -m venv "$tools"
# Only PyPI, whatever this machine's pip is set up with: no pip.conf (PIP_CONFIG_FILE=/dev/null
# skips every one) and no extra index or find-links from the environment. So the hashes are
# PyPI's, and the files name no folder or index of the machine that wrote them.
pip_env=(env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS -u PIP_NO_INDEX
  PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh")
"${pip_env[@]}" "$tools/bin/python" -m pip install --quiet --disable-pip-version-check \
  pip-tools==7.6.2
compile=("${pip_env[@]}" "$tools/bin/pip-compile" --quiet --generate-hashes --strip-extras
  --allow-unsafe --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple)
"${compile[@]}" "$@" --output-file requirements.txt pyproject.toml
"${compile[@]}" "$@" --extra dev --output-file requirements-dev.txt pyproject.toml
