"""Every page of the app, declared once: ``app.py`` registers them, links and the menu use them,
and the tests open them by key.

Pages are analyst pages unless marked ``public``: the access gate in ``app.py`` keeps every
analyst page (those added later too) from anyone not let in. Only the callback (a creator's
signed-out browser lands there), /deletion (anyone checks a deletion code) and /share (a
client's link) are public.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.frame import state


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str
    title: str
    icon: str
    url_path: str | None = None  # None: the default page at "/"
    public: bool = False  # reachable without sign-in
    in_menu: bool = True
    first_view: bool = False  # loads the creator its address names (?creator=) at once
    admins_only: bool = False  # in the menu for admins only (the core refuses the others)


PAGES: dict[str, PageSpec] = {
    spec.key: spec
    for spec in (
        PageSpec("home", "app_pages/home.py", "Home", ":material/home:"),
        PageSpec(
            "connect", "app_pages/connect.py", "Connect a creator", ":material/link:", "connect"
        ),
        PageSpec("creators", "app_pages/creators.py", "Creators", ":material/group:", "creators"),
        PageSpec(
            "insights",
            "app_pages/insights.py",
            "Insights",
            ":material/insights:",
            "insights",
            first_view=True,
        ),
        PageSpec(
            "compare",
            "app_pages/compare.py",
            "Compare",
            ":material/compare_arrows:",
            "compare",
        ),
        PageSpec(
            "campaigns", "app_pages/campaigns.py", "Campaigns", ":material/campaign:", "campaigns"
        ),
        PageSpec("activity", "app_pages/activity.py", "Activity", ":material/history:", "activity"),
        PageSpec("shares", "app_pages/shares.py", "Shares", ":material/share:", "shares"),
        PageSpec(
            "admin",
            "app_pages/admin.py",
            "Admin",
            ":material/admin_panel_settings:",
            "admin",
            admins_only=True,
        ),
        PageSpec(
            "share",
            "app_pages/share.py",
            "Shared report",
            ":material/share:",
            "share",
            public=True,
            in_menu=False,
        ),
        PageSpec(
            "deletion",
            "app_pages/deletion.py",
            "Deletion",
            ":material/delete_forever:",
            "deletion",
            public=True,
            in_menu=False,
        ),
        PageSpec(
            "callback",
            "app_pages/callback.py",
            "Verification",
            ":material/verified:",
            "callback",
            public=True,
            in_menu=False,
        ),
    )
}


def navigation_pages() -> list[Any]:
    """``st.Page`` objects for every page, the callback too: a creator's browser opens
    /callback in a brand-new session, and an unregistered path answers "Page not found"."""
    return [
        st.Page(
            spec.path,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec.url_path is None,
            visibility="visible" if spec.in_menu else "hidden",
        )
        for spec in PAGES.values()
    ]


def spec_of(page: Any) -> PageSpec:
    """The declaration of the page ``st.navigation`` picked (matched by its URL path)."""
    url_path = getattr(page, "url_path", "") or None
    for spec in PAGES.values():
        if spec.url_path == url_path:
            return spec
    return PAGES["home"]


def link(
    key: str,
    label: str,
    *,
    icon: str | None = None,
    query_params: dict[str, str] | None = None,
) -> None:
    """A link to one of the app's pages, by key, in the current workspace."""
    spec = PAGES[key]
    st.page_link(
        spec.path,
        label=label,
        icon=icon or spec.icon,
        query_params={**_workspace_param(), **(query_params or {})},
    )


def compare_link(creator_ids: list[str], label: str) -> None:
    """A link to the compare page with these creators side by side."""
    link("compare", label, query_params={"creators": ",".join(creator_ids)})


def render_menu(*, admin: bool) -> None:
    """The sidebar menu, for visitors who are let in (the built-in one is hidden, so that a
    signed-out visitor or a creator on the callback never sees the workspace's pages). Each
    link keeps the workspace, so a link opened in a new tab opens the same one."""
    params = _workspace_param()
    with st.sidebar:
        for spec in PAGES.values():
            if spec.in_menu and (admin or not spec.admins_only):
                st.page_link(spec.path, label=spec.title, icon=spec.icon, query_params=params)


def _workspace_param() -> dict[str, str]:
    """``ws=NAME`` for a person in several workspaces (with one, no ``ws`` is needed)."""
    ws = state.remembered_workspace()
    if ws is None or len(getattr(ws, "open_to", ())) < 2:
        return {}
    return {"ws": ws.name}
