"""Demo creators for a newcomer on the sandbox: which to add. Each then goes through the real
flow (a verification link, the creator's consent, Verify Creator) in-process
(:meth:`fpapi.workspace.core.Workspace.add_demo_creators`), so the roster is one a real
session would have made."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from fpapi.storage.store import Store

__all__ = ["DEMO_CREATORS", "ConsentPage", "demo_usernames_to_add"]

DEMO_CREATORS = 12


class ConsentPage(Protocol):
    """What presses Allow for a creator (the sandbox's consent page)."""

    def approve(self, state: str, *, username: str | None = None) -> str: ...


def demo_usernames_to_add(store: Store, usernames: Sequence[str]) -> list[str]:
    """Which of ``usernames`` are not on the roster yet, at most DEMO_CREATORS of them."""
    on_roster = {c.username for c in store.creators_with_handles(list(usernames))}
    return [u for u in usernames if u not in on_roster][:DEMO_CREATORS]
