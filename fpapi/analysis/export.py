"""Exports an analyst can send on: CSV that no spreadsheet will execute."""

from __future__ import annotations

import io

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralise", "sheet_name", "to_safe_csv", "to_xlsx"]

# A spreadsheet treats a cell starting with these as a formula (OWASP's CSV injection list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' to keep it text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, list | tuple):
        return neutralise(", ".join(str(item) for item in value))
    return value


def _neutralised(frame: pd.DataFrame, *, naive_dates: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and lists, joined) cannot run as formulas."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            if naive_dates:  # Excel has no time zones: write UTC wall time
                safe[column] = values.dt.tz_convert("UTC").dt.tz_localize(None)
        elif not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_datetime64_any_dtype(
            values
        ):
            safe[column] = values.map(neutralise)
    return safe


def to_safe_csv(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV (with a BOM, so spreadsheets read emoji and scripts right),
    every text cell neutralised."""
    safe = _neutralised(frame)
    safe.columns = [str(neutralise(str(c))) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


MAX_SHEET_NAME_CHARS = 31
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\'"})


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name for ``name``."""
    base = " ".join(name.translate(_SHEET_FORBIDDEN).split())[:MAX_SHEET_NAME_CHARS] or "Sheet"
    candidate, number = base, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({number})"
        candidate = base[: MAX_SHEET_NAME_CHARS - len(suffix)] + suffix
        number += 1
    taken.add(candidate)
    return candidate


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Several frames as one XLSX workbook. Text is never read as a formula or a link."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "remove_timezone": True}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        taken: set[str] = set()
        for name, frame in sheets.items():
            _neutralised(frame, naive_dates=True).to_excel(
                writer, sheet_name=sheet_name(name, taken), index=False
            )
    return buffer.getvalue()
