"""Which of the server's own routes a request may reach: ``/media/...`` (the files an analyst
downloads) only with a valid sign-in cookie when sign-in is configured, and
``/_stcore/metrics`` (session counts, memory) only with one at all. Anything else answers 404,
as if the route were not there. Used by ``serve.py``'s middleware.

The sign-in cookie is Streamlit's (``_streamlit_user``, signed with ``[auth] cookie_secret``);
it is read with Streamlit's own helpers. If a Streamlit upgrade moves them, no cookie counts
as valid: these routes close, the app itself keeps working.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from components.frame.access import access_of, sign_in_configured
from components.frame.downloads import is_public_media

log = logging.getLogger(__name__)

USER_COOKIE = "_streamlit_user"


def guarded(path: str) -> str | None:
    """Which closed route ``path`` is (at the root or under a proxy's prefix), or None."""
    if path.rstrip("/").endswith("/_stcore/metrics"):
        return "metrics"
    if "/media/" in path:
        return "media"
    return None


def may_reach(path: str, cookies: Mapping[str, str]) -> bool:
    """Whether a request for ``path`` with these cookies may reach the app."""
    route = guarded(path)
    if route is None:
        return True
    if route == "media" and not sign_in_configured():
        return True  # one analyst on loopback: nobody signs in, the downloads must work
    if route == "media" and is_public_media(path):
        return True  # a share link's own download, for its signed-out client
    user = cookie_user(cookies)
    return user is not None and access_of(user).verdict == "allowed"


def cookie_user(cookies: Mapping[str, str]) -> dict[str, Any] | None:
    """The identity claims of a valid sign-in cookie, or None."""
    try:
        from streamlit.auth_util import get_cookie_with_chunks
        from streamlit.web.server.server_util import get_cookie_secret
        from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value
    except ImportError:  # a Streamlit that moved them: fail closed
        log.warning("Streamlit's cookie helpers moved: closed routes refuse every request")
        return None
    secret = get_cookie_secret()

    def single(name: str) -> bytes | None:
        raw = cookies.get(name)
        return decode_signed_value(secret, name, raw.encode("latin-1")) if raw else None

    try:
        value = get_cookie_with_chunks(single, USER_COOKIE)
        payload = json.loads(value) if value else None
    except (ValueError, UnicodeError):
        return None
    if not isinstance(payload, dict) or not payload.get("is_logged_in"):
        return None
    return payload
