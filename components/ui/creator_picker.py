"""Pickers over the roster that stay quick with thousands of creators.

A roster that fits in one menu (PICKER_LIMIT creators) is listed whole, and the menu's own
typing filters it. A larger one gets a search box first: the store searches names, handles and
labels as the analyst types, and the menu lists the first PICKER_LIMIT matches by name, plus
whoever is already picked. Nothing reads the whole roster.
"""

from __future__ import annotations

import streamlit as st

from fpapi.storage.records import Creator
from fpapi.workspace.core import Workspace

PICKER_LIMIT = 50


def creator_label(creator: Creator) -> str:
    handle = f"@{creator.username.lstrip('@')}" if creator.username else None
    return " · ".join(filter(None, [creator.name or creator.label, handle])) or creator.creator_id


def roster_choices(
    ws: Workspace, picked: list[str], *, key: str, connector: str | None = None
) -> dict[str, Creator] | None:
    """What a picker offers, by id: the picked creators still on the roster first, then the
    roster (or, on a large one, the search box's matches). None: nobody on the roster."""
    first = ws.find_creators("", connector=connector, limit=PICKER_LIMIT + 1)
    if not first:
        return None
    matches = first
    if len(first) > PICKER_LIMIT:
        text = st.text_input(
            "Find a creator", key=key, placeholder="Type part of a name, handle or label"
        )
        if text.strip():
            matches = ws.find_creators(text, connector=connector, limit=PICKER_LIMIT + 1)
        if not matches:
            st.caption("No creator on the roster matches that: try part of a name or handle.")
        elif len(matches) > PICKER_LIMIT:
            st.caption(f"The menu lists the first {PICKER_LIMIT} by name: type to narrow it.")
        else:
            st.caption(f"{len(matches)} creator{'s' if len(matches) != 1 else ''} match.")
    matches = matches[:PICKER_LIMIT]
    choices = {
        c.creator_id: c
        for c in ws.creators(picked)
        if connector is None or c.connector == connector
    }
    choices.update((c.creator_id, c) for c in matches)
    return choices
