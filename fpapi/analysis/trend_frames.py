"""A trend list of the vendor's (``[{"YYYY-MM-DD": {metric: n}}, ...]``) as a frame of one
row per day, read a column at a time: the day keys parsed at once when they share one
spelling, the values taken as they are when they are plain numbers, and anything else read
value by value with the trend's own readers (:mod:`fpapi.api.models`). Used by
:mod:`fpapi.analysis.frames`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fpapi.analysis.columns import floats, plausible, ready_frame
from fpapi.api.models import read_trend_days, read_trend_values, trend_entries

__all__ = ["trend_frame"]


def trend_frame(entries: list[dict[str, Any]], metric: str, field: str) -> pd.DataFrame:
    """One row per day, oldest first, read straight from the vendor's list: the same days and
    values as ``read_trend`` (the last one sent for a day wins, unreadable days are skipped),
    a column at a time when the column is plain, value by value otherwise."""
    keys, values = trend_entries(entries, metric)
    days, numbers = _trend_days(keys), _trend_values(values, field)
    frame = ready_frame({"date": days, "value": numbers}, len(days))
    if (np.diff(days.astype("int64")) > 0).all() and not np.isnat(days).any():
        return frame  # the usual case: one reading a day, in order
    frame = frame.dropna(subset=["date"]).drop_duplicates("date", keep="last")
    return frame.sort_values("date").reset_index(drop=True)


# Every key of a trend in one spelling, checked at once, not one a day: the keys' text with
# every digit made 0 is the spelling's pattern, once per key.
_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_ISO_DAY, _VENDOR_DAY = b"0000-00-00", b"00/00/0000"


def _spelled(keys: list[str], lines: bytes, pattern: bytes) -> bool:
    return lines.translate(_AS_ZERO) == b"\n".join([pattern] * len(keys))


def _trend_days(keys: list[Any]) -> np.ndarray:
    """The day keys as dates (NaT where a key is no day): all in one spelling, parsed at once;
    otherwise key by key with the trend's own reader."""
    try:
        lines = "\n".join(keys).encode("ascii")
        if lines and _spelled(keys, lines, _ISO_DAY):
            return np.array(keys, dtype="datetime64[D]").astype("datetime64[s]")
        if lines and _spelled(keys, lines, _VENDOR_DAY):  # DD/MM/YYYY, spelled as ISO
            iso = [f"{key[6:]}-{key[3:5]}-{key[:2]}" for key in keys]
            return np.array(iso, dtype="datetime64[D]").astype("datetime64[s]")
    except (TypeError, ValueError):  # a key not text, not ASCII, or a day that does not
        pass  # exist (31/02/2024): key by key
    read = pd.to_datetime(pd.Series(read_trend_days(keys), dtype=object))
    return read.to_numpy().astype("datetime64[s]")


def _trend_values(values: list[Any], field: str) -> Any:
    """Plain finite numbers within any plausible range are taken as they are; anything else
    goes through the trend's own reader (numeric strings, nulls, values logged by name)."""
    if set(map(type, values)) <= {int, float}:
        try:
            numbers = np.array(values, dtype="float64")
        except OverflowError:  # an integer beyond any float: read one by one below
            pass
        else:
            if plausible(numbers):
                return floats(numbers)
    return pd.array(read_trend_values(field, values), dtype="Float64")
