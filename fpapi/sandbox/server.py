"""The sandbox: an emulator of the First Party API contract, served over real HTTP on loopback.

It checks the bearer token, answers in the vendor's shapes (error bodies included), and serves
the creator-facing consent page that a verification URL points to: Allow sends the browser
back to the redirect URL with ``token`` and ``state``, Deny with ``error=access_denied``.
Knobs for tests: added latency, a failure rate, a burst of 429s and the vendor's own rate limit.
"""

from __future__ import annotations

import html
import json
import logging
import random
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, fields
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fpapi.api.client import DEFAULT_PATHS, ApiPaths
from fpapi.redact import register_secret
from fpapi.sandbox.accounts import SandboxAccount, account_for, instagram_pool, youtube_pool
from fpapi.sandbox.http import error, page, read_body, read_raw, send, send_json, with_query
from fpapi.sandbox.insights import build_insights, shifted
from fpapi.sandbox.knobs import GARBAGE_BODIES, Knobs, RateLimit

__all__ = ["API_PREFIX", "Knobs", "Sandbox"]

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
CONSENT_PREFIX = "/consent/"
KNOBS_PATH = "/_sandbox/knobs"
CONNECTORS = ("instagram", "youtube")
RATE_LIMIT_RETRY_AFTER_S = 1
INSIGHTS_HOLD_MAX_S = 30  # a held insight call is answered after this, held or not
HOLD_POLL_S = 0.05


class _Server(ThreadingHTTPServer):
    # A thread per call, and room for a whole comparison's calls at once: with the default
    # listen backlog of 5, calls past it on a busy host wait a second for TCP to try again.
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer (a killed worker, a closed tab) is no error of ours.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class _Session:
    state: str
    connector: str
    redirect_url: str
    token: str | None = None
    token_used: bool = False
    account: SandboxAccount | None = None


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sessions: dict[str, _Session] = field(default_factory=dict)  # by consent id
    by_state: dict[str, str] = field(default_factory=dict)  # state -> consent id
    insights_cache: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (id, shape)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    rate_limit: RateLimit = field(default_factory=RateLimit)


