"""Typed pandas columns and small frames made from plain Python values: numpy arrays in
their final dtypes, with no inference (pandas' own conversion from a list costs several times
more, a cost every page view paid). Used by :mod:`fpapi.analysis.frames`."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fpapi.api.models import MAX_PLAUSIBLE

__all__ = [
    "NONE",
    "TEXT",
    "empty_frame",
    "flags",
    "floats",
    "objects",
    "plain_numbers",
    "plausible",
    "ready_frame",
    "text_array",
    "typed",
    "typed_frame",
]

# pandas' ``str`` dtype, holding Python strings: the same text and missing values as its
# pyarrow form, built in a quarter of the time, and these columns are read as text (captions,
# links, names), not computed on.
TEXT = pd.StringDtype("python", na_value=np.nan)
NONE = type(None)


def flags(values: list[bool | None]) -> pd.arrays.BooleanArray:
    """True/False/None as pandas' nullable booleans (built here: its inference costs more)."""
    if None not in values:
        return pd.arrays.BooleanArray(np.array(values, dtype=bool), np.zeros(len(values), bool))
    missing = np.array([value is None for value in values], dtype=bool)
    return pd.arrays.BooleanArray(np.array([value is True for value in values]), missing)


def text_array(values: Sequence[str | None]) -> Any:
    """A text column in pandas' string dtype (built here: the frame's own inference from a
    list costs several times more)."""
    return pd.array(values, dtype=TEXT)


def objects(values: list[Any]) -> np.ndarray:
    """A column of Python objects as they are (lists of tags, text that may be None)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def plain_numbers(values: list[Any]) -> np.ndarray | None:
    """``values`` as floats (NaN where missing) when every one is a plain int, float or null
    and every number is finite and plausible; else None, for the field's own reader."""
    if not set(map(type, values)) <= {int, float, NONE}:
        return None
    try:
        numbers = np.array(values, dtype="float64")  # None reads as NaN
    except OverflowError:  # an integer beyond any float
        return None
    return numbers if plausible(numbers) else None


def plausible(numbers: np.ndarray) -> bool:
    """Whether every number present (NaN is a missing one) is finite and within any plausible
    magnitude: then a column is taken as it is, else read value by value (which logs)."""
    return bool((np.abs(numbers[~np.isnan(numbers)]) <= MAX_PLAUSIBLE).all())


def floats(numbers: np.ndarray) -> pd.arrays.FloatingArray:
    """Floats as pandas' nullable Float64, NaN read as missing (as ``pd.array`` reads it),
    built here: its own conversion costs several times more."""
    missing = np.isnan(numbers)
    return pd.arrays.FloatingArray(np.where(missing, 0.0, numbers), missing)


def ready_frame(columns: dict[str, Any], rows: int) -> pd.DataFrame:
    """A frame of ready-made columns, in their order, without copying them.

    Its row index is given and its column labels are made once per set of names: pandas
    building the labels' text index again took half of a small frame's cost, and a page builds
    nine frames per creator. Through pandas' own constructor from column arrays
    (``DataFrame._from_arrays``, not public) when this pandas has it; otherwise the public
    constructor, which gives the same frame at about four times the cost.
    """
    labels = _labels(tuple(columns))
    if _FROM_ARRAYS is not None:
        try:
            return _FROM_ARRAYS(
                list(columns.values()), columns=labels, index=pd.RangeIndex(rows),
                verify_integrity=False,
            )  # fmt: skip
        except TypeError:  # its signature moved: the public way below
            pass
    return pd.DataFrame(columns, index=pd.RangeIndex(rows), copy=False)


_FROM_ARRAYS = getattr(pd.DataFrame, "_from_arrays", None)


@functools.lru_cache(maxsize=64)
def _labels(names: tuple[str, ...]) -> pd.Index:
    """The column labels for ``names``, made once (an Index is immutable, so it is shared)."""
    return pd.Index(names)


def typed_frame(
    rows: list[tuple[Any, ...]], columns: list[str], dtypes: dict[str, Any]
) -> pd.DataFrame:
    """A small frame built a column at a time in its final dtypes, text in pandas' string
    dtype (building it first and converting after costs several times more, a cost every page
    view paid). With no rows, a copy of the kept empty frame (``empty_frame``)."""
    if not rows:
        return empty_frame(columns, dtypes).copy(deep=False)
    values = list(zip(*rows, strict=True))
    return ready_frame(
        {
            name: typed(column, dtypes.get(name, TEXT))
            for name, column in zip(columns, values, strict=True)
        },
        len(rows),
    )


def empty_frame(columns: Sequence[str], dtypes: dict[str, Any]) -> pd.DataFrame:
    """The frame of ``columns`` with no rows, each column in its dtype (``dtypes``, else
    text), made once per set of columns and kept: read it, never change it; hand out
    ``.copy(deep=False)`` (pandas copies on write, so no copy can change it). Building one
    cost 40-200 µs, and a creator with an empty section has several."""
    return _empty_frame(tuple(columns), tuple(dtypes.items()))


@functools.lru_cache(maxsize=64)
def _empty_frame(columns: tuple[str, ...], dtypes: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    kinds = dict(dtypes)
    return ready_frame({name: typed((), kinds.get(name, TEXT)) for name in columns}, 0)


def typed(values: Sequence[Any], dtype: Any) -> Any:
    """One column of Python values (None for missing) in ``dtype``: the nullable numbers and
    flags are built from numpy arrays here, pandas' inference from a list costs several times
    more."""
    if dtype == "Float64":
        return floats(np.array(values, dtype="float64"))  # None reads as NaN
    if dtype == "Int64" and set(map(type, values)) <= {int, NONE}:
        missing = np.array([value is None for value in values], dtype=bool)
        whole = np.array([0 if value is None else value for value in values], dtype="int64")
        return pd.arrays.IntegerArray(whole, missing)
    if dtype == "boolean":
        return flags(list(values))
    if dtype is object:
        return objects(list(values))
    return pd.array(values, dtype=dtype)
