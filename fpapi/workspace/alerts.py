"""Alerts: what changed in a creator's numbers between two fetches, worth an analyst's
attention, and their delivery to a webhook (the Slack incoming-webhook shape).

The rules, each with its default (configurable: FPAPI_ALERT_* settings):

- engagement rate down by at least 25% of itself since the previous fetch;
- followers up or down by at least 5%;
- the 0-100 profile quality score down by at least 10 points;
- a new unexplained follower spike (fpapi/analysis/spikes.py): one on a day after the vendor's
  data of the previous fetch;
- consent crossing 60 days since verification (tokens last about 60 days).

Each alert's key names the rule and the fetches compared, so two hosts refreshing at once find
the same alert and the store keeps it once: no double alert.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx

from fpapi.analysis.spikes import SpikeReport
from fpapi.redact import register_secret
from fpapi.storage.records import Creator, Snapshot, StoredAlert, iso_day
from fpapi.workspace.connect import RECONNECT_AFTER_DAYS
from fpapi.workspace.history import HISTORY_METRICS, change
from fpapi.workspace.settings import Settings

__all__ = ["AlertRules", "deliver", "evaluate", "handle_of", "slack_message"]

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_S = 10.0
_FOLLOWERS, _ER = HISTORY_METRICS.followers, HISTORY_METRICS.engagement_rate
_QUALITY = HISTORY_METRICS.quality_score


@dataclass(frozen=True)
class AlertRules:
    er_drop_pct: float = 25.0
    followers_pct: float = 5.0
    quality_drop: float = 10.0
    consent_days: float = RECONNECT_AFTER_DAYS

    @classmethod
    def of(cls, settings: Settings) -> AlertRules:
        return cls(
            er_drop_pct=settings.alert_er_drop_pct,
            followers_pct=settings.alert_followers_pct,
            quality_drop=settings.alert_quality_drop,
        )


def evaluate(
    rules: AlertRules,
    creator: Creator,
    previous: Snapshot | None,
    current: Snapshot,
    spikes: SpikeReport,
) -> list[StoredAlert]:
    """The alerts one fetch raises against the fetch before it (none for a first fetch)."""
    if previous is None:
        return []
    who = handle_of(creator)
    since = f"{previous.fetched_at:.6f}"
    found: list[tuple[str, str, str]] = []  # (rule, key part, text)
    er = change(_ER, previous, current)
    if er is not None and er.relative is not None and er.relative <= -rules.er_drop_pct:
        found.append(("er_drop", since, f"{who}: engagement rate {er.describe()}"))
    followers = change(_FOLLOWERS, previous, current)
    moved = followers.relative if followers is not None else None
    if followers is not None and moved is not None and abs(moved) >= rules.followers_pct:
        direction = "up" if followers.delta > 0 else "down"
        found.append((f"followers_{direction}", since, f"{who}: followers {followers.describe()}"))
    quality = change(_QUALITY, previous, current)
    if quality is not None and -quality.delta >= rules.quality_drop:
        found.append(("quality_drop", since, f"{who}: profile quality {quality.describe()}"))
    seen_until = iso_day(previous.processed_on)
    for spike in spikes.spikes:
        if not spike.explained and seen_until is not None and spike.day > seen_until:
            found.append((
                "spike", spike.day.isoformat(),
                f"{who}: followers jumped by {spike.gain:,.0f} (+{spike.share:.2f}%) on "
                f"{spike.day.isoformat()} with no post to explain it",
            ))  # fmt: skip
    crossing = creator.verified_at + rules.consent_days * 86_400
    if previous.fetched_at < crossing <= current.fetched_at:
        found.append((
            "consent", f"{creator.verified_at:.0f}",
            f"{who}: consent was given {rules.consent_days:.0f} days ago and may expire: "
            "send a fresh verification link",
        ))  # fmt: skip
    return [
        StoredAlert(
            key=f"{creator.creator_id}|{rule}|{part}",
            creator_id=creator.creator_id,
            rule=rule,
            text=text,
            at=current.fetched_at,
        )
        for rule, part, text in found
    ]


def deliver(webhook_url: str, alert: StoredAlert, *, retry_pause_s: float = 1.0) -> bool:
    """POST the alert as a Slack message (:func:`slack_message`) to the webhook, retried once;
    False (logged) if both fail. The text never carries a token; the webhook's address is
    never logged."""
    register_secret(webhook_url)
    message = slack_message(alert.text)
    for attempt in (1, 2):
        try:
            response = httpx.post(webhook_url, json=message, timeout=WEBHOOK_TIMEOUT_S)
            if response.status_code < 300:
                return True
            reason = f"HTTP {response.status_code}"
        except httpx.HTTPError as err:
            reason = type(err).__name__
        log.warning("Alert webhook failed (attempt %d of 2): %s", attempt, reason)
        if attempt == 1:
            time.sleep(retry_pause_s)
    return False


def handle_of(creator: Creator) -> str:
    """How an alert names a creator: their handle, else their name."""
    if creator.username:
        return "@" + creator.username.lstrip("@")
    return creator.name or creator.creator_id


_SLACK_CONTROL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def slack_message(text: str) -> dict[str, object]:
    """The webhook body for ``text``, shown as typed: Slack reads ``<...>`` as a mention
    (``<!channel>``) or a link (``<url|label>``), so ``&``, ``<`` and ``>`` are escaped as its
    formatting reference says (only those three: it decodes no other entity). Slack has no
    escape for ``*bold*``, ``_italic_`` or ``~strike~``; ``mrkdwn: false`` turns that
    formatting off, and a receiver that ignores the key shows at worst bold type."""
    return {"text": text.translate(_SLACK_CONTROL), "mrkdwn": False}
