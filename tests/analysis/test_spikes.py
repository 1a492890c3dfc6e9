"""Follower-spike forensics on synthetic series: each case an analyst would recognise."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from fpapi import Insights
from fpapi.analysis.report import build_report
from fpapi.analysis.spikes import LOOKBACK_DAYS, find_spikes
from fpapi.sandbox import build_insights, instagram_pool

START = date(2025, 1, 1)


def trend(values: list[float | None], *, skip: set[int] = frozenset()) -> pd.DataFrame:
    """A daily follower trend from START; days in ``skip`` are missing (the vendor sent none)."""
    rows = [(START + timedelta(days=i), v) for i, v in enumerate(values) if i not in skip]
    frame = pd.DataFrame(rows, columns=["date", "value"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["value"] = frame["value"].astype("Float64")
    return frame


def steady(days: int, start: float = 50_000, rate: float = 0.002, seed: int = 1) -> list[float]:
    """Compounding growth with day-to-day noise, as real creators (and the sandbox) drift."""
    rng, level, out = random.Random(seed), start, []
    for _ in range(days):
        level *= 1 + rate + rng.gauss(0, 0.001)
        out.append(round(level))
    return out


def jump(values: list[float], day: int, gain: float) -> list[float]:
    return values[:day] + [v + gain for v in values[day:]]


def posts(*items: tuple[int, float]) -> pd.DataFrame:
    """Posts as (day index, views), plus ordinary posts every third day at 1,000 views."""
    rows = [(d, 1_000.0) for d in range(0, 200, 3)] + list(items)
    return pd.DataFrame(
        {
            "posted_at": pd.to_datetime(
                [
                    datetime.combine(START + timedelta(days=d), datetime.min.time(), UTC)
                    for d, _ in rows
                ]
            ),
            "views": pd.array([v for _, v in rows], dtype="Float64"),
            "url": [f"https://www.instagram.com/p/post{d:05d}x/" for d, _ in rows],
        }
    )


def test_smooth_growth_has_no_spike():
    report = find_spikes(trend(steady(400)), posts())
    assert report.spikes == ()
    assert report.unexplained_share == 0


def test_a_spike_after_a_viral_post_is_explained_by_it():
    values = jump(steady(120), 100, 8_000)
    report = find_spikes(trend(values), posts((98, 12_000.0)))
    (spike,) = report.spikes
    assert spike.day == START + timedelta(days=100) and spike.explained
    assert spike.gain == values[100] - values[99]
    assert spike.post_url == "https://www.instagram.com/p/post00098x/"
    assert spike.post_views == 12_000 and spike.views_multiple == pytest.approx(12)
    assert spike.share == pytest.approx(spike.gain / values[99] * 100)


def test_a_spike_with_no_strong_post_before_it_is_unexplained():
    values = jump(steady(120), 100, 8_000)
    report = find_spikes(trend(values), posts((95, 50_000.0), (101, 50_000.0), (99, 3_000.0)))
    (spike,) = report.spikes  # a strong post 5 days before, one the day after: neither counts
    assert not spike.explained and spike.post_url is None
    assert report.unexplained_share == pytest.approx(spike.gain / (values[-1] - values[0]) * 100)


@pytest.mark.parametrize(
    "days_before", [0, 1, LOOKBACK_DAYS], ids=["same-day", "day-before", "lookback"]
)
def test_a_strong_post_on_the_spike_day_or_up_to_the_lookback_before_explains_it(days_before):
    values = jump(steady(120), 100, 8_000)
    day = 100 - days_before
    (spike,) = find_spikes(trend(values), posts((day, 12_000.0))).spikes
    assert spike.explained and spike.post_url == f"https://www.instagram.com/p/post{day:05d}x/"


def test_a_strong_post_a_day_before_the_lookback_does_not_explain_it():
    values = jump(steady(120), 100, 8_000)
    report = find_spikes(trend(values), posts((100 - LOOKBACK_DAYS - 1, 12_000.0)))
    (spike,) = report.spikes
    assert not spike.explained


def test_a_short_series_or_one_point_judges_nothing():
    assert find_spikes(trend(jump(steady(12), 10, 9_000)), posts()).spikes == ()
    one = find_spikes(trend([5_000]), posts())
    assert one.spikes == () and one.year_growth is None and one.unexplained_share is None
    assert find_spikes(trend([]), posts()).spikes == ()


def test_a_gain_across_missing_days_is_not_a_one_day_spike():
    values = jump(steady(120), 100, 8_000)
    assert find_spikes(trend(values, skip={99}), posts()).spikes == ()  # 98 -> 100: two days
    later = find_spikes(trend(jump(steady(120), 110, 8_000), skip={60}), posts())
    assert [s.day for s in later.spikes] == [START + timedelta(days=110)]  # gaps elsewhere: fine


def test_noise_on_a_small_account_is_not_a_spike():
    values = jump(steady(120, start=2_000), 100, 150)  # a large z, but 150 followers
    assert find_spikes(trend(values), posts()).spikes == ()


def test_shrinking_creators_have_no_share_of_growth():
    values = jump(steady(400, rate=-0.001), 300, 9_000)
    report = find_spikes(trend(values), posts())
    assert len(report.spikes) == 1 and report.unexplained_share is None


def test_the_sandbox_finds_the_jumps_it_makes_and_nothing_in_smooth_growth():
    """The sandbox gives about half its creators a jump after a viral post and a third a
    round-number jump with none; its day-to-day drift must never read as a spike."""
    found = {}
    for account in instagram_pool():
        if account.kind == "normal":
            report = build_report(Insights.from_raw(build_insights(account)))
            found[account.name] = find_spikes(report.follower_trend, report.posts).spikes
    assert all(len(spikes) <= 2 for spikes in found.values()), found
    kinds = {spike.explained for spikes in found.values() for spike in spikes}
    assert kinds == {True, False}
    assert sum(not spikes for spikes in found.values()) >= len(found) // 4
