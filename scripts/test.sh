#!/usr/bin/env bash
# Install what the tests need (into .venv from the hash-locked requirements-dev.txt, plus
# Debian's headless Chromium, PostgreSQL and nginx) and run the whole suite, fast checks first:
# lint, format, types, import contracts, unit and page tests, then the browser tests, on two
# processes (three for the unit stage).
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

own_tmp=""
finish() {
  local status=$?
  if [ "$with_summary" = true ]; then summary || true; fi
  if [ -n "$own_tmp" ]; then
    if command -v pkill >/dev/null 2>&1; then pkill -TERM -P $$ 2>/dev/null || true; fi
    if [ "$status" -eq 0 ]; then
      rm -rf "$own_tmp" || true
    else
      echo "The tests' temporary files, servers' logs included, are in $own_tmp (in memory): remove it when done." >&2
    fi
  fi
  return "$status"
}
with_summary=true
trap finish EXIT

step "install"
[ -x .venv/bin/python ] || "$python" -m venv .venv
# pip installs uv, pinned with its hashes in requirements-dev.txt; uv installs the rest, the
# same hash-checked files, in seconds from its cache (~/.cache/uv) where pip takes a minute or
# more. As with pip in scripts/run.sh, no configuration file or UV_* variable adds an index
# (--isolated, --no-config) and PIP_CERT still reaches both.
uv_version=$(sed -n 's/^uv==\([^ ]*\).*/\1/p' requirements-dev.txt)
if [ "$(.venv/bin/uv --version 2>/dev/null)" != "uv $uv_version" ]; then
  awk '/^uv==/ {print; p=1; next} p && /^ / {print; next} {p=0}' requirements-dev.txt \
    >.venv/uv-requirement.txt
  .venv/bin/python -m pip --isolated install --quiet --disable-pip-version-check \
    ${PIP_CERT:+--cert "$PIP_CERT"} --require-hashes --no-deps -r .venv/uv-requirement.txt
fi
env -u UV_INDEX -u UV_INDEX_URL -u UV_DEFAULT_INDEX -u UV_EXTRA_INDEX_URL -u UV_FIND_LINKS \
  ${PIP_CERT:+SSL_CERT_FILE="$PIP_CERT"} \
  .venv/bin/uv pip install --quiet --no-config --python .venv/bin/python \
  --default-index https://pypi.org/simple --require-hashes -r requirements-dev.txt

# What the tests start for real comes from Debian, installed here when missing: Chromium's
# headless build (chromium-headless-shell) for the browser tests (Playwright's own browser
# download does not work here; the benchmarks use the full chromium), PostgreSQL 15 and
# nginx for the team tests, docker-compose to validate compose.yaml (no engine needed). The
# tests start and stop their own servers, so the packages' own services are kept from starting
# and no default database cluster is created. A test whose server is missing fails, never skips.
need=()
command -v chromium-headless-shell >/dev/null 2>&1 || need+=(chromium-headless-shell)
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

# Python keeps the bytecode of what it imports (Python's default; some machines set
# PYTHONDONTWRITEBYTECODE=1, as CI's does): without it every app server, worker and test process
# compiles Streamlit, pandas and plotly from source again, which cost a fresh clone's run more
# than a minute. Hypothesis keeps what it learns of the code and its examples outside the clone
# (HYPOTHESIS_STORAGE_DIRECTORY overrides it), as mypy does below: 18 s of a fresh clone's run.
unset PYTHONDONTWRITEBYTECODE
export HYPOTHESIS_STORAGE_DIRECTORY="${HYPOTHESIS_STORAGE_DIRECTORY:-${XDG_CACHE_HOME:-$HOME/.cache}/creator-insights-studio/hypothesis}"

# The tests' folders, PostgreSQL clusters and browser profiles go to a folder of their own in
# memory (/dev/shm) when it and the machine's memory have 4 GB to spare (the suite's peak is
# under 1 GB): on disk, their writes cost the unit stage a fifth of its CPU time. Removed when
# the script ends, after stopping what it started; kept (with the servers' logs) when a test
# failed. A TMPDIR set beforehand is kept as it is.
gigabytes() { echo $(($1 * 1024 * 1024)); }  # in kB, as df and /proc/meminfo count
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
  [ "$(df -Pk /dev/shm | awk 'NR == 2 {print $4}')" -ge "$(gigabytes 4)" ] &&
  [ "$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)" -ge "$(gigabytes 4)" ]; then
  own_tmp=$(mktemp -d /dev/shm/creator-insights-tests.XXXXXX)
  chmod 755 "$own_tmp"  # PostgreSQL runs as its own user in it when the tests run as root
  export TMPDIR=$own_tmp
fi

if [ "$#" -gt 0 ]; then
  step
  with_summary=false
  if [ -z "$own_tmp" ]; then
    trap - EXIT
    exec .venv/bin/python -m pytest "$@"
  fi
  .venv/bin/python -m pytest "$@"
  exit
fi

# mypy keeps its cache outside the clone, so a fresh clone checks again only what changed
# (mypy compares each file's hash): about 1 s instead of 30 to 45. MYPY_CACHE_DIR overrides it.
export MYPY_CACHE_DIR="${MYPY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/creator-insights-studio/mypy}"
# The tests run on pytest-xdist processes, each with its own sandbox, PostgreSQL and app
# servers on free ports: the browser tests on TEST_WORKERS (2, the CI machine's cores), dealt
# out a file at a time so that a module's servers (the team's replicas, the sign-in provider)
# start once; the unit and page tests on one more, as a sixth of their time waits on worker
# processes, servers and PostgreSQL rather than running (TEST_UNIT_WORKERS overrides it).
workers="${TEST_WORKERS:-2}"
unit_workers="${TEST_UNIT_WORKERS:-$((workers + 1))}"

step "ruff check";         .venv/bin/ruff check .
step "ruff format";        .venv/bin/ruff format --check .
step "mypy";               .venv/bin/mypy
step "import contracts";   PYTHONPATH=. .venv/bin/lint-imports --no-cache
step "unit and page tests"; .venv/bin/python -m pytest -m "not browser" -n "$unit_workers"
step "browser tests";      .venv/bin/python -m pytest -m browser -n "$workers" --dist loadfile
step