class Sandbox:
    """Run the emulator on 127.0.0.1 in a daemon thread: ``with Sandbox() as sb: sb.base_url``."""

    def __init__(
        self,
        *,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        paths: ApiPaths = DEFAULT_PATHS,
        knobs: Knobs | None = None,
    ) -> None:
        self.token = token or secrets.token_urlsafe(24)
        register_secret(self.token)
        self.paths = paths
        self.knobs = knobs or Knobs()
        self._state = _State()
        # Answered calls by endpoint ("create_link", "verify", "insights:<creator_id>"), for
        # tests that count what reached the vendor; faults injected by the knobs not included.
        self.calls: Counter[str] = Counter()
        # The most API calls answered at one time since reset_peak(), for tests that check
        # calls really overlap (a client or server that queued them would show 1).
        self.peak_calls_at_once = 0
        # When each API call arrived and when each 429 went out (time.time()), for tests of a
        # rate limit shared by several processes.
        self.arrivals: list[float] = []
        self.rate_limited_at: list[float] = []
        self._calls_now = 0
        self._server = _Server((host, port), self._handler_class())
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """What to configure as ``FPAPI_BASE_URL``."""
        return self.root_url + API_PREFIX

    def start(self) -> Sandbox:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="fpapi-sandbox", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for tests: what a creator does in the browser -----------------------------------

    @staticmethod
    def accounts(connector: str = "instagram") -> tuple[SandboxAccount, ...]:
        return instagram_pool() if connector == "instagram" else youtube_pool()

    def approve(self, state: str, *, username: str | None = None) -> str:
        """Press Allow on the consent page for ``state``; returns the token the creator gets."""
        with self._state.lock:
            session = self._session_for_state(state)
            account = self._pick_account(session, username)
            return self._issue_token(session, account)

    def redirect_for(self, state: str, *, allow: bool = True, username: str | None = None) -> str:
        """The URL the creator's browser lands on after pressing Allow or Deny."""
        with self._state.lock:
            session = self._session_for_state(state)
            if not allow:
                return with_query(session.redirect_url, error="access_denied", state=state)
            token = self._issue_token(session, self._pick_account(session, username))
            return with_query(session.redirect_url, token=token, state=state)

    def _session_for_state(self, state: str) -> _Session:
        consent_id = self._state.by_state.get(state)
        if consent_id is None:
            raise KeyError("No verification URL was created for this state.")
        return self._state.sessions[consent_id]

    def _pick_account(self, session: _Session, username: str | None) -> SandboxAccount:
        pool = self.accounts(session.connector)
        if username:
            for account in pool:
                if account.username == username:
                    return account
            raise KeyError(f"No sandbox {session.connector} account {username!r}.")
        return pool[int.from_bytes(session.state.encode()[-4:].ljust(4, b"\0"), "big") % len(pool)]

    def _issue_token(self, session: _Session, account: SandboxAccount) -> str:
        session.token = secrets.token_urlsafe(24)
        session.token_used = False
        session.account = account
        register_secret(session.token)
        return session.token

    # --- HTTP ----------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        sandbox = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "fpapi-sandbox/1"
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                # Paths only: a query string could carry a token.
                log.debug("sandbox %s %s", self.command, urlsplit(self.path).path)

            def do_GET(self) -> None:
                sandbox._dispatch(self, "GET")

            def do_POST(self) -> None:
                sandbox._dispatch(self, "POST")

        return Handler

    def _dispatch(self, request: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(request.path).path
        try:
            if path.startswith(CONSENT_PREFIX):
                self._consent(request, method, path.removeprefix(CONSENT_PREFIX))
                return
            if path == KNOBS_PATH and method == "POST":
                self._set_knobs(request)
                return
            if not path.startswith(API_PREFIX):
                send_json(request, 404, error("not_found", "No such path on this API."))
                return
            self._api(request, method, path.removeprefix(API_PREFIX))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _authorised(self, request: BaseHTTPRequestHandler) -> bool:
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {self.token}"
        if secrets.compare_digest(given.encode(), expected.encode()):
            return True
        send_json(request, 401, error("unauthorized", "Missing or invalid API token."))
        return False

    def reset_peak(self) -> None:
        with self._state.lock:
            self.peak_calls_at_once = self._calls_now

    def reset_counts(self) -> None:
        """Forget what earlier calls counted (calls, arrivals, 429s, the peak); a full bucket."""
        with self._state.lock:
            self.calls.clear()
            self.arrivals.clear()
            self.rate_limited_at.clear()
            self.peak_calls_at_once = self._calls_now
            self._state.rate_limit.refill()

    def _api(self, request: BaseHTTPRequestHandler, method: str, path: str) -> None:
        body = read_body(request)
        if not self._authorised(request):
            return
        with self._state.lock:
            self.arrivals.append(time.time())
            self._calls_now += 1
            self.peak_calls_at_once = max(self.peak_calls_at_once, self._calls_now)
        try:
            self._answer(request, method, path, body)
        finally:
            with self._state.lock:
                self._calls_now -= 1

    def _answer(self, request: BaseHTTPRequestHandler, method: str, path: str, body: Any) -> None:
        knobs = self.knobs
        with self._state.lock:
            limited = self._state.rate_limit.over(
                self.knobs
            )  # the vendor's limit counts calls as they arrive
        if limited:
            self._too_many_requests(request)
            return
        if knobs.latency_s > 0:
            time.sleep(knobs.latency_s)
        with self._state.lock:
            burst = knobs.burst_429 > 0
            if burst:
                knobs.burst_429 -= 1
            fail = knobs.failure_rate > 0 and self._state.rng.random() < knobs.failure_rate
        if fail:
            status = HTTPStatus(knobs.failure_status)
            body = f"<html><body><h1>{status.value} {status.phrase}</h1></body></html>".encode()
            send(request, status.value, body, "text/html")
            return
        if burst:
            self._too_many_requests(request)
            return
        insights_prefix, _, insights_suffix = self.paths.insights.partition("{creator_id}")
        if method == "POST" and path == self.paths.verification_url:
            self._count("create_link")
            self._create_link(request, body)
        elif method == "POST" and path == self.paths.verify:
            self._count("verify")
            self._verify(request, body)
        elif (
            method == "GET" and path.startswith(insights_prefix) and path.endswith(insights_suffix)
        ):
            creator_id = path[len(insights_prefix) : len(path) - len(insights_suffix)]
            self._count(f"insights:{creator_id}")
            self._insights(request, creator_id)
        else:
            send_json(request, 404, error("not_found", "No such endpoint."))

    def _too_many_requests(self, request: BaseHTTPRequestHandler) -> None:
        with self._state.lock:
            self.rate_limited_at.append(time.time())
        send_json(
            request,
            429,
            error("rate_limited", "Too many requests."),
            headers={"Retry-After": str(RATE_LIMIT_RETRY_AFTER_S)},
        )

    def _count(self, call: str) -> None:
        with self._state.lock:
            self.calls[call] += 1

    def _create_link(self, request: BaseHTTPRequestHandler, body: Any) -> None:
        if not isinstance(body, dict):
            send_json(request, 400, error("invalid_request", "Body must be a JSON object."))
            return
        connector = str(body.get("connector") or "").lower()
        redirect_url = body.get("redirectUrl")
        state = body.get("state")
        if connector not in CONNECTORS:
            send_json(
                request, 400, error("invalid_connector", "connector must be instagram or youtube.")
            )
            return
        parts = urlsplit(redirect_url) if isinstance(redirect_url, str) else None
        if (
            not isinstance(redirect_url, str)
            or parts is None
            or parts.scheme not in ("http", "https")
            or not parts.netloc
        ):
            send_json(
                request,
                400,
                error("invalid_redirect_url", "redirectUrl must be an absolute http(s) URL."),
            )
            return
        if not isinstance(state, str) or not state:
            send_json(request, 400, error("invalid_state", "state must be a non-empty string."))
            return
        consent_id = secrets.token_urlsafe(12)
        with self._state.lock:
            self._state.sessions[consent_id] = _Session(state, connector, redirect_url)
            self._state.by_state[state] = consent_id
        send_json(
            request,
            200,
            {"redirectUrl": f"{self.root_url}{CONSENT_PREFIX}{consent_id}", "state": state},
        )

    def _verify(self, request: BaseHTTPRequestHandler, body: Any) -> None:
        state = body.get("state") if isinstance(body, dict) else None
        token = body.get("token") if isinstance(body, dict) else None
        with self._state.lock:
            consent_id = self._state.by_state.get(state) if isinstance(state, str) else None
            session = self._state.sessions.get(consent_id) if consent_id else None
            if session is None or not session.token or not isinstance(token, str):
                failure = ("invalid_state", "No verification is pending for this state.")
            elif not secrets.compare_digest(session.token.encode(), token.encode()):
                failure = ("invalid_token", "The token does not match this state.")
            elif session.token_used:
                failure = ("token_already_used", "This token was already exchanged.")
            else:
                failure = None
                session.token_used = True
        if failure is not None or session is None or session.account is None:
            code, message = failure or ("invalid_state", "No verification is pending.")
            # Beyond the contract's {code, message}: the sandbox marks the one failure a
            # second attempt can fix (a mistyped token) as retryable, as the vendor may.
            error_info: dict[str, Any] = {"code": code, "message": message}
            if code == "invalid_token":
                error_info["retryable"] = True
            send_json(
                request,
                200,
                {
                    "state": state,
                    "status": "failed",
                    "connector": session.connector if session else None,
                    "creator_id": None,
                    "user_info": None,
                    "error_info": error_info,
                },
            )
            return
        account = session.account
        send_json(
            request,
            200,
            {
                "state": state,
                "status": "success",
                "connector": account.connector,
                "creator_id": account.creator_id,
                "user_info": account.user_info(),
                "error_info": None,
            },
        )

    def _insights(self, request: BaseHTTPRequestHandler, creator_id: str) -> None:
        held_until = time.monotonic() + INSIGHTS_HOLD_MAX_S
        while self.knobs.hold_insights and time.monotonic() < held_until:
            time.sleep(HOLD_POLL_S)
        account = account_for(creator_id)
        if account is None or account.connector != "instagram":
            send_json(
                request, 404, error("creator_not_found", "No Instagram creator with this id.")
            )
            return
        if creator_id in self.knobs.revoked:
            send_json(
                request, 403, error("consent_revoked", "The creator withdrew this app's access.")
            )
            return
        garbage = GARBAGE_BODIES.get(self.knobs.garbage)
        if garbage is not None:
            send(request, 200, garbage(), "application/json")
            return
        with self._state.lock:
            shape = dict(self.knobs.shapes.get(creator_id) or {})
            built = (creator_id, json.dumps(shape, sort_keys=True))
            body = self._state.insights_cache.get(built)
            moved = dict(self.knobs.changes.get(creator_id) or {})
        if body is None:
            body = json.dumps(build_insights(account, **shape), ensure_ascii=False).encode()
            with self._state.lock:
                self._state.insights_cache[built] = body
        if moved:
            body = json.dumps(shifted(json.loads(body), **moved), ensure_ascii=False).encode()
        send(request, 200, body, "application/json")

    def _set_knobs(self, request: BaseHTTPRequestHandler) -> None:
        body = read_body(request)
        if not self._authorised(request):
            return
        if not isinstance(body, dict):
            send_json(request, 400, error("invalid_request", "Body must be a JSON object."))
            return
        with self._state.lock:
            for name in (f.name for f in fields(Knobs)):
                if name in body:
                    setattr(self.knobs, name, type(getattr(self.knobs, name))(body[name]))
            current = dict(vars(self.knobs))
        send_json(request, 200, current)

    # --- the creator-facing consent page ---------------------------------------------------

    def _consent(self, request: BaseHTTPRequestHandler, method: str, consent_id: str) -> None:
        with self._state.lock:
            session = self._state.sessions.get(consent_id)
        if session is None:
            send(
                request,
                404,
                page("Link not found", "<p>This verification link is not valid.</p>"),
                "text/html; charset=utf-8",
            )
            return
        if method == "GET":
            send(request, 200, self._consent_page(session), "text/html; charset=utf-8")
            return
        form = parse_qs(read_raw(request).decode("utf-8", "replace"))
        decision = (form.get("decision") or [""])[0]
        if decision == "allow":
            username = (form.get("account") or [""])[0] or None
            with self._state.lock:
                try:
                    account = self._pick_account(session, username)
                except KeyError:
                    account = self._pick_account(session, None)
                token = self._issue_token(session, account)
            target = with_query(session.redirect_url, token=token, state=session.state)
        else:
            target = with_query(session.redirect_url, error="access_denied", state=session.state)
        request.send_response(HTTPStatus.SEE_OTHER)
        request.send_header("Location", target)
        request.send_header("Content-Length", "0")
        request.send_header("Cache-Control", "no-store")
        request.end_headers()

    def _consent_page(self, session: _Session) -> bytes:
        default = self._pick_account(session, None)
        options = "".join(
            f'<option value="{html.escape(a.username)}"{" selected" if a == default else ""}>'
            f"{html.escape(a.name)} (@{html.escape(a.username.lstrip('@'))})</option>"
            for a in self.accounts(session.connector)
        )
        platform = "Instagram" if session.connector == "instagram" else "YouTube"
        body = f"""
<p class="banner">Sandbox: no real {platform} account is used.</p>
<h1>Share your {platform} insights</h1>
<p>An analyst asked to see first-party insights for your {platform} account. They will see
your profile, posts and engagement figures. You can revoke access at any time.</p>
<form method="post">
  <label for="account">Log in as</label>
  <select id="account" name="account">{options}</select>
  <div class="buttons">
    <button type="submit" name="decision" value="allow">Allow</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </div>
</form>"""
        return page(f"Connect {platform}", body)
