"""The axes of a chart's first picture (``components.figures.preview``): where a value falls
across the plot, and the tick labels, for number, date and category axes. Pure."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Axis",
    "category_axis",
    "date_axis",
    "finite",
    "fixed",
    "number_axis",
    "reads_as_number_or_day",
]

TICKS = 5  # about this many on a number axis


@dataclass(frozen=True)
class Axis:
    """One axis: how a value maps to 0..1 across the plot, and its tick labels."""

    low: float
    high: float
    ticks: list[tuple[float, str]]  # (position 0..1, label)

    def at(self, value: Any) -> Any:
        return (value - self.low) / (self.high - self.low)


def number_axis(
    values: np.ndarray,
    *,
    pad: float,
    zero: bool = False,
    suffix: str = "",
    fixed: Sequence[float] | None = None,
    step: float | None = None,
) -> Axis | None:
    """A linear axis over ``values`` (padded by ``pad`` of their span, from 0 when ``zero``),
    or over the figure's own ``fixed`` range; ticks every ``step`` (the figure's) or at a
    round step giving about five."""
    if fixed is not None:
        low, high = (float(end) for end in fixed)
    elif not len(values):
        return None
    else:
        low, high = float(values.min()), float(values.max())
        if zero:
            low, high = min(low, 0.0), max(high, 0.0)
        if high - low <= max(abs(low), abs(high)) * 1e-9:  # one value (to rounding)
            spread = abs(high) * 0.1 or 1.0
            low, high = low - spread, high + spread
        span = high - low
        low = low if zero and low == 0 else low - span * pad
        high = high if zero and high == 0 else high + span * pad
    if not high > low:
        return None
    step = float(step) if step else _nice_step((high - low) / TICKS)
    first = math.ceil(low / step)
    count = math.floor(high / step + 1e-9) - first + 1
    if not 0 < count <= 4 * TICKS:
        return None
    ticks = [
        (
            ((first + i) * step - low) / (high - low),
            _short_number((first + i) * step, step) + suffix,
        )
        for i in range(count)
    ]
    return Axis(low, high, ticks)


def fixed(axis: Any, *, allow_range: bool = False) -> bool:
    """Whether the figure fixes this axis in a way the picture does not follow (its range and
    tick step it does, on a number axis)."""
    set_range = axis.range is not None and not allow_range
    return bool(
        set_range
        or axis.tickvals is not None
        or axis.tickformat
        or axis.autorange not in (None, True)
        or (axis.dtick is not None and not allow_range)
    )


_NUMBER_OR_DAY = re.compile(r"\s*[-+]?(\d[\d,.]*|\d{4}-\d{2}(-\d{2})?.*)\s*")


def reads_as_number_or_day(text: str) -> bool:
    return bool(_NUMBER_OR_DAY.fullmatch(text))


def _nice_step(rough: float) -> float:
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if rough <= factor * power:
            return factor * power
    return 10 * power


def _short_number(value: float, step: float) -> str:
    """A tick's number as plotly writes it: 12k, 1.5M, 0.25."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(step) >= size / 10 and abs(value) >= size:
            return f"{value / size:.3g}{unit}"
    if abs(value) < step * 1e-9:
        return "0"
    return f"{value:.6g}"


def date_axis(series: Sequence[tuple[Any, tuple[str, np.ndarray], np.ndarray]]) -> Axis | None:
    values = finite(xs for _, (_k, xs), _ in series)
    if not len(values):
        return None
    low, high = float(values.min()), float(values.max())
    if high == low:
        low, high = low - 3 * 86_400_000, high + 3 * 86_400_000
    start, end = pd.Timestamp(low, unit="ms"), pd.Timestamp(high, unit="ms")
    months = pd.date_range(start.normalize(), end, freq="MS")
    if len(months) >= 3:
        stamps = months[:: max(1, math.ceil(len(months) / 6))]
        fmt = "%b %Y"
    else:
        stamps = pd.date_range(start.normalize(), end, periods=5).normalize()
        fmt = "%d %b"
    ticks = [
        (((stamp.value / 1e6) - low) / (high - low), stamp.strftime(fmt))
        for stamp in stamps
        if low <= stamp.value / 1e6 <= high
    ]
    return Axis(low, high, ticks)


def category_axis(categories: Sequence[str]) -> Axis | None:
    if not categories:
        return None
    count = len(categories)
    return Axis(-0.5, count - 0.5, [((i + 0.5) / count, name) for i, name in enumerate(categories)])


def finite(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """Every finite value of ``arrays``, as one array of floats."""
    joined = np.concatenate([np.asarray(a, dtype=float) for a in arrays])
    return joined[np.isfinite(joined)]
