"""Helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import diskcache
import numpy as np
import sqlalchemy as sa

from components.frame.plotly_view import CHART_COMPONENT
from fpapi import FirstPartyClient
from fpapi.commands import seed, workspaces
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import Creator
from fpapi.storage.sql_jobs import queue_progress
from fpapi.storage.store import Store
from fpapi.workspace.connect import NewLink, create_link
from fpapi.workspace.core import Actor, Workspace
from fpapi.workspace.settings import Settings

CALLBACK = "http://localhost:8501/callback"

# The KPIs an analyst reads at the top of every insights page.
KPI_LABELS = (
    "Followers",
    "Engagement rate",
    "Posts per week",
    "Effective follower rate",
    "Median views",
    "Profile quality",
)


def free_port() -> int:
    """A loopback port nobody listens on (for a server to start on, or to find nothing)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Clock:
    """A clock the test moves by hand: ``clock.now += 3600``; with a ``step``, each reading is
    that much later than the one before (so the order of what it stamps is known)."""

    def __init__(self, now: float = 5_000_000.0, step: float = 0.0) -> None:
        self.now = now
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def charts_of(at: Any) -> list[dict]:
    """Every plotly figure an AppTest run drew (components/frame/plotly_view.py), as its JSON."""
    return [
        json.loads(json.loads(element.proto.json)["figure"])
        for element in at.get("bidi_component")
        if element.proto.component_name.endswith(CHART_COMPONENT)
    ]


def chart_labels(at: Any) -> list[str]:
    """What a screen reader reads for each chart an AppTest run drew (its aria-label)."""
    return [
        json.loads(element.proto.json)["label"]
        for element in at.get("bidi_component")
        if element.proto.component_name.endswith(CHART_COMPONENT)
    ]


def plotly_values(array: Any) -> list[float]:
    """A plotly JSON array, plain or typed ({"dtype", "bdata"})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def write_older_store(folder: Path, records: dict[str, Any]) -> None:
    """Records as an older version's store kept them: a JSON diskcache, each under its key
    (``creator|<id>``, ``link|<key>``, ...)."""
    with diskcache.Cache(str(folder), disk=diskcache.JSONDisk) as raw:
        for key, value in records.items():
            raw.set(key, value)


def app_store(data_dir: Path) -> Store:
    return DataFolderStore(data_dir / "store")


def make_link(
    client: FirstPartyClient, store: Store, *, connector: str = "instagram", label: str = ""
) -> NewLink:
    """A link made the way the connect page makes one (default redirect, actor "local")."""
    return create_link(
        client,
        store,
        connector=connector,
        redirect_url=CALLBACK,
        allowed_origins=[CALLBACK],
        actor="local",
        label=label,
    )


def add_to_roster(data_dir: Path, *accounts: Any) -> None:
    """Put sandbox accounts straight on the roster, as if each had just been verified."""
    store = DataFolderStore(data_dir / "store")
    for account in accounts:
        store.add_creator(
            Creator(creator_id=account.creator_id, connector=account.connector, name=account.name,
                    username=account.username, verified_at=time.time())
        )  # fmt: skip
    store.close()


def stored_text(data_dir: Path) -> str:
    """Everything the app keeps under ``data_dir``, as readable text: every key and value of
    every diskcache in it, decompressed (JSONDisk zlib-compresses them, so the raw bytes on
    disk would hide a secret from a plain search), plus any other file's text."""
    parts = []
    folders = {p.parent for p in data_dir.rglob("cache.db")}
    for folder in folders:
        with diskcache.Cache(str(folder), disk=diskcache.JSONDisk) as cache:
            for key in cache.iterkeys():
                parts.append(json.dumps([key, cache.get(key)], default=str))
    for path in data_dir.rglob("*"):
        if path.is_file() and path.parent not in folders and path.suffix != ".val":
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def seed_acme_and_globex(
    environ: dict[str, str], *, acme_analyst: str, acme_viewer: str, globex_analyst: str
) -> None:
    """Two client workspaces made by the commands, as an agency would: acme with 15 sandbox
    creators, globex with the same 15 and 15 more; an analyst and a viewer of acme and an
    analyst of globex as their members."""
    assert seed.main(["--creators", "15", "--workspace", "acme"], environ) == 0
    assert seed.main(["--creators", "30", "--workspace", "globex"], environ) == 0
    for command in (
        ["add", "acme", acme_analyst, "--role", "analyst"],
        ["add", "acme", acme_viewer, "--role", "viewer"],
        ["add", "globex", globex_analyst, "--role", "analyst"],
    ):
        assert workspaces.main(command, environ) == 0, command


@dataclass
class CoreWorld:
    """A store and an insight cache on one clock, and the core anyone opens on them: the
    base of the workspace suites' worlds, each of which fills it with its own things."""

    settings: Settings
    store: Store
    cache: InsightCache
    clock: Clock

    def open(self, actor: Actor, name: str = "acme", **changes: Any) -> Workspace:
        """``actor``'s core on the workspace ``name``, with ``changes`` to the settings."""
        settings = replace(self.settings, **changes)
        return Workspace(settings, self.store, self.cache, actor, workspace=name, clock=self.clock)


# --- the refresh queue's workers (team database on PostgreSQL) -------------------------------

DRAIN_TIMEOUT_S = 90
ROOT = Path(__file__).resolve().parents[1]


def start_worker(env: dict[str, str], *, concurrency: int, lease_s: float, stderr: Any):
    """One ``python -m fpapi.worker`` process; its stderr to ``stderr`` (a file, or PIPE)."""
    return subprocess.Popen(
        [
            sys.executable, "-m", "fpapi.worker",
            "--concurrency", str(concurrency), "--lease-s", str(lease_s),
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )  # fmt: skip


def stop_workers(processes: list[subprocess.Popen], *, timeout_s: float = 15) -> None:
    """SIGTERM to each worker still running (it finishes its jobs), SIGKILL past ``timeout_s``."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def workers(env: dict[str, str], count: int, *, concurrency: int = 4, lease_s: float = 2.0):
    """``count`` worker processes (``python -m fpapi.worker``), stopped when the block ends."""
    started = [
        start_worker(env, concurrency=concurrency, lease_s=lease_s, stderr=subprocess.PIPE)
        for _ in range(count)
    ]
    try:
        yield started
    finally:
        stop_workers(started)


def plain_engine(url: str) -> sa.Engine:
    """An engine on ``url`` (FPAPI_DATABASE_URL's form) that leaves its schema as it is: for
    looking at a database the app or its workers use, not migrating it."""
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def queue_state(env: dict[str, str]):
    engine = plain_engine(env["FPAPI_DATABASE_URL"])
    try:
        return queue_progress(engine)
    finally:
        engine.dispose()


def wait_until_drained(env: dict[str, str]):
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        found = queue_state(env)
        if found is not None and not found.queued and not found.running:
            return found
        time.sleep(0.25)
    raise AssertionError(f"the queue was not drained in {DRAIN_TIMEOUT_S} s: {queue_state(env)}")
