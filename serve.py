"""The self-hosted entrypoint: app.py wrapped in Streamlit's ASGI App, so every HTTP response
carries headers that keep other sites from framing the app (clickjacking) and links from
leaking the page's address; the downloads (``/media/``) and Streamlit's metrics answer only a
signed-in analyst; the studio's own ``/metrics`` (Prometheus) answers only a scraper on
loopback or an allowed network (``components.frame.routes``); each page's HTML says where the
app's root is; a request for a creator's
insights starts loading them before the page's code is in; and browsers keep the charts'
plotly.js for a year. ``streamlit run serve.py`` serves it like ``streamlit run app.py``, which
works without it on any Streamlit host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from components.frame.pages import PAGES
from components.frame.plotly_view import PLOTLY_JS_ROUTE
from components.frame.routes import METRICS_ROUTE, guarded, may_reach, scrape
from components.frame.workspace import WORKSPACE_PARAM, start_page_request_load

SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
)
# Streamlit's static file serving (where plotly.js comes from) sends no cache lifetime, so a
# browser keeps the file only for a tenth of its age and then downloads it again (Streamlit
# answers a revalidation with the whole file). Its name carries its version: keep it a year.
CACHE_FOREVER = (b"cache-control", b"public, max-age=31536000, immutable")


def headers_for(path: str, status: int) -> tuple[tuple[bytes, bytes], ...]:
    """The headers every response gets, and on plotly.js (at the root or under a proxy's
    prefix) a year's cache lifetime."""
    keep = status == 200 and path.endswith(PLOTLY_JS_ROUTE)
    return SECURITY_HEADERS + ((CACHE_FOREVER,) if keep else ())


class SecurityHeaders:
    """Pure ASGI middleware: adds ``headers_for(path)`` to every HTTP response, leaves
    WebSockets alone (a BaseHTTPMiddleware would buffer streamed responses)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                wanted = headers_for(scope.get("path", ""), message["status"])
                extra = [(n, v) for n, v in wanted if n not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


PAGE_PATHS = {f"/{spec.url_path}" for spec in PAGES.values() if spec.url_path}

# Streamlit's page finds its server by asking ``<address>/_stcore/health`` and, when that
# fails, the address one folder up: on /insights the first question always failed, and the
# second waited 100 ms more (Streamlit 1.67's retry delay). The app's root is the page's
# address without its last part, also behind a proxy that serves the app under a prefix.
CONNECT_TO_ROOT = (
    b"<script>if (!(window.__streamlit && window.__streamlit.BACKEND_BASE_URL)) {"
    rb" const path = location.pathname.replace(/\/+$/, '');"
    b" window.__streamlit = Object.assign({}, window.__streamlit, {BACKEND_BASE_URL:"
    b" location.origin + path.slice(0, path.lastIndexOf('/') + 1)}); }</script>"
)


def head_for(path: str) -> bytes:
    """What a page's HTML gets before ``</head>``: on every page but the root, where to connect.
    (No page loads plotly.js early any more: its evaluation held back the page's own first
    drawing, and every chart shows the server's picture until plotly.js is in.)"""
    path = path.rstrip("/")
    return CONNECT_TO_ROOT if any(path.endswith(page) for page in PAGE_PATHS) else b""


class PageHead:
    """Pure ASGI middleware: adds ``head_for(path)`` to the HTML of the app's pages."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        extra = head_for(scope.get("path", "")) if scope["type"] == "http" else b""
        if not extra:
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k != b"accept-encoding"]
        scope = {**scope, "headers": headers}  # the page's HTML, small, uncompressed
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def send_with_head(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                kinds = [v for k, v in message.get("headers", []) if k.lower() == b"content-type"]
                if not kinds or not kinds[0].startswith(b"text/html"):
                    await send(message)
                    return
                start.update(message)
                return
            if not start:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(body).replace(b"</head>", extra + b"</head>", 1)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(html)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, send_with_head)


FIRST_VIEW_PAGES = {
    f"/{spec.url_path}" for spec in PAGES.values() if spec.first_view and spec.url_path
}


class FirstViewHeadStart:
    """Pure ASGI middleware: a request for the HTML of a page that opens on one creator
    (``/insights?creator=...``) starts loading that creator at once, for whoever its sign-in
    cookie names (``components.frame.workspace.start_page_request_load``), while the browser
    loads the page's code; the response is not held for it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "").rstrip("/") if scope["type"] == "http" else ""
        if scope.get("method") == "GET" and any(path.endswith(p) for p in FIRST_VIEW_PAGES):
            asked = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            creator = asked.get("creator", [""])[-1]  # the last, as st.query_params reads it
            if creator:
                workspace = asked.get(WORKSPACE_PARAM, [None])[-1]
                start_page_request_load(creator, workspace, Request(scope).cookies)
        await self.app(scope, receive, send)


class ClosedRoutes:
    """Pure ASGI middleware: ``/media/...`` and ``/_stcore/metrics`` answer 404 to a request
    without a valid sign-in cookie (``components.frame.routes``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and guarded(scope.get("path", "")):
            cookies = Request(scope).cookies
            if not await anyio.to_thread.run_sync(may_reach, scope.get("path", ""), cookies):
                await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
                return
        await self.app(scope, receive, send)


app = st.App(
    str(Path(__file__).with_name("app.py")),
    routes=[Route(METRICS_ROUTE, scrape, methods=["GET"])],
    middleware=[
        Middleware(SecurityHeaders),
        Middleware(ClosedRoutes),
        Middleware(PageHead),
        Middleware(FirstViewHeadStart),
    ],
)
