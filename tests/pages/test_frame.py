"""What every page shares under AppTest (the frame: configuration, data folder, sidebar):
each page runs and says what it is for; a bad configuration, a vendor that is down, a data
folder that is damaged, read-only or full, are sentences, never a crash; no secret reaches a
page, a log or the data folder."""

from __future__ import annotations

import logging
import sqlite3
import time
from urllib.parse import parse_qs, urlsplit

import diskcache
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from components.exports.report_html import render_report_html
from fpapi import FirstPartyClient
from fpapi.analysis.export import to_safe_csv, to_xlsx
from fpapi.analysis.report import build_report
from fpapi.links import state_key
from fpapi.sandbox import embedded_sandbox, instagram_pool
from fpapi.storage.data_folder import ROSTER_DB, DataFolderStore
from fpapi.storage.database import open_database
from fpapi.storage.sql_store import SqlStore
from tests.helpers import (
    add_to_roster,
    app_store,
    charts_of,
    free_port,
    stored_text,
    write_older_store,
)
from tests.pages.apptest import PAGES, open_page, page_source, page_text, verify


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_runs_without_an_exception(app_env, name):
    at = open_page(name)
    assert not at.exception, at.exception
    if name != "share":  # without a valid link: one sentence and nothing else, by design
        assert at.title, f"{name} has no title"


def test_sidebar_says_the_app_runs_on_the_sandbox(app_env):
    at = open_page("home")
    sidebar = " ".join(str(info.value) for info in at.sidebar.info)
    assert "Sandbox mode" in sidebar


def test_a_bad_configuration_is_a_sentence_not_a_crash(app_env, monkeypatch):
    monkeypatch.setenv("FPAPI_BASE_URL", "https://api.vendor.example/v1")
    at = open_page("home")
    assert not at.exception
    assert "FPAPI_TOKEN is not" in " ".join(e.value for e in at.error)


