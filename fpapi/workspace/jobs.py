"""Refresh on a job queue, in team mode: procrastinate on the team database.

``python -m fpapi.refresh`` enqueues one ``refresh_creator`` job per creator on any roster and
returns; ``python -m fpapi.worker`` runs them, on as many hosts as wanted.

procrastinate and PgQueuer are both kept up and made for PostgreSQL. procrastinate was chosen
for what this needs as it comes: a queueing lock (at most one job *waiting* per creator, a
unique index, so enqueueing twice, from two hosts, adds nothing), a lock (no two jobs of one
creator *running* at once), synchronous tasks run in threads (the client is synchronous, where
PgQueuer's entrypoints are asyncio first) and worker heartbeats that find a dead worker's
jobs. The vendor's one budget is not the queue's: the app's own calls draw on it too, so
``fpapi.storage.budget`` keeps it, whatever runs the call.

A job is one creator and the time its refresh cycle began (``since``). It does nothing for a
creator forgotten since, whose consent was withdrawn, or who was fetched after ``since`` (a job
run again after its worker was killed mid-fetch): each creator is fetched once per cycle, plus
retries of failures. A worker killed with SIGKILL stops its heartbeat; after its lease (--lease-s) the other
workers put its jobs back in the queue (:func:`retry_stalled_jobs`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import procrastinate
import sqlalchemy as sa
from procrastinate import jobs as procrastinate_jobs
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import make_url

from fpapi.errors import FPAPIError, RateLimited, ServerError, TransportError
from fpapi.storage.sql_jobs import REFRESH_TASK, analyze_jobs, waiting_jobs
from fpapi.workspace.core import Workspace
from fpapi.workspace.watch import watch_fetch

__all__ = [
    "DEFAULT_LEASE_S",
    "QUEUE",
    "TASK",
    "Enqueued",
    "enqueue_refresh",
    "ensure_queue_schema",
    "queue_app",
    "refresh_creator",
    "run_worker",
]

log = logging.getLogger(__name__)

QUEUE = "refresh"
TASK = REFRESH_TASK
DEFAULT_LEASE_S = 30.0  # a worker silent this long is dead: its jobs run again elsewhere
ENQUEUE_BATCH = 500  # jobs written per statement
RETRIED_ERRORS = (RateLimited, ServerError, TransportError)  # worth another attempt later
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Enqueued:
    """What one ``refresh`` call put in the queue."""

    added: int  # new jobs
    waiting_already: int  # creators whose job from an earlier call still waits
    since: float  # when this cycle began


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy URL (never logged: it holds the password)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class _Worker:
    """The workspace core the jobs of this process run on (opened by the worker command)."""

    ws: Workspace | None = None


QUEUE_SCHEMA_LOCK_ID = 0x5155_4555_4553  # "QUEUES": one process applies the queue's schema


def ensure_queue_schema(ws: Workspace, app: procrastinate.App) -> None:
    """procrastinate's tables, created on first use (one process at a time)."""
    engine = ws.store.engine
    with engine.begin() as connection:
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(QUEUE_SCHEMA_LOCK_ID)))
        if sa.inspect(connection).has_table("procrastinate_jobs"):
            return
        driver = connection.connection.driver_connection  # psycopg's own: no placeholders
        assert driver is not None
        driver.execute(app.schema_manager.get_schema())


