"""Deletion when consent ends: the workspace core's use cases for forgetting a creator, for a
consent the vendor says is withdrawn, and for retention (a part of
:class:`fpapi.workspace.core.Workspace`).

Forgetting reaches every client workspace (a creator's consent is theirs, not one client's):
the store deletes every row about them in one transaction (:mod:`fpapi.storage.sql_forget`),
the insight cache drops the vendor's body, and the activity list keeps a deletion code where
their name was. The receipt (the code and two dates, nothing that names them) is what
``/deletion?code=`` shows anyone. The vendor is never called for them again: nothing of them is
left to call for, until they consent anew through a new link.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fpapi.errors import ConsentLapsed, FPAPIError, NotPermitted, StoreError
from fpapi.storage.records import Creator, Deletion
from fpapi.workspace.access import Role
from fpapi.workspace.headlines import FETCH_SETTLE_S, settle

if TYPE_CHECKING:
    from fpapi.storage.cache import InsightCache
    from fpapi.storage.store import Store
    from fpapi.workspace.core import Workspace
    from fpapi.workspace.members import Actor
    from fpapi.workspace.settings import Settings

__all__ = ["CODE_ALPHABET", "Forgetting", "deletion_code", "withdrawn_error"]

log = logging.getLogger(__name__)

APP_ACTOR = "the app"  # who a forgetting is credited to in another client's workspace
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud, typed back
CODE_LENGTH = 10
_CODE = re.compile(rf"[{CODE_ALPHABET}]{{8,12}}")


def deletion_code() -> str:
    """A random code for one forgetting: 10 characters, about 50 bits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _day(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%d %b %Y")


def withdrawn_error(creator: Creator, purge_at: float) -> ConsentLapsed:
    """What a page says for a creator whose consent was withdrawn (the vendor is not asked)."""
    when = _day(creator.consent_withdrawn_at or purge_at)
    return ConsentLapsed(
        f"This creator withdrew their consent on {when}, so the app no longer fetches or shows "
        f"their data; it is deleted on {_day(purge_at)}. They can consent again through a new "
        "verification link.",
        status_code=403,
        code="consent_revoked",
    )


class Forgetting:
    """Forgetting creators, withdrawn consent and retention, for the workspace core."""

    if TYPE_CHECKING:  # what the core it is part of provides
        store: Store
        cache: InsightCache
        settings: Settings
        _clock: Callable[[], float]

        def _require_change(self, what: str) -> None: ...
        def _require_on_roster(self, creator_id: str) -> Creator: ...

        name: str
        actor: Actor

        def _record(self, action: str, subject: str, detail: str = "") -> None: ...
        def _recording_as(self, name: str, workspace: str) -> Workspace: ...

    def forget_creator(self, creator_id: str) -> Deletion:
        """Delete everything the app holds about a creator on this roster, in every
        workspace; the receipt, whose code the analyst gives the creator."""
        self._require_change("forget creators")
        self._require_on_roster(creator_id)
        deletion = self._forget(creator_id)
        if deletion is None:  # removed meanwhile by someone else
            raise StoreError("This creator was already forgotten; nothing is left to delete.")
        return deletion

    def _forget(self, creator_id: str) -> Deletion | None:
        """Forget, whoever asks (a withdrawn consent needs no role): the store in one
        transaction, then the cache; recorded with the code only. A fetch of theirs still
        running in this process's background is waited for first, so it cannot write their
        numbers back after they are gone."""
        if not settle(timeout_s=FETCH_SETTLE_S, creator_ids=[creator_id]):
            log.warning("Forgetting a creator whose background fetch has not ended")
        rosters = self.store.workspaces_of(creator_id)
        deletion = self.store.forget_creator(creator_id, code=deletion_code())
        self.cache.forget(creator_id)
        if deletion is not None:  # in the activity list of every workspace that had them
            for name in rosters or [self.name]:  # another client's list names no one of ours
                who = self.actor.name if name == self.name else APP_ACTOR
                self._recording_as(who, name)._record(
                    "creator_forgotten", f"deletion {deletion.code}"
                )
        return deletion

    def deletion(self, code: str) -> Deletion | None:
        """The receipt for ``code``, or None (a code that cannot be one is not looked up)."""
        code = (code or "").strip().lower()
        return self.store.deletion(code) if _CODE.fullmatch(code) else None

    # --- consent the vendor says is withdrawn -----------------------------------------------

    def purge_at(self, creator: Creator) -> float:
        """When a creator whose consent was withdrawn is forgotten."""
        return (creator.consent_withdrawn_at or self._clock()) + self.settings.revoked_purge_s

    def _consent_ended(self, creator: Creator, error: FPAPIError) -> FPAPIError:
        """The vendor answered a consent-withdrawn code: mark the creator in every workspace
        (never fetched again) and forget them now when FPAPI_REVOKED_PURGE_DAYS is 0. The
        sentence for the page."""
        if not isinstance(error, ConsentLapsed):
            return error
        now = self._clock()
        if self.store.mark_consent_withdrawn(creator.creator_id, now):
            self._record("consent_withdrawn", creator.name or creator.username or "a creator")
        if self.settings.revoked_purge_s <= 0:
            deletion = self._forget(creator.creator_id)
            code = f" (deletion code {deletion.code})" if deletion else ""
            return ConsentLapsed(
                "This creator withdrew their consent, so the app no longer fetches their data, "
                f"and everything it held about them was deleted{code}. They can consent again "
                "through a new verification link.",
                status_code=403,
                code="consent_revoked",
            )
        marked = Creator(creator.creator_id, creator.connector, consent_withdrawn_at=now)
        return withdrawn_error(marked, self.purge_at(marked))

    def forget_anywhere(self, creator_id: str) -> Deletion | None:
        """For an admin (``python -m fpapi.forget``): forget an id wherever anything of it is
        left, on a roster or not (a creator removed before was kept in the cache, history
        and lists); None when nothing is."""
        if self.actor.role is not Role.ADMIN:
            raise NotPermitted("Only admins can forget a creator who is on no roster.")
        return self._forget(creator_id)

    def purge_withdrawn(self) -> list[Deletion]:
        """Forget every creator whose consent was withdrawn FPAPI_REVOKED_PURGE_DAYS ago or
        more (``python -m fpapi.refresh`` calls it); their receipts."""
        self._require_change("forget creators")
        cutoff = self._clock() - self.settings.revoked_purge_s
        forgotten = [self._forget(creator_id) for creator_id in self.store.withdrawn_before(cutoff)]
        return [deletion for deletion in forgotten if deletion is not None]

    def apply_retention(self) -> dict[str, int]:
        """Delete fetch history, activity entries and ended campaigns older than
        FPAPI_RETENTION_DAYS; how many of each."""
        self._require_change("delete old records")
        return self.store.apply_retention(self._clock() - self.settings.retention_s)
