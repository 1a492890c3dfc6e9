#!/usr/bin/env bash
# Install what the tests need (into .venv from the hash-locked requirements-dev.txt, plus
# Debian's chromium, PostgreSQL and nginx) and run the whole suite, fast checks first:
# lint, format, types, import contracts, unit and page tests, then the browser tests.
# With arguments, runs just pytest with them (bash scripts/test.sh tests/test_client.py -x).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"

# Each stage's wall time is printed when it ends, and all of them with the total when the script
# exits, passing or failing (the stage that failed is marked). Times come from bash 5's
# EPOCHREALTIME, in microseconds.
now() { local t=${EPOCHREALTIME:-$(date +%s).000000}; echo "${t//[!0-9]/}"; }
secs() { printf '%d.%d' $(($1 / 1000000)) $(($1 / 100000 % 10)); }
began=$(now) stage="" stage_began=0 times=()
step() {  # step NAME: ends the stage running (printing its time), then starts NAME if given
  local t took
  t=$(now)
  if [ -n "$stage" ]; then
    took=$(secs $((t - stage_began)))
    printf '== %s (%s s)\n' "$stage" "$took"
    times+=("$(printf '%-20s %7s s' "$stage" "$took")")
  fi
  stage=${1:-} stage_began=$t
  if [ -n "$stage" ]; then printf '\n== %s\n' "$stage"; fi
}
summary() {
  local t
  t=$(now)
  if [ -n "$stage" ]; then
    times+=("$(printf '%-20s %7s s  FAILED' "$stage" "$(secs $((t - stage_began)))")")
  fi
  printf '\n== wall time\n'
  printf '%s\n' "${times[@]}"
  printf '%-20s %7s s\n' total "$(secs $((t - began)))"
}
trap summary EXIT

step "install"
[ -x .venv/bin/python ] || "$python" -m venv .venv
# --isolated and PIP_CERT: as in scripts/run.sh, no pip.conf of the user's or PIP_* variable
# adds an index, and the certificate still reaches pip.
.venv/bin/python -m pip --isolated install --quiet --disable-pip-version-check \
  ${PIP_CERT:+--cert "$PIP_CERT"} --require-hashes -r requirements-dev.txt

# What the tests start for real comes from Debian, installed here when missing: chromium for
# the browser tests (Playwright's own browser download does not work here), PostgreSQL 15 and
# nginx for the team tests, docker-compose to validate compose.yaml (no engine needed). The
# tests start and stop their own servers, so the packages' own services are kept from starting
# and no default database cluster is created. A test whose server is missing fails, never skips.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
# docker-compose only validates compose.yaml: without its recommended Docker engine.
lean=()
command -v docker-compose >/dev/null 2>&1 || lean+=(docker-compose)
if [ "${#need[@]}" -gt 0 ] || [ "${#lean[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then as_root=(); else as_root=(sudo); fi
  echo "Installing Debian's ${need[*]} ${lean[*]} for the tests..."
  if [[ " ${need[*]} " == *" postgresql "* ]]; then
    "${as_root[@]}" mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | "${as_root[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  made_policy=false
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${as_root[@]}" chmod +x /usr/sbin/policy-rc.d
    made_policy=true
  fi
  "${as_root[@]}" apt-get update -qq
  if [ "${#need[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq \
      -o Dpkg::Options::=--force-confold "${need[@]}" >/dev/null
  fi
  if [ "${#lean[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
      "${lean[@]}" >/dev/null
  fi
  if [ "$made_policy" = true ]; then "${as_root[@]}" rm -f /usr/sbin/policy-rc.d; fi
fi

if [ "$#" -gt 0 ]; then
  step
  trap - EXIT
  exec .venv/bin/python -m pytest "$@"
fi

step "ruff check";         .venv/bin/ruff check .
step "ruff format";        .venv/bin/ruff format --check .
step "mypy";               .venv/bin/mypy
step "import contracts";   PYTHONPATH=. .venv/bin/lint-imports --no-cache
step "unit and page tests"; .venv/bin/python -m pytest -m "not browser"
step "browser tests";      .venv/bin/python -m pytest -m browser
step
