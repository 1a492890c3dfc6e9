"""A comparison as one self-contained HTML file: the table, the pricing formulas, the charts."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import plotly.graph_objects as go
import plotly.io as pio

from fpapi.analysis.compare import PRICING_FORMULAS
from fpapi.analysis.export import redact_contacts

_STYLE = """
body { font-family: system-ui, -apple-system, sans-serif; color: #212529; max-width: 1200px;
       margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: 1rem 0; }
th, td { border-bottom: 1px solid #dee2e6; padding: .35rem .5rem; text-align: left; overflow-wrap: anywhere; }
td.best { background: #d3f9d8; font-weight: 600; } .muted { color: #6c757d; }
"""


def render_compare_html(
    table, *, best: set[tuple[str, str]], figures: list[go.Figure | None], title: str
) -> str:
    """``table``: rows are metric labels, columns creator names, cells display text."""

    def e(text: str) -> str:
        return html.escape(redact_contacts(text))

    head = "".join(f"<th>{e(str(c))}</th>" for c in table.columns)
    body = []
    for label, row in table.iterrows():
        cells = "".join(
            f"<td class='best'>{e(str(v))}</td>"
            if (label, column) in best
            else f"<td>{e(str(v))}</td>"
            for column, v in row.items()
        )
        body.append(f"<tr><th>{e(str(label))}</th>{cells}</tr>")
    made = datetime.now(UTC).strftime("%d %b %Y %H:%M UTC")
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>",
        f"<style>{_STYLE}</style></head><body><h1>{e(title)}</h1>",
        f"<p class='muted'>Made {e(made)} with Creator Insights Studio from first-party Instagram insights. "
        "Highlighted: the best value in each row.</p>",
        f"<table><tr><th></th>{head}</tr>{''.join(body)}</table>",
        f"<p class='muted'>{e(PRICING_FORMULAS)}</p>",
    ]
    first = True
    for figure in figures:
        if figure is None:
            continue
        parts.append(
            pio.to_html(figure, full_html=False, include_plotlyjs="inline" if first else False)
        )
        first = False
    parts.append("</body></html>")
    return "".join(parts)
