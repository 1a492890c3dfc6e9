"""A team's deployment on loopback: PostgreSQL, two app replicas, nginx in front (the
deployment's own template), one sandbox API they share. Driven through nginx in a real browser,
and at each replica directly when a test must choose which one answers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen
from urllib.parse import urlsplit

import httpx
import pytest

from fpapi import FirstPartyClient
from fpapi.sandbox import Sandbox, instagram_pool
from fpapi.storage.database import UNREACHABLE, close_database, open_database
from fpapi.storage.records import Creator
from fpapi.storage.sql_store import SqlStore
from fpapi.workspace.connect import create_link as create_link_in_store
from fpapi.workspace.core import Workspace, open_workspace
from fpapi.workspace.members import Actor
from fpapi.workspace.settings import load_settings
from fpapi.workspace.sharing import SHARE_REFUSED
from tests.browser.conftest import (
    RunningApp,
    consent,
    create_link,
    plotly_summaries,
    screenshot,
    start_app,
    wait_for_app,
)
from tests.browser.servers import free_port, start_nginx, stop_all
from tests.browser.streamlit_client import visit
from tests.postgres import Postgres

pytestmark = pytest.mark.browser

POOL = instagram_pool()


@dataclass
class Team:
    postgres: Postgres
    database_url: str
    sandbox: Sandbox
    replicas: list[RunningApp]
    nginx: Popen
    url: str  # the public address: nginx
    env: dict[str, str]  # what every replica is configured with
    nginx_folder: Path

    def access_log(self) -> str:
        return (self.nginx_folder / "access.log").read_text()

    def workspace(self) -> Workspace:
        """The workspace core as a command opens it, on the team's database and API."""
        return open_workspace(load_settings(self.env, []), Actor("test"))

    @property
    def store(self) -> SqlStore:
        return SqlStore(open_database(self.database_url))

    def new_link(self, label: str) -> str:
        """A pending link made as the connect page makes one; returns its state."""
        callback = f"{self.url}/callback"
        with FirstPartyClient(self.sandbox.base_url, self.sandbox.token) as client:
            made = create_link_in_store(
                client, self.store, connector="instagram", redirect_url=callback,
                allowed_origins=[self.url], actor="test", label=label,
            )  # fmt: skip
        return made.state

    def callback_query(self, state: str, username: str) -> str:
        """The query string the vendor sends the creator back with, once they allow."""
        return urlsplit(self.sandbox.redirect_for(state, username=username)).query


@pytest.fixture(scope="module")
def team(tmp_path_factory, postgres):
    base = tmp_path_factory.mktemp("team")
    database_url = postgres.fresh_database()
    nginx_port = free_port()
    public_url = f"http://localhost:{nginx_port}"
    sandbox = Sandbox().start()
    env = {
        "FPAPI_DATABASE_URL": database_url,
        "FPAPI_BASE_URL": sandbox.base_url,
        "FPAPI_TOKEN": sandbox.token,
        "FPAPI_PUBLIC_URL": public_url,
        # One cookie secret for every replica, as in compose.yaml.
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
        "FPAPI_SECRET_KEY": secrets.token_urlsafe(48),  # share links: every replica signs alike
    }
    replicas: list[RunningApp] = []
    nginx = None
    try:
        for number in (1, 2):
            replicas.append(start_app(base / f"data{number}", base / f"replica{number}.log", env))
        nginx = start_nginx(
            base / "nginx",
            port=nginx_port,
            replicas=[urlsplit(r.url).netloc.replace("localhost", "127.0.0.1") for r in replicas],
        )
        yield Team(
            postgres, database_url, sandbox, replicas, nginx, public_url, env, base / "nginx"
        )
    finally:
        stop_all(nginx, *(replica.process for replica in replicas))
        sandbox.stop()
        close_database(database_url)


def test_through_nginx_an_analyst_connects_opens_insights_and_compares(team, page):
    account, other = POOL[2], POOL[3]
    consent_url = create_link(page, team.url, label="Through the proxy")
    consent(page, consent_url, account=account.username, app_url=team.url)
    assert "Instagram account is connected" in page.inner_text("[data-testid='stMain']")
    screenshot(page, "team-callback-through-nginx")
    team.store.add_creator(
        Creator(
            other.creator_id, "instagram", name=other.name, username=other.username, verified_at=1
        )
    )

    page.goto(f"{team.url}/creators")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text(f"@{account.username}").wait_for()
    assert "Through the proxy" in main.inner_text() and f"@{other.username}" in main.inner_text()

    page.set_viewport_size({"width": 1400, "height": 4200})
    page.goto(f"{team.url}/insights?creator={account.creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=30_000
    )  # the follower trend and the first section
    assert all(chart["points"] > 0 for chart in plotly_summaries(page))
    screenshot(page, "team-insights-through-nginx")

    page.goto(f"{team.url}/compare?creators={account.creator_id},{other.creator_id}")
    wait_for_app(page, timeout_ms=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 1", timeout=30_000
    )  # the growth chart: the other charts are tabs of their own
    charts = plotly_summaries(page)
    assert len(charts) == 1 and all(chart["points"] > 0 for chart in charts)
    screenshot(page, "team-compare-through-nginx")
    # Downloads are served by the replica that made them: the route cookie keeps this browser
    # on it, every time (without stickiness about half of these would be "not found").
    for _ in range(4):
        with page.expect_download() as download:
            page.get_by_role("button", name="Table as CSV").click()
        assert download.value.failure() is None
        assert download.value.path().read_text(encoding="utf-8-sig").startswith("metric,")


