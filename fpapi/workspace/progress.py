"""How far a refresh has got, and how old the roster's data is: for the refresh command's
bar, the home page's panel and the metrics."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fpapi.storage.sql_jobs import QueueProgress

__all__ = ["DataAge", "bar", "data_age", "progress_line"]

BAR_WIDTH = 30


def bar(done: int, total: int, *, width: int = BAR_WIDTH) -> str:
    """``[#########.....]  45/100`` (a full bar for nothing to do)."""
    filled = width if not total else round(width * done / total)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"


def progress_line(progress: QueueProgress) -> str:
    """One line of the queue's progress: the bar, running and failed jobs, the finish time."""
    line = (
        f"{bar(progress.finished, progress.total)} done, {progress.running:,} running, "
        f"{progress.failed:,} failed"
    )
    if progress.eta is not None:
        line += f", about {datetime.fromtimestamp(progress.eta):%H:%M:%S} to finish"
    return line


@dataclass(frozen=True)
class DataAge:
    """The age of the roster's data: of its 95th percentile and of its oldest, in seconds
    (None when no creator was ever fetched), and how many creators were never fetched."""

    p95_s: float | None
    oldest_s: float | None
    never: int
    creators: int


def data_age(last_fetches: Sequence[float | None], *, now: float | None = None) -> DataAge:
    """From each creator's last fetch time (``Store.last_fetches``)."""
    now = time.time() if now is None else now
    ages = sorted(max(0.0, now - at) for at in last_fetches if at is not None)
    never = len(last_fetches) - len(ages)
    if not ages:
        return DataAge(None, None, never, len(last_fetches))
    rank = max(0, math.ceil(0.95 * len(ages)) - 1)  # nearest rank: 95% are this old or younger
    return DataAge(ages[rank], ages[-1], never, len(last_fetches))
