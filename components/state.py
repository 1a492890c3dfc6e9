"""One typed wrapper over ``st.session_state``: every key the app keeps lives here."""

from __future__ import annotations

from typing import Any

import streamlit as st

_PREFIX = "cis."


class SessionState:
    """What this analyst's session remembers across pages and reruns."""

    def _get(self, name: str, default: Any) -> Any:
        return st.session_state.get(_PREFIX + name, default)

    def _set(self, name: str, value: Any) -> None:
        st.session_state[_PREFIX + name] = value

    @property
    def selected_creator(self) -> str | None:
        """The creator last opened on the insights page."""
        return self._get("selected_creator", None)

    @selected_creator.setter
    def selected_creator(self, creator_id: str | None) -> None:
        self._set("selected_creator", creator_id)

    @property
    def compare_ids(self) -> list[str]:
        """The creators picked for comparison."""
        return list(self._get("compare_ids", []))

    @compare_ids.setter
    def compare_ids(self, creator_ids: list[str]) -> None:
        self._set("compare_ids", list(creator_ids))


state = SessionState()