def test_an_unusable_data_directory_is_a_sentence_not_a_crash(app_env, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FPAPI_DATA_DIR", str(blocker))
    at = open_page("home")
    assert not at.exception
    assert "cannot be used" in " ".join(e.value for e in at.error)


@pytest.mark.parametrize("page", ["home", "creators", "insights", "compare"])
def test_a_record_with_an_extra_field_or_a_broken_one_takes_no_page_down(app_env, page):
    account = verify(app_env, "kenji.travel0")
    write_older_store(app_env / "store", {
        "creator|odd": {"creator_id": "odd", "connector": "instagram", "name": "Odd One",
                        "future_field": 1},
        "creator|broken": {"name": "no id, no connector"},
    })  # fmt: skip
    at = open_page(page, query={"creator": account})
    assert not at.exception and not at.error, [e.value for e in at.error]
    creators = {c.creator_id: c for c in app_store(app_env).creators()}
    assert set(creators) == {account, "odd"}  # the broken row is skipped, not fatal
    assert creators["odd"].extra == {"future_field": 1}


ACCOUNT = instagram_pool()[6]


def test_a_vendor_that_is_down(app_env, monkeypatch):
    port = free_port()  # a port nobody listens on
    monkeypatch.setenv("FPAPI_BASE_URL", f"http://127.0.0.1:{port}/api/v1")
    monkeypatch.setenv("FPAPI_TOKEN", "some-api-token")
    add_to_roster(app_env, ACCOUNT)
    for page, query in (
        ("insights", {"creator": ACCOUNT.creator_id}),
        ("compare", {"creators": ACCOUNT.creator_id + "," + instagram_pool()[7].creator_id}),
    ):
        add_to_roster(app_env, instagram_pool()[7])
        at = open_page(page, query=query)
        assert not at.exception
        assert f"at 127.0.0.1:{port} could not be reached" in page_text(at)
    connect = open_page("connect")
    connect.button(key="FormSubmitter:create-link-Create verification link").click().run()
    assert "The link could not be created" in page_text(connect) and not connect.exception


class Refusal:
    """While ``message`` is set, SQLite refuses every write the store tries, saying it."""

    message: str | None = None


@sa.event.listens_for(Engine, "before_cursor_execute")
def _refuse_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    if Refusal.message and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
        raise sqlite3.OperationalError(Refusal.message)


def make_read_only(monkeypatch) -> None:
    """Every SQLite database of the data folder refuses writes from now on, as on a read-only
    folder. (Permission bits cannot do this here: the tests run as root, who writes anyway.)"""
    original = diskcache.Cache._con

    def read_only(self):
        con = original.fget(self)
        con.execute("PRAGMA query_only = ON")
        return con

    monkeypatch.setattr(diskcache.Cache, "_con", property(read_only))
    monkeypatch.setattr(Refusal, "message", "attempt to write a readonly database")


def test_a_data_folder_that_turns_read_only_keeps_the_roster_and_says_so(app_env, monkeypatch):
    add_to_roster(app_env, *instagram_pool()[:3])
    assert "3 verified creators" in page_text(open_page("creators"))  # opened while writable
    make_read_only(monkeypatch)
    roster = open_page("creators")
    assert "3 verified creators" in page_text(roster)
    connect = open_page("connect")
    connect.button(key="FormSubmitter:create-link-Create verification link").click().run()
    assert not connect.exception
    assert "could not save to its data folder" in page_text(connect)
    insights = open_page("insights", query={"creator": instagram_pool()[0].creator_id})
    assert not insights.exception and charts_of(insights)  # shown, just not cached
    monkeypatch.undo()
    assert len(DataFolderStore(app_env / "store").creators()) == 3


def test_a_data_folder_read_only_from_the_start_is_a_sentence_and_nothing_moves(
    app_env, monkeypatch
):
    data_dir = app_env
    add_to_roster(data_dir, instagram_pool()[0])
    before = sorted(p.name for p in data_dir.iterdir())
    make_read_only(monkeypatch)
    for page in ("home", "creators", "connect"):
        at = open_page(page)
        assert not at.exception
        assert "cannot be used" in page_text(at) and "FPAPI_DATA_DIR" in page_text(at)
    monkeypatch.undo()
    after = sorted(p.name for p in data_dir.iterdir())
    assert set(before) <= set(after) and not [n for n in after if "corrupt" in n]  # nothing moved
    assert len(DataFolderStore(data_dir / "store").creators()) == 1


def test_a_corrupt_roster_database_is_moved_aside_loudly(app_env):
    add_to_roster(app_env, instagram_pool()[0])
    (app_env / "store" / ROSTER_DB).write_bytes(b"not a database" * 64)
    at = open_page("home")
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "roster database could not be read" in warning and "store.corrupt-" in warning
    aside = [p for p in app_env.iterdir() if p.name.startswith("store.corrupt-")]
    assert len(aside) == 1 and (aside[0] / ROSTER_DB).read_bytes().startswith(b"not a database")


def test_a_roster_file_sqlite_cannot_open_is_a_sentence_about_the_data_folder(app_env):
    (app_env / "store" / ROSTER_DB).mkdir(parents=True)  # a folder where the file should be
    for page in ("home", "creators"):
        at = open_page(page)
        assert not at.exception
        text = page_text(at)
        assert "cannot be used" in text and "FPAPI_DATA_DIR" in text
        assert "team database" not in text
    assert (app_env / "store" / ROSTER_DB).is_dir()  # nothing moved or deleted


def test_a_full_disk_is_a_sentence(app_env, monkeypatch):
    add_to_roster(app_env, instagram_pool()[0])

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(diskcache.Cache, "add", full)
    monkeypatch.setattr(diskcache.Cache, "set", full)
    monkeypatch.setattr(Refusal, "message", "database or disk is full")
    at = open_page("connect")
    at.button(key="FormSubmitter:create-link-Create verification link").click().run()
    assert not at.exception and "the disk is full" in page_text(at)
    monkeypatch.undo()
    assert len(DataFolderStore(app_env / "store").creators()) == 1


def test_no_token_in_any_log_page_export_or_cache_file(app_env, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    sandbox = embedded_sandbox()
    pages = []

    # The analyst creates two links on the connect page; two creators come back.
    connect = open_page("connect")
    connect.button(key="FormSubmitter:create-link-Create verification link").click().run()
    connect.button(key="FormSubmitter:create-link-Create verification link").click().run()
    pages.append(connect)
    states = list(connect.session_state["cis.link_states"].values())  # only the analyst holds them
    verification_tokens = []
    for state, username in zip(states, ["kenji.travel0", "camila.food1"], strict=True):
        landing = sandbox.redirect_for(state, username=username)
        token = parse_qs(urlsplit(landing).query)["token"][0]
        verification_tokens.append(token)
        pages.append(open_page("callback", query={"token": token, "state": state}))
    creators = DataFolderStore(app_env / "store").creators()
    assert len(creators) == 2
    pages.append(open_page("creators"))
    for creator in creators:
        pages.append(open_page("insights", query={"creator": creator.creator_id}))
    pages.append(open_page("compare", query={"creators": ",".join(c.creator_id for c in creators)}))
    assert all(not at.exception for at in pages)

    with FirstPartyClient(sandbox.base_url, sandbox.token) as client:
        reports = {
            c.creator_id: build_report(client.get_instagram_insights(c.creator_id))
            for c in creators
        }
    exports = [to_safe_csv(r.posts) for r in reports.values()]
    exports += [
        render_report_html(r, title="x", fetched_at=time.time()).encode() for r in reports.values()
    ]
    exports.append(to_xlsx({"posts": next(iter(reports.values())).posts}))

    secrets = [sandbox.token, *verification_tokens]
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 20  # DEBUG logging really was on
    # (The URL bar is the browser test's to check: AppTest cannot run the scrubbing script.)
    shown = "\n".join(page_source(at) for at in pages)
    stored = stored_text(app_env)  # decompressed: raw bytes would hide a secret
    assert "kenji.travel0" in stored and "insights|" in stored  # the reading really works
    for secret in secrets:
        assert secret not in logged, "a token reached the logs"
        assert secret not in shown, "a token reached a page"
        assert all(secret.encode() not in blob for blob in exports), "a token reached an export"
        assert secret not in stored, "a token reached the data folder"
    for state in states:  # the store keeps a hash of each link's state, never the state
        assert state not in stored, "a link's state reached the data folder"


def test_on_the_team_database_no_token_or_state_is_stored_logged_or_shown(
    app_env, postgres, monkeypatch, caplog
):
    """The whole connect flow on pages backed by PostgreSQL; then the database is dumped and
    read, as an attacker with a backup would."""
    caplog.set_level(logging.DEBUG)
    url = postgres.fresh_database()
    monkeypatch.setenv("FPAPI_DATABASE_URL", url)
    sandbox = embedded_sandbox()
    connect = open_page("connect")
    for _ in range(2):
        connect.button(key="FormSubmitter:create-link-Create verification link").click().run()
    states = list(connect.session_state["cis.link_states"].values())
    tokens, pages = [], [connect]
    for state, username in zip(states, ["kenji.travel0", "camila.food1"], strict=True):
        token = parse_qs(urlsplit(sandbox.redirect_for(state, username=username)).query)["token"][0]
        tokens.append(token)
        pages.append(open_page("callback", query={"token": token, "state": state}))
    roster = open_page("creators")
    pages.append(roster)
    ids = [c.creator_id for c in SqlStore(open_database(url)).creators()]
    assert len(ids) == 2 and "kenji.travel0" in page_text(roster)
    pages.append(open_page("compare", query={"creators": ",".join(ids)}))
    activity = open_page("activity")
    pages.append(activity)
    assert all(not at.exception for at in pages)
    what = list(activity.table[0].value["What"])  # who did what, read back from the database
    assert sum(entry.startswith("verified") for entry in what) == 2, what
    assert not (app_env / "store").exists()  # nothing went to the local folder

    dump = postgres.dump(url.rsplit("/", 1)[1])
    assert "kenji.travel0" in dump and state_key(states[0]) in dump  # the reading works
    shown = "\n".join(page_source(at) for at in pages)
    for secret in [sandbox.token, *tokens, *states]:
        assert secret not in dump, "a token or state reached the database"
        assert secret not in caplog.text and secret not in shown
    assert postgres.password not in caplog.text and postgres.password not in shown


def test_the_sidebar_says_the_roster_is_shared_without_naming_the_database(
    app_env, tmp_path, monkeypatch
):
    monkeypatch.setenv("FPAPI_DATABASE_URL", f"sqlite:///{tmp_path / 'team.db'}")
    at = open_page("home")
    sidebar = " ".join(str(caption.value) for caption in at.sidebar.caption)
    assert "Shared with your team" in sidebar and "team.db" not in page_source(at)
    monkeypatch.delenv("FPAPI_DATABASE_URL")
    local = open_page("home")
    assert "Shared with your team" not in " ".join(str(c.value) for c in local.sidebar.caption)
