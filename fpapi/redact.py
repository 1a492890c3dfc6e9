"""Keep secrets out of messages and log lines, and give contact redaction text it can read.

The client registers every secret it handles (the API token, each verification token) with
:func:`register_secret`; :func:`redact` replaces them in any text, and :class:`RedactingFilter`
does the same for log records. The registry holds strings in memory only.

:func:`fold_for_matching` undoes the usual ways of hiding an address or a number from a
pattern (full-width ``＠ ．``, a zero-width space before ``@``, ``name [at] domain [dot] com``)
and remembers where each character came from, so that the exports' contact redaction
(``fpapi.analysis.export.redact_contacts``) finds them and replaces the original span, leaving
every other character as it was.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable

REDACTED = "[redacted]"
MIN_SECRET_CHARS = 6  # shorter strings would blank out ordinary words

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` so that :func:`redact` removes it from text."""
    if secret and len(secret) >= MIN_SECRET_CHARS:
        with _lock:
            _secrets.add(secret)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``[redacted]``."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that removes registered secrets from each record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logger's problem, not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactingFilter()


def install_log_filter(*logger_names: str) -> None:
    """Attach the redacting filter to the named loggers and to their handlers."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


# "name [at] domain", "(at)", "{at}": a bracketed word always stands for the sign. The
# (?<!\s) makes a run of spaces a candidate once, not from each of its positions.
_BRACKETED_AT = re.compile(r"(?<!\s)\s*[\[({]\s*at\s*[\])}]\s*", re.IGNORECASE)
_BRACKETED_DOT = re.compile(r"(?<!\s)\s*[\[({]\s*dot\s*[\])}]\s*", re.IGNORECASE)
# A bare " at " only when the domain after it spells its dot too ("ana at agency dot com"):
# "meet at the cafe" and "Founder at brand.co" are text, not addresses.
_BARE_AT = re.compile(
    r"(?<!\s)\s+at\s+(?=[a-z0-9-]+(?:\s*[\[({]\s*dot\s*[\])}]|\s+dot\s+[a-z0-9]))",
    re.IGNORECASE,
)
_BARE_DOT = re.compile(r"(?<=[a-z0-9])\s+dot\s+(?=[a-z0-9])", re.IGNORECASE)
_SPELLINGS = ((_BARE_AT, "@"), (_BRACKETED_AT, "@"), (_BRACKETED_DOT, "."), (_BARE_DOT, "."))


class Folded:
    """Text as contact patterns read it (:func:`fold_for_matching`), with the span of the
    original text each of its characters came from."""

    def __init__(self, original: str, text: str, starts: list[int] | None, ends: list[int] | None):
        self.original, self.text = original, text
        self._starts, self._ends = starts, ends  # None: the text is the original, unchanged

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Where the folded ``text[start:end]`` (not empty) came from in the original."""
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]

    def replace(self, spans: Iterable[tuple[int, int, str]]) -> str:
        """The original text with each folded span ``(start, end, mark)`` replaced by its mark;
        spans that meet in the original (one character folded into several) become one."""
        merged: list[tuple[int, int, str]] = []
        for start, end, mark in sorted(spans):
            first, last = self.original_span(start, end)
            if merged and first < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(last, merged[-1][1]), merged[-1][2])
            else:
                merged.append((first, last, mark))
        pieces, done = [], 0
        for first, last, mark in merged:
            pieces += [self.original[done:first], mark]
            done = last
        pieces.append(self.original[done:])
        return "".join(pieces)

    def substitute(self, pattern: re.Pattern[str], replacement: str) -> Folded:
        """This text with every match of ``pattern`` replaced, each new character tracing back
        to the whole span its match came from."""
        matches = list(pattern.finditer(self.text))
        if not matches:
            return self
        starts = self._starts if self._starts is not None else list(range(len(self.text)))
        ends = self._ends if self._ends is not None else list(range(1, len(self.text) + 1))
        text: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        done = 0
        for match in matches:
            start, end = match.span()
            text += [self.text[done:start], replacement]
            new_starts += starts[done:start] + [starts[start]] * len(replacement)
            new_ends += ends[done:start] + [ends[end - 1]] * len(replacement)
            done = end
        text.append(self.text[done:])
        new_starts += starts[done:]
        new_ends += ends[done:]
        return Folded(self.original, "".join(text), new_starts, new_ends)


def fold_for_matching(text: str) -> Folded:
    """``text`` as an address or number pattern should read it: each character in NFKC
    (full-width ``＠``, ``．`` and digits become ASCII), format characters dropped (zero-width
    spaces and joiners, soft hyphens, direction marks), and ``[at]``, ``(dot)`` and their like
    spelt as ``@`` and ``.``. Characters are folded one at a time, so that each traces back to
    its own place in ``text``."""
    if text.isascii():  # no NFKC change and no format character: the common case, kept fast
        folded = Folded(text, text, None, None)
    else:
        chars: list[str] = []
        starts: list[int] = []
        for i, ch in enumerate(text):
            if ch.isascii():
                piece = ch
            elif unicodedata.category(ch) == "Cf":
                continue
            else:
                piece = unicodedata.normalize("NFKC", ch)
            chars.append(piece)
            starts += [i] * len(piece)
        folded = Folded(text, "".join(chars), starts, [i + 1 for i in starts])
    for pattern, replacement in _SPELLINGS:
        folded = folded.substitute(pattern, replacement)
    return folded