def queue_app(database_url: str) -> procrastinate.App:
    """The queue on the team database, with the refresh task registered."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url))
    )
    app.task(
        name=TASK,
        queue=QUEUE,
        retry=procrastinate.RetryStrategy(
            max_attempts=MAX_ATTEMPTS, exponential_wait=2, retry_exceptions=set(RETRIED_ERRORS)
        ),
    )(_run_refresh_creator)
    return app


def _run_refresh_creator(creator_id: str, since: float) -> str:
    if _Worker.ws is None:
        raise RuntimeError("refresh_creator runs in python -m fpapi.worker only")
    return refresh_creator(_Worker.ws, creator_id, since=since)


def refresh_creator(ws: Workspace, creator_id: str, *, since: float) -> str:
    """Fetch one creator for the cycle that began at ``since``, keep the snapshot, and store
    (and post) each workspace's alerts; what happened, in a few words. Raises the API's error
    when the fetch failed, so the queue retries it (or marks the job failed)."""
    rosters = ws.store.workspaces_of(creator_id)
    if not rosters:
        return "skipped: on no roster (forgotten or removed)"
    first = ws.switch_to(rosters[0])
    found = first.creators([creator_id])
    if not found or found[0].connector != "instagram":
        return "skipped: not an Instagram creator on a roster"
    creator = found[0]
    if creator.consent_withdrawn_at is not None:
        return "skipped: consent withdrawn"
    newest = first.store.latest_snapshots(per_creator=1, creator_ids=[creator_id])
    if any(snapshot.fetched_at >= since for snapshot in newest.get(creator_id, [])):
        return "skipped: fetched already in this cycle"
    for _, outcome, kept in first.refresh([creator_id], concurrency=1):
        if isinstance(outcome, FPAPIError):
            raise outcome
        for name in rosters:
            watch_fetch(first if name == first.name else ws.switch_to(name), creator, outcome, kept)
        return "fetched"
    return "skipped: left the roster meanwhile"


def enqueue_refresh(ws: Workspace, app: procrastinate.App, names: Iterable[str]) -> Enqueued:
    """One job per Instagram creator on the rosters of ``names`` (each creator once), except
    those whose consent was withdrawn and those with a job waiting already."""
    since = time.time()
    wanted: dict[str, None] = {}
    for name in names:
        for creator in ws.switch_to(name).creators():
            if creator.connector == "instagram" and creator.consent_withdrawn_at is None:
                wanted[creator.creator_id] = None
    ensure_queue_schema(ws, app)
    waiting = set(waiting_jobs(ws.store.engine, TASK))
    new = [creator_id for creator_id in wanted if creator_id not in waiting]
    added = 0
    with app.open():
        for start in range(0, len(new), ENQUEUE_BATCH):
            added += _defer(app, new[start : start + ENQUEUE_BATCH], since)
    if added:
        analyze_jobs(ws.store.engine)
    return Enqueued(added, len(wanted) - added, since)


def _job(creator_id: str, since: float) -> procrastinate_jobs.Job:
    return procrastinate_jobs.Job(
        queue=QUEUE,
        task_name=TASK,
        lock=creator_id,  # never two of one creator at once
        queueing_lock=creator_id,  # never two of one creator waiting
        task_kwargs={"creator_id": creator_id, "since": since},
    )


def _defer(app: procrastinate.App, creator_ids: list[str], since: float) -> int:
    """Defer a batch in one statement; if another host queued one of them meanwhile, each on
    its own, leaving out those waiting already."""
    try:
        app.job_manager.batch_defer_jobs([_job(cid, since) for cid in creator_ids])
        return len(creator_ids)
    except AlreadyEnqueued:
        added = 0
        for creator_id in creator_ids:
            try:
                app.job_manager.defer_job(_job(creator_id, since))
                added += 1
            except AlreadyEnqueued:
                pass
        return added


async def retry_stalled_jobs(app: procrastinate.App, lease_s: float) -> None:
    """Every half lease, put back in the queue the jobs of workers silent for ``lease_s``."""
    while True:
        await asyncio.sleep(lease_s / 2)
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=lease_s):
                log.warning("Job %s's worker stopped; it runs again", job.id)
                await app.job_manager.retry_job(job)
        except Exception as err:  # the database may be away for a moment: try next time
            log.warning("Could not look for stalled jobs: %s", type(err).__name__)


def run_worker(
    ws: Workspace, database_url: str, *, concurrency: int, lease_s: float = DEFAULT_LEASE_S
) -> None:
    """Run refresh jobs until SIGINT or SIGTERM, ``concurrency`` at once."""
    _Worker.ws = ws
    app = queue_app(database_url)

    ensure_queue_schema(ws, app)

    async def work() -> None:
        # Synchronous tasks run on the loop's default executor: Python sizes it to the cores
        # plus four (six threads here), which capped a worker at six jobs at once whatever
        # --concurrency said. One thread per job it may run.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="refresh-job")
        )
        async with app.open_async():
            retrier = asyncio.create_task(retry_stalled_jobs(app, lease_s))
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=concurrency,
                    update_heartbeat_interval=max(0.5, lease_s / 4),
                    stalled_worker_timeout=lease_s,
                    delete_jobs=procrastinate_jobs.DeleteJobCondition.NEVER,
                )
            finally:
                retrier.cancel()

    asyncio.run(work())
