"""Reading the refresh queue's jobs (procrastinate's table on the team database): what waits,
and how far the current refresh has got. Read only: procrastinate writes them."""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from fpapi.storage.sql_helpers import analyze

__all__ = ["REFRESH_TASK", "QueueProgress", "analyze_jobs", "queue_progress", "waiting_jobs"]

REFRESH_TASK = "refresh_creator"  # the queue's one task: fetch one creator (fpapi.workspace.jobs)

JOBS = sa.table(
    "procrastinate_jobs",
    sa.column("id"),
    sa.column("task_name"),
    sa.column("status"),
    sa.column("queueing_lock"),
    sa.column("args", postgresql.JSONB),
)

STATUS = sa.cast(JOBS.c.status, sa.Text)  # procrastinate's enum, compared as text


def _has_queue(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql" and sa.inspect(engine).has_table(JOBS.name)


def waiting_jobs(engine: Engine, task: str = REFRESH_TASK) -> list[str]:
    """The queueing locks (creator ids) of ``task``'s jobs waiting to run."""
    if not _has_queue(engine):
        return []
    query = sa.select(JOBS.c.queueing_lock).where(JOBS.c.task_name == task, STATUS == "todo")
    with engine.connect() as connection:
        return [lock for lock in connection.execute(query).scalars() if lock]


def analyze_jobs(engine: Engine) -> None:
    """Refresh PostgreSQL's statistics of the jobs table, after a batch was queued. Without
    them the planner takes a table of thousands of new jobs for an empty one, and procrastinate's
    fetch of the next job checks every waiting job's lock against every other (1.4 s a fetch
    at 7,000 waiting, where it takes 0.5 ms once analysed)."""
    analyze(engine, [JOBS], "fetching jobs may be slow for a minute")


@dataclass(frozen=True)
class QueueProgress:
    """The current refresh: jobs waiting and running (of any cycle), and those of the newest
    cycle that are done or failed; when that cycle began, and the oldest waiting job's age."""

    queued: int
    running: int
    done: int
    failed: int
    started_at: float | None
    oldest_queued_s: float | None
    now: float

    @property
    def total(self) -> int:
        return self.queued + self.running + self.done + self.failed

    @property
    def finished(self) -> int:
        return self.done + self.failed

    @property
    def share_done(self) -> float:
        return self.finished / self.total if self.total else 1.0

    @property
    def eta(self) -> float | None:
        """When the queue should be empty, at the pace since the cycle began (None before the
        first job ends, or when nothing is left)."""
        left = self.queued + self.running
        if not left or not self.finished or self.started_at is None:
            return None
        pace_s = (self.now - self.started_at) / self.finished
        return self.now + left * pace_s


def queue_progress(
    engine: Engine, task: str = REFRESH_TASK, *, now: float | None = None
) -> QueueProgress | None:
    """How far the refresh queue has got; None when no refresh was ever queued here."""
    if not _has_queue(engine):
        return None
    now = time.time() if now is None else now
    since = sa.cast(JOBS.c.args["since"].astext, sa.Float)
    mine = JOBS.c.task_name == task
    with engine.connect() as connection:
        started_at = connection.execute(sa.select(sa.func.max(since)).where(mine)).scalar()
        if started_at is None:
            return None
        counts: dict[str, int] = dict(
            connection.execute(
                sa.select(STATUS, sa.func.count())
                .where(mine, sa.or_(STATUS.in_(("todo", "doing")), since >= started_at))
                .group_by(STATUS)
            ).all()
        )
        oldest = connection.execute(
            sa.select(sa.func.min(since)).where(mine, STATUS == "todo")
        ).scalar()
    return QueueProgress(
        queued=counts.get("todo", 0),
        running=counts.get("doing", 0),
        done=counts.get("succeeded", 0),
        failed=counts.get("failed", 0),
        started_at=float(started_at),
        oldest_queued_s=None if oldest is None else max(0.0, now - float(oldest)),
        now=now,
    )
