"""python -m fpapi.refresh against the sandbox, with a local webhook receiver: snapshots, one
line per creator, alerts posted once, and the exit status a scheduler reads."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fpapi.commands.refresh import main
from fpapi.sandbox import instagram_pool
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import Creator
from fpapi.storage.sql_store import SqlStore
from tests.helpers import add_to_roster, wait_until_drained, workers

ACCOUNTS = instagram_pool()[:3]


class Receiver:
    """A webhook on loopback that keeps every JSON body posted to it."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[dict] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/T000/B000/secret"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def env(tmp_path, clean_sandbox, receiver):
    add_to_roster(tmp_path / "data", *ACCOUNTS)
    return {
        "FPAPI_BASE_URL": clean_sandbox.base_url,
        "FPAPI_TOKEN": clean_sandbox.token,
        "FPAPI_DATA_DIR": str(tmp_path / "data"),
        "FPAPI_ALERT_WEBHOOK_URL": receiver.url,
    }


def run(env, capsys) -> tuple[int, list[str]]:
    status = main(["--concurrency", "3"], env)
    return status, capsys.readouterr().out.strip().splitlines()


def test_each_run_keeps_a_snapshot_and_prints_a_line_per_creator(env, capsys, tmp_path):
    status, lines = run(env, capsys)
    assert status == 0 and len(lines) == len(ACCOUNTS)
    for account in ACCOUNTS:
        (line,) = [line for line in lines if line.startswith(f"@{account.username}  followers ")]
        assert "first fetch on record" in line
    status, lines = run(env, capsys)
    assert status == 0 and all("no change worth an alert" in line for line in lines)
    store = DataFolderStore(tmp_path / "data" / "store")
    assert all(len(store.snapshots(a.creator_id)) == 2 for a in ACCOUNTS)


def test_changed_numbers_raise_alerts_posted_once_without_a_token(
    env, capsys, clean_sandbox, receiver
):
    run(env, capsys)
    first, second = ACCOUNTS[0], ACCOUNTS[1]
    clean_sandbox.knobs.changes = {
        first.creator_id: {"engagement_pct": -40},
        second.creator_id: {"followers_pct": 8, "quality_points": -15},
    }
    status, lines = run(env, capsys)
    assert status == 0
    texts = [body["text"] for body in receiver.bodies]
    assert len(texts) == 3, texts
    er = next(t for t in texts if t.startswith(f"@{first.username}: engagement rate "))
    assert "→" in er and "points" in er
    assert any(t.startswith(f"@{second.username}: followers ") and "+8.0" in t for t in texts)
    assert any(t.startswith(f"@{second.username}: profile quality ") for t in texts)
    (line,) = [line for line in lines if line.startswith(f"@{first.username} ")]
    assert "changed: engagement rate" in line
    assert not any(clean_sandbox.token in t for t in texts)
    run(env, capsys)  # the same numbers again: nothing new to say
    assert len(receiver.bodies) == 3
    store = DataFolderStore(Path(env["FPAPI_DATA_DIR"]) / "store")
    assert {a.rule for a in store.alerts()} == {"er_drop", "followers_up", "quality_drop"}
    assert all(a.delivered_at for a in store.alerts())


def test_two_hosts_refreshing_at_once_post_each_alert_once(env, capsys, clean_sandbox, receiver):
    run(env, capsys)
    clean_sandbox.knobs.changes = {ACCOUNTS[2].creator_id: {"followers_pct": -12}}
    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(lambda _: main(["--concurrency", "2"], env), range(2)))
    assert statuses == [0, 0]
    assert len(receiver.bodies) == 1 and "followers" in receiver.bodies[0]["text"]


def test_a_failing_vendor_exits_1_and_names_the_error(env, capsys, clean_sandbox):
    clean_sandbox.knobs.failure_rate = 1.0
    status, lines = run(env, capsys)
    assert status == 1 and len(lines) == len(ACCOUNTS)
    assert all(" error: " in line for line in lines)


def test_a_failing_webhook_is_retried_once_and_never_stops_the_refresh(
    env, capsys, clean_sandbox, caplog
):
    broken = Receiver(status=500)
    try:
        run(env, capsys)
        clean_sandbox.knobs.changes = {ACCOUNTS[0].creator_id: {"engagement_pct": -50}}
        status, lines = run({**env, "FPAPI_ALERT_WEBHOOK_URL": broken.url}, capsys)
    finally:
        broken.close()
    assert status == 0 and len(lines) == len(ACCOUNTS)
    assert len(broken.bodies) == 2  # tried, then retried once
    assert "Alert webhook failed" in caplog.text and "secret" not in caplog.text


def test_a_configuration_error_exits_2(tmp_path, capsys):
    status = main([], {"FPAPI_BASE_URL": "https://api.example", "FPAPI_DATA_DIR": str(tmp_path)})
    assert status == 2 and "FPAPI_TOKEN" in capsys.readouterr().err


def test_it_runs_as_a_module(env):
    done = subprocess.run(
        [sys.executable, "-m", "fpapi.refresh", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "Scheduled refresh" in done.stdout


def test_two_hosts_on_the_team_database_queue_one_refresh_and_post_each_alert_once(
    postgres, tmp_path, capsys, clean_sandbox, receiver
):
    url = postgres.fresh_database()
    team = SqlStore(url)
    for account in ACCOUNTS:
        team.add_creator(Creator(account.creator_id, "instagram", name=account.name,
                                 username=account.username, verified_at=time.time()))  # fmt: skip
    env = {
        "FPAPI_BASE_URL": clean_sandbox.base_url,
        "FPAPI_TOKEN": clean_sandbox.token,
        "FPAPI_DATABASE_URL": url,
        "FPAPI_DATA_DIR": str(tmp_path / "unused"),
        "FPAPI_ALERT_WEBHOOK_URL": receiver.url,
    }
    assert main([], env) == 0
    with workers(env, 1):
        wait_until_drained(env)
    clean_sandbox.knobs.changes = {ACCOUNTS[0].creator_id: {"engagement_pct": -50}}
    with ThreadPoolExecutor(2) as pool:  # two hosts' cron at the same minute
        statuses = list(pool.map(lambda _: main([], env), range(2)))
    assert statuses == [0, 0]
    with workers(env, 2):
        wait_until_drained(env)
    assert [body["text"].split(":")[0] for body in receiver.bodies] == [f"@{ACCOUNTS[0].username}"]
    assert len(team.alerts()) == 1 and team.alerts()[0].delivered_at
    assert len(team.snapshots(ACCOUNTS[0].creator_id)) == 2  # one fetch per refresh, not per host


def test_the_refresh_waits_for_the_vendor_as_long_as_the_app_is_told(env, capsys, clean_sandbox):
    """FPAPI_TIMEOUT_S holds for the scheduled refresh as for the app: one client, built from
    the settings in one place."""
    clean_sandbox.knobs.latency_s = 1.5
    status, lines = run({**env, "FPAPI_TIMEOUT_S": "0.3"}, capsys)
    assert status == 1 and len(lines) == len(ACCOUNTS)
    assert all(" error: " in line and "did not answer" in line for line in lines), lines
