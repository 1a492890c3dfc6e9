"""How the vendor's values are read: leniently. A number may arrive as a numeric string or a
float, a date in two formats, a list or section as null; whatever cannot be read becomes
``None`` (or empty), never a failed response. The annotated types (``Count``, ``Text``, ...)
are what the models in :mod:`fpapi.api.models` declare their fields with.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo

__all__ = [
    "MAX_PLAUSIBLE",
    "Count",
    "Flag",
    "Number",
    "Text",
    "TextList",
    "Timestamp",
    "VendorDate",
    "mapping",
    "number",
    "object_list",
    "section",
    "text",
    "vendor_date",
]

log = logging.getLogger(__name__)

# --- lenient scalar readers -------------------------------------------------------------


# No count or amount the vendor sends is anywhere near this; beyond it a value is a fault
# (10^20 followers), and pandas cannot even hold it as an integer.
MAX_PLAUSIBLE = 10**15


def number(value: Any, info: ValidationInfo | None = None) -> float | None:
    """A finite float from a number or numeric string ("15,200", " 4.5 "), else None; a value
    beyond any plausible magnitude is None too, logged with the field's name."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value:  # NaN: no value, not an implausible one
            return None
        result = float(value) if abs(value) <= MAX_PLAUSIBLE else math.inf
    elif isinstance(value, str):
        try:
            result = float(value.strip().replace(",", "").replace("_", ""))
        except ValueError:
            return None
    else:
        return None
    if math.isinf(result) or abs(result) > MAX_PLAUSIBLE:
        _implausible(value, info)
        return None
    return None if math.isnan(result) else result


def _count(value: Any, info: ValidationInfo | None = None) -> int | None:
    """A whole, non-negative count; anything else (a negative count) is None, logged."""
    amount = number(value, info)
    if amount is not None and amount < 0:
        _implausible(value, info)
        return None
    return None if amount is None else round(amount)


def _number_field(value: Any, info: ValidationInfo) -> float | None:
    return number(value, info)


def _count_field(value: Any, info: ValidationInfo) -> int | None:
    return _count(value, info)


def _implausible(value: Any, info: ValidationInfo | None) -> None:
    title = (info.config or {}).get("title") if info else None
    name = info.field_name if info else None
    field = f"{title}.{name}" if title and name else (name or "trend value")
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
    log.warning(
        "The vendor's %s is %s, outside any plausible range: shown as not available", field, shown
    )


def text(value: Any) -> str | None:
    """Text as sent; a number is its digits (an id sent as a number), but NaN or Infinity
    where text belongs is no text at all."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "yes", "1"}:
            return True
        if lowered in {"false", "no", "0"}:
            return False
    return None


# The two date spellings the vendor uses, read by hand: strptime costs about 5 us a call, and a
# two-year trend has 1,460 of them (a third of the whole parse).
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def vendor_date(value: Any) -> date | None:
    """``DD/MM/YYYY`` as the vendor sends it; ISO ``YYYY-MM-DD`` is accepted too."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if found := _YMD.fullmatch(text):
            return date(int(found[1]), int(found[2]), int(found[3]))
        if found := _DMY.fullmatch(text):
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:  # 31/02/2024
        return None
    return None


def _epoch(value: Any) -> datetime | None:
    """Epoch seconds (number or numeric string) as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    seconds = number(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text_list(value: Any) -> list[str]:
    """A list of strings; null becomes [], a lone string becomes [string], junk is dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if not isinstance(value, list | tuple):
        return []
    return [str(item) for item in value if item is not None and not isinstance(item, dict | list)]


def object_list(value: Any) -> list[Any]:
    """A list of objects; null or a non-list becomes [], non-object items are dropped."""
    if not isinstance(value, list | tuple):
        return []
    if set(map(type, value)) <= {dict}:  # the usual case, checked at once
        return list(value)
    return [item for item in value if isinstance(item, dict)]


def section(value: Any) -> Any:
    """A section that is not an object (a stray string or list) counts as missing."""
    return value if isinstance(value, dict) else None


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


Number = Annotated[float | None, BeforeValidator(_number_field)]
Count = Annotated[int | None, BeforeValidator(_count_field)]
Text = Annotated[str | None, BeforeValidator(text)]
Flag = Annotated[bool | None, BeforeValidator(_flag)]
VendorDate = Annotated[date | None, BeforeValidator(vendor_date)]
Timestamp = Annotated[datetime | None, BeforeValidator(_epoch)]
TextList = Annotated[
    list[str], BeforeValidator(_text_list), Field(default_factory=list)
]  # absent: []
