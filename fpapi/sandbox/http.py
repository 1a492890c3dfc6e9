"""Small HTTP helpers for the sandbox's hand-written server: JSON bodies in and out, pages."""

from __future__ import annotations

import html
import json
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

__all__ = [
    "MAX_BODY_BYTES",
    "error",
    "page",
    "read_body",
    "read_raw",
    "send",
    "send_json",
    "with_query",
]

MAX_BODY_BYTES = 64 * 1024


def error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def read_raw(request: BaseHTTPRequestHandler) -> bytes:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    return request.rfile.read(min(max(0, length), MAX_BODY_BYTES)) if length else b""


def read_body(request: BaseHTTPRequestHandler) -> Any:
    raw = read_raw(request)
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def send(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    request.send_header("Cache-Control", "no-store")
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


def send_json(
    request: BaseHTTPRequestHandler,
    status: int,
    data: Any,
    headers: dict[str, str] | None = None,
) -> None:
    send(request, status, json.dumps(data).encode(), "application/json", headers)


def with_query(url: str, **params: str) -> str:
    """Append ``params`` to ``url``, keeping any query string it already has."""
    parts = urlsplit(url)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def page(title: str, body: str) -> bytes:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem;
       color: #1f2933; }}
.banner {{ background: #fff4d6; border: 1px solid #f0c36d; padding: .5rem .75rem;
           border-radius: .4rem; font-size: .9rem; }}
label {{ display: block; margin: 1rem 0 .25rem; font-weight: 600; }}
select {{ width: 100%; padding: .4rem; }}
.buttons {{ display: flex; gap: .75rem; margin-top: 1.25rem; }}
button {{ padding: .6rem 1.4rem; border-radius: .4rem; border: 1px solid #52606d;
          font-size: 1rem; cursor: pointer; background: #fff; }}
button[value=allow] {{ background: #1f6feb; color: #fff; border-color: #1f6feb; }}
</style></head><body>{body}</body></html>""".encode()
