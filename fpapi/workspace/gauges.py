"""The gauges a scrape reads from the database (fpapi.metrics): the refresh queue's jobs and
its oldest waiting job's age (team database on PostgreSQL), and the age of every creator's
data. Registered once per process, by the worker and by the app when it opens its store."""

from __future__ import annotations

from fpapi import metrics
from fpapi.storage.sql_jobs import queue_progress
from fpapi.storage.store import Store
from fpapi.workspace.progress import data_age

__all__ = ["watch_gauges"]


def watch_gauges(store: Store, *, queue: bool) -> None:
    """Show the data's age at every scrape, and the queue's state when ``queue``."""

    def ages() -> dict[str, float] | None:
        age = data_age(store.last_fetches(every_workspace=True))
        if age.p95_s is None or age.oldest_s is None:
            return None
        return {"0.95": age.p95_s, "1": age.oldest_s}

    metrics.watch("studio_data_age_seconds", ages)
    if not queue:
        return

    def jobs() -> dict[str, float] | None:
        found = queue_progress(store.engine)
        if found is None:
            return None
        return {"todo": found.queued, "doing": found.running, "failed": found.failed}

    def oldest() -> float | None:
        found = queue_progress(store.engine)
        return None if found is None else found.oldest_queued_s or 0.0

    metrics.watch("studio_queue_jobs", jobs)
    metrics.watch("studio_queue_oldest_job_age_seconds", oldest)