def test_nginx_upgrades_the_websocket_sets_the_route_cookie_and_keeps_the_headers(team):
    answer = httpx.get(f"{team.url}/creators")
    assert answer.status_code == 200
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "nginx/" not in answer.headers.get("server", "")
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(("studio_route=r1;", "studio_route=r2;")) and "HttpOnly" in cookie
    run = visit((team.url, "creators"))[0]  # a WebSocket session through nginx
    assert not run.exception and "Creators" in run.text


def test_a_creator_verified_on_one_replica_is_on_the_roster_of_the_other(team):
    account = POOL[4]
    state = team.new_link("Seen everywhere")
    first, second = (replica.url for replica in team.replicas)
    verified = visit((first, "callback", team.callback_query(state, account.username)))[0]
    assert "Instagram account is connected" in verified.text, verified.text
    roster = visit((second, "creators"))[0]
    assert f"@{account.username}" in roster.text and "Seen everywhere" in roster.text


def test_a_callback_replayed_on_the_other_replica_does_not_verify_again(team):
    account = POOL[5]
    state = team.new_link("Replayed")
    query = team.callback_query(state, account.username)
    first, second = (replica.url for replica in team.replicas)
    before = team.sandbox.calls["verify"]
    assert "connected" in visit((first, "callback", query))[0].text
    replay = visit((second, "callback", query))[0]
    assert "already used" in replay.text and not replay.exception
    assert team.sandbox.calls["verify"] == before + 1  # no second Verify Creator call


def test_eight_callbacks_each_delivered_to_both_replicas_at_once(team):
    """Eight creators come back at the same moment, and each callback reaches both replicas
    (a double click, a retried request): eight verified creators, each claimed once."""
    accounts = POOL[6:14]
    queries = [
        team.callback_query(team.new_link(f"Rush {n}"), account.username)
        for n, account in enumerate(accounts)
    ]
    before = team.sandbox.calls["verify"]

    runs = visit(*((r.url, "callback", query) for query in queries for r in team.replicas))
    assert not any(run.exception for run in runs)
    thanked = [run for run in runs if "Instagram account is connected" in run.text]
    assert len(thanked) == 8, [run.text for run in runs]
    assert team.sandbox.calls["verify"] == before + 8
    roster = [c.username for c in team.store.creators()]
    assert sorted(a.username for a in accounts if a.username in roster) == sorted(
        a.username for a in accounts
    )
    assert len(roster) == len(set(roster))


def test_the_insight_cache_is_shared_and_the_vendor_called_once(team):
    account = POOL[14]
    team.store.add_creator(
        Creator(
            account.creator_id,
            "instagram",
            name=account.name,
            username=account.username,
            verified_at=2,
        )
    )
    query = f"creator={account.creator_id}"

    runs = visit(
        *((r.url, "insights", query) for r in team.replicas)
    )  # never fetched: both replicas miss at the same moment
    assert all(run.charts == 3 and not run.exception for run in runs)
    later = visit((team.replicas[1].url, "insights", query))[0]
    assert later.charts == 3
    assert team.sandbox.calls[f"insights:{account.creator_id}"] == 1


def test_the_database_stopped_and_restarted_under_the_running_replicas(team, page):
    team.postgres.stop()
    try:
        page.goto(f"{team.url}/creators")
        wait_for_app(page)
        main = page.locator("[data-testid='stMain']").inner_text()
        screenshot(page, "team-database-down")
        assert UNREACHABLE in main and "Traceback" not in main
        other = visit((team.replicas[1].url, "creators"))[0]
        assert UNREACHABLE in other.text and not other.exception
    finally:
        team.postgres.start()
    page.goto(f"{team.url}/creators")
    wait_for_app(page)
    assert UNREACHABLE not in page.locator("[data-testid='stMain']").inner_text()
    for replica in team.replicas:  # both back by themselves, no restart
        run = visit((replica.url, "creators"))[0]
        assert f"@{POOL[4].username}" in run.text and not run.exception
        assert "Traceback" not in replica.log()


def test_nginx_refuses_a_route_cookie_that_names_no_replica_and_hides_the_metrics(team):
    chosen = httpx.get(f"{team.url}/creators", cookies={"studio_route": "app1:8501"})
    assert chosen.status_code == 400 and "names no replica" in chosen.text
    named = httpx.get(f"{team.url}/creators", cookies={"studio_route": "r2"})
    assert named.status_code == 200 and "set-cookie" not in named.headers
    assert httpx.get(f"{team.url}/_stcore/metrics").status_code == 404


def test_a_share_revoked_on_one_replica_is_refused_on_the_other(team):
    ws = team.workspace()
    shared = POOL[6:9]
    for account in shared:
        ws.store.add_creator(Creator(account.creator_id, "instagram", name=account.name))
    ids = [account.creator_id for account in shared]
    ws.load_many(ids)
    made = ws.create_share("compare", "For the client", ids, {"fees": {}}, days=7)
    first, second = (replica.url for replica in team.replicas)
    opened = visit((second, "share", f"t={made.token}"))[0]
    assert "For the client" in opened.text and opened.charts, opened.text
    assert ws.revoke_share(made.share.key)  # as if pressed on the first replica's page
    refused, again = visit(
        (first, "share", f"t={made.token}"), (second, "share", f"t={made.token}")
    )
    for page in (refused, again):
        assert page.text.strip() == SHARE_REFUSED and not page.charts
    views = next(s for s in ws.shares() if s.key == made.share.key).views
    assert views == 1  # the refused loads are not views
    for replica in team.replicas:
        assert made.token not in replica.log()
    assert f"t={made.token}" not in team.access_log()  # nginx logs paths without queries
