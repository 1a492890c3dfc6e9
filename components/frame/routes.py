"""Which of the server's own routes a request may reach: ``/media/...`` (the files an analyst
downloads) only with a valid sign-in cookie when sign-in is configured, and
``/_stcore/metrics`` (session counts, memory) only with one at all. Anything else answers 404,
as if the route were not there. Used by ``serve.py``'s middleware.

The sign-in cookie is Streamlit's (``_streamlit_user``, signed with ``[auth] cookie_secret``);
it is read with Streamlit's own helpers. If a Streamlit upgrade moves them, no cookie counts
as valid: these routes close, the app itself keeps working.

The studio's own ``/metrics`` (``fpapi.metrics``, for Prometheus) needs no cookie, since a
scraper has none: :func:`may_scrape` lets in a request that connects from loopback, or from a
network listed in ``FPAPI_METRICS_ALLOW`` (comma-separated addresses or networks, e.g.
``10.0.0.0/8``, for a Prometheus on another host), and that came through no proxy (no
``Forwarded``, ``X-Forwarded-For`` or ``X-Real-IP`` header): nginx connects from loopback
too, so a request it passes on is someone outside. Anyone else gets 404, like the routes above.
:func:`scrape` is the route itself, which ``serve.py`` adds to the app at the server's root
(even when ``server.baseUrlPath`` is set); ``streamlit run app.py`` offers a script no route,
so there ``FPAPI_METRICS_PORT`` (:func:`serve_metrics_port`) serves the same metrics on a port
of loopback of their own, under any entry point.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import os
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from components.frame.access import access_of, sign_in_configured
from components.frame.downloads import is_public_media
from fpapi import metrics

log = logging.getLogger(__name__)

USER_COOKIE = "_streamlit_user"

METRICS_ROUTE = "/metrics"
METRICS_ALLOW_ENV = "FPAPI_METRICS_ALLOW"
METRICS_PORT_ENV = "FPAPI_METRICS_PORT"
_ports_served: set[int] = set()
_ports_lock = threading.Lock()
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
# What a proxy adds to a request it passes on (nginx sets X-Forwarded-For).
PROXY_HEADERS = frozenset({"forwarded", "x-forwarded-for", "x-real-ip"})

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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


def may_scrape(
    peer: str | None, header_names: Iterable[str], environ: Mapping[str, str] | None = None
) -> bool:
    """Whether a request for ``/metrics`` that connected from ``peer`` (an IP address; None
    if unknown) with these headers may read them: from loopback or a network in
    FPAPI_METRICS_ALLOW, and never through a proxy."""
    if peer is None or PROXY_HEADERS & {name.lower() for name in header_names}:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:  # a Unix socket's peer, say: not an address we can vouch for
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    allowed = scrape_networks((os.environ if environ is None else environ).get(METRICS_ALLOW_ENV))
    return any(address in network for network in allowed)


@functools.lru_cache(maxsize=8)
def scrape_networks(setting: str | None) -> tuple[Network, ...]:
    """Loopback and the networks FPAPI_METRICS_ALLOW lists; an entry that is no address or
    network is left out, with a warning (once per setting)."""
    networks: list[Network] = list(LOOPBACK)
    for entry in (setting or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            log.warning(
                "%s: %r is not an address or a network (such as 10.0.0.0/8); it is ignored.",
                METRICS_ALLOW_ENV, entry,
            )  # fmt: skip
    return tuple(networks)


async def scrape(request: Request) -> Response:
    """``/metrics``: the studio's metrics for Prometheus, or 404 to anyone :func:`may_scrape`
    refuses. Rendered on a thread: a gauge's reader may ask the database."""
    peer = request.client.host if request.client else None
    if not may_scrape(peer, request.headers.keys()):
        return PlainTextResponse("Not Found", status_code=404)
    body, content_type = await anyio.to_thread.run_sync(metrics.render)
    return Response(body, headers={"content-type": content_type, "cache-control": "no-store"})


def serve_metrics_port(environ: Mapping[str, str] | None = None) -> int | None:
    """With ``FPAPI_METRICS_PORT`` set, serve this process's metrics on that port of loopback
    (once per process, whichever run asks first); the port, or None. A port that is not a
    number, or is taken, is logged and left: the app itself runs on."""
    text = (os.environ if environ is None else environ).get(METRICS_PORT_ENV, "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 65_536:
        log.warning("%s must be a port number; metrics are not served on a port", METRICS_PORT_ENV)
        return None
    port = int(text)
    with _ports_lock:
        if port in _ports_served:
            return port
        _ports_served.add(port)
    try:
        metrics.serve(port)
    except OSError as err:
        log.warning("Cannot serve metrics on port %d: %s", port, type(err).__name__)
        return None
    return port
