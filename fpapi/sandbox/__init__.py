"""The embedded sandbox: the First Party API contract, emulated on loopback with synthetic creators."""

from __future__ import annotations

import threading

from fpapi.sandbox.accounts import SandboxAccount, instagram_pool, youtube_pool
from fpapi.sandbox.insights import build_insights
from fpapi.sandbox.server import API_PREFIX, Knobs, Sandbox

__all__ = [
    "API_PREFIX",
    "Knobs",
    "Sandbox",
    "SandboxAccount",
    "build_insights",
    "embedded_sandbox",
    "instagram_pool",
    "youtube_pool",
]

_embedded: Sandbox | None = None
_embedded_lock = threading.Lock()


def embedded_sandbox() -> Sandbox:
    """The process's one sandbox, started on first use (the app's default API)."""
    global _embedded
    with _embedded_lock:
        if _embedded is None:
            _embedded = Sandbox().start()
        return _embedded
