"""One vendor budget for every process: a transport that waits for its turn before each call.

``FPAPI_VENDOR_RPS`` calls per second are shared by every worker on every host and by the app:
each call first takes the next free slot from a :class:`Budget` (kept in the team database, so
all of them draw from the same one) and waits for it. A 429 with ``Retry-After`` pauses the
budget itself, so every process holds its calls until then, not only the one that was told.
Retries of 5xx stay the client's (``FirstPartyClient``), each retry taking a slot of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import httpx

from fpapi.api.client import retry_after_s

__all__ = ["DEFAULT_PAUSE_S", "Budget", "BudgetedTransport"]

DEFAULT_PAUSE_S = 1.0  # a 429 without a usable Retry-After pauses everyone this long


class Budget(Protocol):
    def take_slot(self) -> float:
        """Reserve the next free slot: seconds from now until it (0 when it is now)."""

    def paused_for(self) -> float:
        """Seconds left of a pause that a 429 asked for (0 when there is none)."""

    def pause(self, seconds: float) -> None:
        """Hold every caller's calls for ``seconds`` from now (a longer pause already set
        stands)."""


class BudgetedTransport(httpx.BaseTransport):
    """``inner``, each request sent only in a slot of ``budget`` and outside its pauses."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        budget: Budget,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._inner, self._budget, self._sleep = inner, budget, sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        while True:
            wait = self._budget.take_slot()
            if wait > 0:
                self._sleep(wait)
            if self._budget.paused_for() <= 0:  # a pause set while waiting moves us on
                break
        response = self._inner.handle_request(request)
        if response.status_code == 429:
            after = retry_after_s(response)
            self._budget.pause(after if after is not None else DEFAULT_PAUSE_S)
        return response

    def close(self) -> None:
        self._inner.close()
