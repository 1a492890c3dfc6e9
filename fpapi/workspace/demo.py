"""Demo creators for a newcomer on the sandbox: each goes through the real flow (a verification
link, the creator's consent, Verify Creator) in-process, so the roster is one a real session
would have made."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from fpapi.api.client import FirstPartyClient
from fpapi.storage.sql_store import SqlStore
from fpapi.storage.store import Store
from fpapi.workspace.connect import create_link, finish_verification

__all__ = ["DEMO_CREATORS", "ConsentPage", "add_demo_creators"]

DEMO_CREATORS = 12


class ConsentPage(Protocol):
    """What presses Allow for a creator (the sandbox's consent page)."""

    def approve(self, state: str, *, username: str | None = None) -> str: ...


def add_demo_creators(
    client: FirstPartyClient,
    store: Store | SqlStore,
    consent: ConsentPage,
    usernames: Sequence[str],
    *,
    callback_url: str,
    allowed_origins: Sequence[str],
    actor: str,
) -> list[str]:
    """Verify each of ``usernames`` not yet on the roster (at most DEMO_CREATORS); their names."""
    on_roster = {c.username for c in store.creators_with_handles(list(usernames))}
    added = []
    for username in [u for u in usernames if u not in on_roster][:DEMO_CREATORS]:
        new = create_link(
            client,
            store,
            connector="instagram",
            redirect_url=callback_url,
            allowed_origins=allowed_origins,
            label="demo",
            actor=actor,
        )
        token = consent.approve(new.state, username=username)
        outcome = finish_verification(
            client, store, state=new.state, token=token, via="callback", actor=actor
        )
        if outcome.status == "verified" and outcome.creator is not None:
            added.append(outcome.creator.name or username)
    return added
