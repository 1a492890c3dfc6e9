"""Refresh on the job queue, against a real PostgreSQL and real worker processes: two workers
drain one queue, a killed worker's jobs are done by another, the vendor budget holds across
workers and a 429 pauses them all, enqueueing twice queues each creator once, and a creator
forgotten meanwhile is skipped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa

from fpapi.commands import refresh as refresh_command
from fpapi.commands import seed as seed_command
from fpapi.sandbox import Knobs, Sandbox
from fpapi.sandbox.server import RATE_LIMIT_RETRY_AFTER_S
from fpapi.workspace.core import Actor, open_workspace
from fpapi.workspace.jobs import TASK
from fpapi.workspace.settings import load_settings
from tests.helpers import plain_engine, wait_until_drained, workers

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def team(postgres, tmp_path):
    """A team database with a sandbox of its own; the environment its commands run in."""
    sandbox = Sandbox().start()
    env = {
        "FPAPI_DATABASE_URL": postgres.fresh_database(),
        "FPAPI_DATA_DIR": str(tmp_path / "data"),
        "FPAPI_BASE_URL": sandbox.base_url,
        "FPAPI_TOKEN": sandbox.token,
    }
    yield sandbox, env
    sandbox.stop()


def seed(env: dict[str, str], creators: int) -> list[str]:
    assert seed_command.main(["--creators", str(creators)], env) == 0
    ws = open_workspace(load_settings(env, ()), Actor("test"))
    try:
        return [c.creator_id for c in ws.creators()]
    finally:
        ws.close()


def job_rows(env: dict[str, str]) -> list[tuple]:
    engine = plain_engine(env["FPAPI_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text(
                    "SELECT queueing_lock, status, worker_id FROM procrastinate_jobs "
                    "WHERE task_name = :task ORDER BY id"
                ),
                {"task": TASK},
            ).all()
    finally:
        engine.dispose()


def budget_pause(env: dict[str, str]) -> float:
    """Until when the shared vendor budget was paused (epoch seconds)."""
    engine = plain_engine(env["FPAPI_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT paused_until FROM vendor_budget")
            ).scalar_one()
    finally:
        engine.dispose()


def insight_calls(sandbox: Sandbox, creator_ids: list[str]) -> Counter[str]:
    return Counter({cid: sandbox.calls[f"insights:{cid}"] for cid in creator_ids})


def test_refresh_queues_each_creator_once_however_often_it_is_run(team, capsys):
    sandbox, env = team
    ids = seed(env, 12)
    assert refresh_command.main([], env) == 0
    assert "Queued 12 creators for refresh" in capsys.readouterr().out
    assert refresh_command.main([], env) == 0  # again, before any worker ran
    assert "Queued 0 creators for refresh (12 more wait from an earlier one)" in (
        capsys.readouterr().out
    )
    rows = job_rows(env)
    assert sorted(lock for lock, _, _ in rows) == sorted(ids)
    assert {status for _, status, _ in rows} == {"todo"}
    assert sum(sandbox.calls.values()) == 0  # enqueueing calls no vendor


def test_two_workers_drain_one_queue_and_fetch_each_creator_once(team, capsys):
    sandbox, env = team
    ids = seed(env, 40)
    sandbox.knobs = Knobs(latency_s=0.2)
    assert refresh_command.main([], env) == 0
    sandbox.reset_peak()
    with workers(env, 2, concurrency=4):
        done = wait_until_drained(env)
    assert (done.done, done.failed) == (40, 0)
    assert insight_calls(sandbox, ids) == Counter(dict.fromkeys(ids, 1))
    assert sandbox.peak_calls_at_once > 4, "both workers fetched at once (4 each at most)"
    assert refresh_command.main([], env) == 0  # the next cycle fetches each of them again
    with workers(env, 1):
        wait_until_drained(env)
    assert insight_calls(sandbox, ids) == Counter(dict.fromkeys(ids, 2))  # once per cycle


def test_a_killed_workers_jobs_are_done_by_another(team):
    sandbox, env = team
    ids = seed(env, 16)
    sandbox.knobs = Knobs(latency_s=1.0)
    assert refresh_command.main([], env) == 0
    with workers(env, 1, concurrency=4) as (doomed,):
        deadline = time.monotonic() + 30
        while not any(status == "doing" for _, status, _ in job_rows(env)):
            assert time.monotonic() < deadline, "the first worker never started a job"
            time.sleep(0.1)
        doomed.kill()  # SIGKILL: no chance to give its jobs back
        doomed.wait()
        with workers(env, 1, lease_s=2.0):
            done = wait_until_drained(env)
    assert (done.done, done.failed) == (16, 0)
    calls = insight_calls(sandbox, ids)
    assert all(calls[cid] >= 1 for cid in ids)
    assert sum(calls.values()) <= len(ids) + 4  # only the killed worker's jobs in flight twice


def test_the_vendor_budget_holds_across_three_workers(team):
    sandbox, env = team
    seed(env, 45)
    env = {**env, "FPAPI_VENDOR_RPS": "10"}
    assert refresh_command.main([], env) == 0
    started = time.time()
    with workers(env, 3, concurrency=8):
        wait_until_drained(env)
    arrived = sorted(at for at in sandbox.arrivals if at >= started)
    assert len(arrived) == 45
    # 10 a second: 45 calls span 4.4 s at least (less a little for the requests' own jitter).
    # Slots are kept to the millisecond, but on two busy cores a thread (or the sandbox's
    # accept loop) that runs late meets the next ones: a second may hold more than 10, never
    # the 24 threads' burst at once that no budget gives.
    assert arrived[-1] - arrived[0] >= 4.4 * 0.95
    busiest = max(sum(1 for at in arrived if first <= at < first + 1) for first in arrived)
    assert busiest < 20, busiest


def test_a_429_with_retry_after_pauses_every_worker(team):
    sandbox, env = team
    ids = seed(env, 30)
    env = {**env, "FPAPI_VENDOR_RPS": "40"}
    sandbox.knobs = Knobs(burst_429=1)  # the first call is told: Retry-After 1
    assert refresh_command.main([], env) == 0
    with workers(env, 2, concurrency=8):
        done = wait_until_drained(env)
    assert (done.done, done.failed) == (30, 0)
    (limited,) = sandbox.rate_limited_at
    # The pause, as the worker told of the 429 kept it in the database: until paused_until,
    # from when it was set (Retry-After before that, on the same machine's clock).
    paused_until = budget_pause(env)
    paused_at = paused_until - RATE_LIMIT_RETRY_AFTER_S
    assert limited <= paused_at < limited + RATE_LIMIT_RETRY_AFTER_S  # set once the 429 came
    # A call whose worker took its slot before the pause was set may still arrive just after
    # (on two busy cores, with the other test processes running, a thread can wait a few
    # hundred milliseconds for a core between its slot and its request): from then on, no call
    # goes out until the pause ends. At 40 a second, the window would see about 25 calls.
    during = [
        at - paused_at for at in sandbox.arrivals if paused_at + 0.3 < at < paused_until - 0.05
    ]
    assert during == [], f"calls arrived this long (s) after the vendor asked for a pause: {during}"
    assert all(n >= 1 for n in insight_calls(sandbox, ids).values())


def test_a_creator_forgotten_while_queued_is_skipped(team):
    sandbox, env = team
    ids = seed(env, 6)
    assert refresh_command.main([], env) == 0
    ws = open_workspace(load_settings(env, ()), Actor("test"))
    try:
        ws.forget_creator(ids[0])
    finally:
        ws.close()
    with workers(env, 1):
        done = wait_until_drained(env)
    assert (done.done, done.failed) == (6, 0)  # her job ran, and did nothing
    calls = insight_calls(sandbox, ids)
    assert calls[ids[0]] == 0 and all(calls[cid] == 1 for cid in ids[1:])


def test_the_worker_refuses_a_data_folder_with_a_sentence(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "fpapi.worker"],
        cwd=ROOT,
        env={**os.environ, "FPAPI_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "The refresh queue lives in the team database" in done.stderr


def test_refresh_wait_follows_the_queue_to_its_end(team, capsys):
    _, env = team
    seed(env, 10)
    with ExitStack() as stack:
        stack.enter_context(workers(env, 1))
        assert refresh_command.main(["--wait"], env) == 0
    out = capsys.readouterr()
    assert "Queued 10 creators" in out.out
    assert "[##############################] 10/10 done, 0 running, 0 failed" in out.err
