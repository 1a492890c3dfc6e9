"""Follower-spike forensics: abnormal one-day follower gains, each explained by a post or not.

Why this and not a fraud flag: analysts' top complaint about peer tools is creators
blacklisted for genuine spikes (about 8,000 followers gained the day a show aired). HypeAuditor's
help notes that ads rarely add more than 5K followers a day, and Popular Pays advises
investigating spikes and round-number jumps before calling them fraud. Our series is the
creator's own, daily, so a spike can be explained instead of guessed at: a post that took off
just before it is the usual innocent cause; a jump with no such post is worth a question, not a
verdict.

The rule, tuned on the sandbox (its creators drift by a random 0.2% a day; about half get a
1.5-4% jump after a viral post, a third a round-number jump with none):

- A day's gain is compared with the gains of the ``WINDOW_DAYS`` days before it: their median
  and their median absolute deviation (MAD), robust to earlier spikes. The robust z-score is
  ``(gain - median) / (1.4826 x MAD)`` (1.4826 makes the MAD a standard deviation for normal
  noise); a MAD of zero (a perfectly steady creator) counts as one follower.
- A spike is a day with ``z >= MIN_Z`` and a gain of at least ``max(MIN_GAIN, MIN_SHARE x
  followers the day before)``: noise on a 2,000-follower account is not a spike, whatever its z.
  The z-score alone does not separate noise from jumps: a MAD over 28 days is itself noisy, and
  over the sandbox's two-year series ordinary days of 0.4-0.7% reached z 4.6 to 6.4, while every
  made jump was at least 1.5% (z 6.8 and more). So the share, first suggested at 0.5%, is 1%:
  no noise day is flagged and every jump is.
- It needs ``MIN_HISTORY`` daily gains before it to judge; a gap in the series (a day the vendor
  did not report) gives no gain for the day after it, since it spans several days.
- "Explained by a post": a post published in the ``LOOKBACK_DAYS`` days before the spike, or on
  its day, with views at least ``VIEWS_MULTIPLE`` x the creator's median views; the one with the
  most views is shown. Otherwise "unexplained".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from fpapi.analysis.metrics import trend_points

__all__ = [
    "LOOKBACK_DAYS",
    "MIN_GAIN",
    "MIN_HISTORY",
    "MIN_SHARE",
    "MIN_Z",
    "VIEWS_MULTIPLE",
    "WINDOW_DAYS",
    "Spike",
    "SpikeReport",
    "find_spikes",
]

WINDOW_DAYS = 28
MIN_HISTORY = 14
MIN_Z = 4.0
MIN_GAIN = 200
MIN_SHARE = 0.01
LOOKBACK_DAYS = 3
VIEWS_MULTIPLE = 5.0
_MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class Spike:
    day: date
    gain: float
    followers_before: float
    z: float
    post_url: str | None = None  # the post that explains it (None: no usable link)
    post_views: float | None = None
    views_multiple: float | None = None  # the post's views / the creator's median views

    @property
    def explained(self) -> bool:
        return self.post_views is not None

    @property
    def share(self) -> float:
        """The gain as a share of followers the day before, in percent."""
        return self.gain / self.followers_before * 100 if self.followers_before else 0.0


@dataclass(frozen=True)
class SpikeReport:
    spikes: tuple[Spike, ...]
    year_growth: float | None  # net followers gained over the last year of the series
    unexplained_in_year: float  # followers gained in unexplained spikes over that year

    @property
    def unexplained_share(self) -> float | None:
        """The share (percent) of the last year's growth that came in unexplained spikes, or
        None when the creator did not grow."""
        if not self.year_growth or self.year_growth <= 0:
            return None
        return self.unexplained_in_year / self.year_growth * 100


def find_spikes(follower_trend: pd.DataFrame, posts: pd.DataFrame) -> SpikeReport:
    """Spikes in a follower trend (``date``, ``value``), each explained by a post (``posted_at``,
    ``views``, ``url``) or not; oldest first."""
    dates, values = trend_points(follower_trend)
    if len(values) < MIN_HISTORY + 2:
        return SpikeReport((), _year_growth(dates, values), 0.0)
    days = dates.astype("datetime64[D]")
    gains = np.diff(values)
    one_day = np.diff(days) == np.timedelta64(1, "D")
    # Row i: the one-day gains of the WINDOW_DAYS days before gain i (NaN: none that day),
    # every day's median and MAD computed at once (one per day cost 60 ms over two years).
    before_gain = np.concatenate([np.full(WINDOW_DAYS, np.nan), np.where(one_day, gains, np.nan)])
    windows = sliding_window_view(before_gain, WINDOW_DAYS)[: len(gains)]
    judged = np.flatnonzero(one_day & ((~np.isnan(windows)).sum(axis=1) >= MIN_HISTORY))
    previous = windows[judged]
    median = np.nanmedian(previous, axis=1) if len(judged) else np.empty(0)
    mad = np.nanmedian(np.abs(previous - median[:, None]), axis=1) if len(judged) else median
    z = (gains[judged] - median) / np.maximum(_MAD_TO_SD * mad, 1.0)
    spikes = [
        (days[i + 1], float(gains[i]), float(values[i]), float(z_i))
        for i, z_i in zip(judged, z, strict=True)
        if z_i >= MIN_Z and gains[i] >= max(MIN_GAIN, MIN_SHARE * values[i])
    ]
    explainer = _Explainer(posts)
    found = tuple(
        explainer.explain(pd.Timestamp(day).date(), gain, before, z)
        for day, gain, before, z in spikes
    )
    year_start = days[-1] - np.timedelta64(365, "D") if len(days) else None
    unexplained = sum(
        s.gain
        for s in found
        if not s.explained and year_start is not None and np.datetime64(s.day) > year_start
    )
    return SpikeReport(found, _year_growth(dates, values), float(unexplained))


def _year_growth(dates: np.ndarray, values: np.ndarray) -> float | None:
    """Net followers gained from the last value a year or more before the end to the end."""
    if len(values) < 2:
        return None
    earlier = values[dates <= dates[-1] - np.timedelta64(365, "D")]
    start = earlier[-1] if len(earlier) else values[0]
    return float(values[-1] - start)


class _Explainer:
    """Finds the post behind a spike: published in the days before it with many more views
    than the creator's median."""

    def __init__(self, posts: pd.DataFrame) -> None:
        views = posts["views"].to_numpy(dtype="float64", na_value=np.nan)
        dated = posts["posted_at"].notna().to_numpy() & ~np.isnan(views)
        self.views = views[dated]
        self.days = posts["posted_at"][dated].dt.tz_convert(None).to_numpy().astype("datetime64[D]")
        self.urls = posts["url"][dated].tolist()
        self.median = float(np.median(self.views)) if len(self.views) else 0.0

    def explain(self, day: date, gain: float, before: float, z: float) -> Spike:
        spike = Spike(day=day, gain=gain, followers_before=before, z=z)
        if self.median <= 0:
            return spike
        end = np.datetime64(day, "D")
        near = (self.days >= end - np.timedelta64(LOOKBACK_DAYS, "D")) & (self.days <= end)
        strong = near & (self.views >= VIEWS_MULTIPLE * self.median)
        if not strong.any():
            return spike
        best = int(np.flatnonzero(strong)[np.argmax(self.views[strong])])
        return Spike(
            day=day,
            gain=gain,
            followers_before=before,
            z=z,
            post_url=self.urls[best],
            post_views=float(self.views[best]),
            views_multiple=float(self.views[best] / self.median),
        )
