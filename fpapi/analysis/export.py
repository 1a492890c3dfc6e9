"""Exports an analyst can send on: no cell a spreadsheet will execute, no contact details.

E-mail addresses and phone numbers in free text (a bio, a caption) are replaced by a marker in
every export: a client report is no place for a creator's private contacts.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from fpapi.redact import fold_for_matching

__all__ = [
    "FORMULA_PREFIXES",
    "neutralise",
    "redact_contacts",
    "sheet_name",
    "to_safe_csv",
    "to_xlsx",
]

EMAIL_MARK, PHONE_MARK = "[e-mail removed]", "[phone removed]"
# The lookbehind starts a match only where a run of address characters starts: without it, a
# long run with no "@" (a 100,000-character caption) is rescanned from every position, which
# took seconds per export.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# Digits with the usual separators; judged by _is_phone (a date or a round count is not one).
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15  # E.164 allows at most 15
MIN_PLAIN_PHONE_DIGITS = 9  # without a leading "+", fewer digits are likelier a count


def _is_phone(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS or _ISO_DATE.fullmatch(candidate):
        return False
    return candidate.startswith("+") or digits >= MIN_PLAIN_PHONE_DIGITS


def redact_contacts(text: str) -> str:
    """``text`` with e-mail addresses and phone numbers replaced by markers, found also when
    they are hidden by full-width or zero-width characters or spelt ``[at]`` ... ``[dot]``
    (see :func:`fpapi.redact.fold_for_matching`). Everything else stays as it was."""
    folded = fold_for_matching(text)
    emails: list[tuple[int, int, str]] = []

    def blank(match: re.Match[str]) -> str:  # an address's digits are no phone number
        emails.append((match.start(), match.end(), EMAIL_MARK))
        return "\0" * (match.end() - match.start())

    masked = _EMAIL.sub(blank, folded.text)
    phones = [
        (m.start(), m.end(), PHONE_MARK)
        for m in _PHONE_CANDIDATE.finditer(masked)
        if _is_phone(m.group())
    ]
    return folded.replace(emails + phones) if emails or phones else text


# A spreadsheet treats a cell starting with these as a formula (OWASP's CSV injection list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell with contacts redacted and, if a spreadsheet would run it as a formula,
    prefixed with ' to keep it text."""
    if isinstance(value, str):
        value = redact_contacts(value)
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, list | tuple):
        return neutralise(", ".join(str(item) for item in value))
    return value


def _neutralised(frame: pd.DataFrame, *, for_excel: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and lists, joined) cannot run as formulas; for
    Excel, dates in UTC wall time and text cut, visibly, to what a cell holds."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            if for_excel:  # Excel has no time zones: write UTC wall time
                safe[column] = values.dt.tz_convert("UTC").dt.tz_localize(None)
        elif not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_datetime64_any_dtype(
            values
        ):
            safe[column] = values.map(neutralise)
            if for_excel:
                safe[column] = safe[column].map(_fit_excel_cell)
    return safe


EXCEL_CELL_CHARS = 32_767
EXCEL_CUT_MARK = " … [cut: an Excel cell holds 32,767 characters; the CSV has it all]"


def _fit_excel_cell(value: object) -> object:
    if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
        return value[: EXCEL_CELL_CHARS - len(EXCEL_CUT_MARK)] + EXCEL_CUT_MARK
    return value


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
            safe = _neutralised(frame, for_excel=True)
            safe.columns = [redact_contacts(str(c)) for c in safe.columns]  # creators' names
            safe.to_excel(writer, sheet_name=sheet_name(redact_contacts(name), taken), index=False)
    return buffer.getvalue()
