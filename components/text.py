"""Text helpers for pages: safe rendering of vendor text, human times, and the sentences the
page and the HTML report share. No Streamlit here."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime

from fpapi.analysis.metrics import format_pct
from fpapi.analysis.spikes import SpikeReport

# Everything Streamlit's markdown gives a meaning to: markdown itself, HTML, LaTeX ($),
# colour and icon directives (:red[...], :material/x:), emoji shortcodes, and the @ and :// that
# would turn an e-mail address or URL into a link.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$:~=&\"'@])")


def md_escape(text: object) -> str:
    """``text`` made inert for ``st.markdown``: shown as typed, never rendered as markup."""
    flat = " ".join(str(text or "").split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", flat)


def ago(seconds: float) -> str:
    """A duration in words, as in '5 min ago' or '3 days ago'."""
    return f"{duration(seconds)} ago" if seconds >= 60 else "just now"


def duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    for unit_s, unit in ((86_400, "day"), (3_600, "h"), (60, "min")):
        if seconds >= unit_s:
            count = int(seconds // unit_s)
            if unit == "day":
                return f"{count} day{'s' if count != 1 else ''}"
            return f"{count} {unit}"
    return f"{int(seconds)} s"


def since(timestamp: float | None, *, now: float | None = None) -> str:
    """'3 days ago' for an epoch timestamp, or 'never'."""
    if not timestamp:
        return "never"
    return ago((now if now is not None else time.time()) - timestamp)


def day_label(day: date | None) -> str:
    """A date as '20 Nov 2026', or 'unknown'."""
    return day.strftime("%d %b %Y").lstrip("0") if day else "unknown"


def clock_label(timestamp: float) -> str:
    """An epoch timestamp as '14:05 UTC, 28 Nov'."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%H:%M UTC, %d %b").replace(" 0", " ")


def safe_http_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL without spaces or quotes, else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not re.fullmatch(r"https?://[^\s\"'<>()\\]+", text):
        return None
    return text


def unexplained_growth(found: SpikeReport) -> str:
    """How much of the last year's growth came in unexplained spikes, as one plain sentence
    (the insights page and the HTML report)."""
    share = found.unexplained_share
    if share is None:
        return "The creator did not grow over the last year, so no share of growth is given."
    if share == 0:
        return "None of the last year's growth came in unexplained spikes."
    return f"{format_pct(share)} of the last year's growth came in unexplained spikes."
