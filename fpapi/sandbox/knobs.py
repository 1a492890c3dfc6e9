"""The sandbox's fault injection: the knobs a test turns, and the vendor's own rate limit."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

__all__ = ["GARBAGE_BODIES", "HUGE_BODY_BYTES", "Knobs", "RateLimit"]

HUGE_BODY_BYTES = 20 * 1024 * 1024
# What a misbehaving vendor might send with a 200, by the name of the garbage knob.
GARBAGE_BODIES = {
    "truncated": lambda: b'{"profile_overview": {"handle": "cut_off", "followers_count": 12',
    "array": lambda: b'[{"profile_overview": {}}]',
    "empty": lambda: b"",
    "html": lambda: b"<!doctype html><html><body>Maintenance</body></html>",
    "huge": lambda: b'{"padding": "' + b"x" * HUGE_BODY_BYTES + b'"}',
}


@dataclass
class Knobs:
    """Fault injection for tests; change them at any time, from any thread."""

    latency_s: float = 0.0  # added to every API call
    failure_rate: float = 0.0  # share of API calls that fail with an HTML body...
    failure_status: int = 503  # ...and this status
    burst_429: int = 0  # the next N API calls answer 429 with Retry-After
    garbage: str = ""  # insight calls answer 200 with: truncated, array, empty, html or huge
    # A creator's numbers moved since the last fetch, by creator id: {"followers_pct": 8,
    # "engagement_pct": -30, "quality_points": -12} (see insights.shifted), for tests and demos.
    changes: dict[str, dict[str, float]] = field(default_factory=dict)
    # Body sizes and trend shapes by creator id, as build_insights takes them: {"posts": 1000,
    # "days": 730, "trend_every": 7, "trends_end_days_ago": 800}, for benchmarks.
    shapes: dict[str, dict[str, int]] = field(default_factory=dict)
    # Creators whose consent lapsed: their insights answer 403 consent_revoked.
    revoked: list[str] = field(default_factory=list)
    # Insight calls are received but not answered while this is on (each waits up to
    # INSIGHTS_HOLD_MAX_S), for tests that look at a page while a fetch is under way.
    hold_insights: bool = False
    # The vendor's own rate limit: a token bucket of this many calls a second (0: none) holding
    # rate_limit_burst calls; a call finding it empty is answered 429 with Retry-After.
    rate_limit_rps: float = 0.0
    rate_limit_burst: int = 10


class RateLimit:
    """The vendor's rate limit as a token bucket of ``rate_limit_rps`` calls a second holding
    ``rate_limit_burst``: full at first, and again under new knobs or after ``refill()``. Its
    caller holds the sandbox's lock."""

    def __init__(self) -> None:
        self._tokens: float | None = None
        self._filled_at = 0.0
        self._knobs: Knobs | None = None

    def refill(self) -> None:
        self._tokens = None

    def over(self, knobs: Knobs) -> bool:
        """Take a token; True when there was none (answer 429)."""
        rps, burst = knobs.rate_limit_rps, float(knobs.rate_limit_burst)
        if rps <= 0:
            return False
        now = time.monotonic()
        if self._tokens is None or self._knobs is not knobs:
            self._tokens, self._knobs = burst, knobs
        self._tokens = min(burst, self._tokens + (now - self._filled_at) * rps)
        self._filled_at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return False
        return True
