"""The alert rules on hand-made snapshots: each fires at its threshold and not below."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from fpapi.analysis.spikes import Spike, SpikeReport
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import Creator, Snapshot
from fpapi.workspace.alerts import AlertRules, deliver, evaluate
from fpapi.workspace.settings import load_settings

DAY = 86_400.0
ANA = Creator("c-1", "instagram", name="Ana", username="ana.travel", verified_at=0.0)
NO_SPIKES = SpikeReport((), None, 0.0)


def snap(at: float, followers=10_000.0, er=4.0, quality=60.0, processed="2026-11-01") -> Snapshot:
    return Snapshot("c-1", at, processed_on=processed, followers=followers, engagement_rate=er,
                    quality_score=quality)  # fmt: skip


def rules_of(alerts) -> set[str]:
    return {a.rule for a in alerts}


@pytest.mark.parametrize(
    ("after", "fired"),
    [
        (snap(2 * DAY, er=3.0), {"er_drop"}),  # -25% exactly
        (snap(2 * DAY, er=3.1), set()),
        (snap(2 * DAY, followers=10_500), {"followers_up"}),
        (snap(2 * DAY, followers=9_400), {"followers_down"}),
        (snap(2 * DAY, followers=10_499), set()),
        (snap(2 * DAY, quality=50), {"quality_drop"}),
        (snap(2 * DAY, quality=51), set()),
        (snap(2 * DAY, er=2.0, quality=40), {"er_drop", "quality_drop"}),
    ],
)
def test_each_rule_fires_at_its_default_threshold(after, fired):
    alerts = evaluate(AlertRules(), ANA, snap(DAY), after, NO_SPIKES)
    assert rules_of(alerts) == fired
    for alert in alerts:
        assert alert.text.startswith("@ana.travel: ") and "→" in alert.text


def test_a_first_fetch_raises_nothing():
    assert evaluate(AlertRules(), ANA, None, snap(DAY, er=0.1), NO_SPIKES) == []


def test_thresholds_come_from_the_settings():
    settings = load_settings({"FPAPI_ALERT_ER_DROP_PCT": "10", "FPAPI_ALERT_FOLLOWERS_PCT": "1"})
    rules = AlertRules.of(settings)
    alerts = evaluate(rules, ANA, snap(DAY), snap(2 * DAY, er=3.5, followers=10_150), NO_SPIKES)
    assert rules_of(alerts) == {"er_drop", "followers_up"}


def test_only_a_new_unexplained_spike_alerts():
    old = Spike(date(2026, 10, 20), 900.0, 10_000.0, 9.0)
    new = Spike(date(2026, 11, 5), 700.0, 10_000.0, 8.0)
    explained = Spike(date(2026, 11, 6), 800.0, 10_000.0, 8.0, "https://x/p/abcde/", 9e4, 12.0)
    spikes = SpikeReport((old, new, explained), 2_000.0, 1_600.0)
    alerts = evaluate(AlertRules(), ANA, snap(DAY), snap(2 * DAY, processed="2026-11-08"), spikes)
    (alert,) = alerts
    assert alert.rule == "spike" and "2026-11-05" in alert.text and "+700" not in alert.key


def test_one_rule_firing_again_a_week_later_is_a_second_alert(tmp_path):
    store = DataFolderStore(tmp_path / "store")
    first = evaluate(AlertRules(), ANA, snap(DAY), snap(2 * DAY, er=2.0), NO_SPIKES)
    same = evaluate(AlertRules(), ANA, snap(DAY), snap(2 * DAY, er=2.0), NO_SPIKES)  # a replica
    later = evaluate(AlertRules(), ANA, snap(8 * DAY), snap(9 * DAY, er=2.0), NO_SPIKES)
    assert [store.add_alert(alert) for alert in first + same + later] == [True, False, True]
    assert [a.rule for a in store.alerts()] == ["er_drop", "er_drop"]


def test_consent_alerts_once_when_it_crosses_60_days():
    before, after = snap(59 * DAY), snap(61 * DAY)
    (alert,) = evaluate(AlertRules(), ANA, before, after, NO_SPIKES)
    assert alert.rule == "consent" and "fresh verification link" in alert.text
    assert evaluate(AlertRules(), ANA, after, snap(62 * DAY), NO_SPIKES) == []


def test_a_webhook_address_that_is_not_a_url_is_refused_without_echoing_it():
    from fpapi.errors import SettingsError

    with pytest.raises(SettingsError) as caught:
        load_settings({"FPAPI_ALERT_WEBHOOK_URL": "hooks.slack.com/T0/B0/s3cr3t"})
    assert "s3cr3t" not in str(caught.value)


def test_the_webhook_message_cannot_ping_the_channel_or_plant_a_link(monkeypatch):
    posted: list[dict] = []

    def post(url: str, *, json: dict, timeout: float) -> httpx.Response:
        posted.append(json)
        return httpx.Response(200)

    monkeypatch.setattr(httpx, "post", post)
    name = "<!channel> <https://evil.test/login|Action required> *urgent* & co"
    creator = Creator("c-9", "instagram", name=name, username=None, verified_at=0.0)
    (alert,) = evaluate(AlertRules(), creator, snap(DAY), snap(2 * DAY, er=2.0), NO_SPIKES)
    assert deliver("https://hooks.slack.test/services/T0/B0/x", alert, retry_pause_s=0)
    (body,) = posted
    assert body["text"].startswith(
        "&lt;!channel&gt; &lt;https://evil.test/login|Action required&gt; *urgent* &amp; co: "
        "engagement rate "
    )
    assert "<" not in body["text"] and ">" not in body["text"]
    assert body["mrkdwn"] is False  # *urgent* stays as typed, not bold
    assert alert.text.startswith(name)  # kept as typed; escaped only for Slack
