"""The app under a misbehaving vendor and a failing data folder: sentences, stale data, no loss."""

from __future__ import annotations

import socket
import sqlite3
import threading

import diskcache
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from fpapi import FirstPartyClient
from fpapi.links import state_key
from fpapi.sandbox import Knobs, Sandbox, instagram_pool
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import ROSTER_DB, DataFolderStore
from fpapi.workspace.connect import finish_verification
from tests.apptest import add_to_roster, make_link, open_page, page_text
from tests.helpers import charts_of

ACCOUNT = instagram_pool()[6]


@pytest.fixture
def vendor(app_env, monkeypatch):
    """A sandbox of our own that the app is configured against, with a short timeout."""
    with Sandbox() as sandbox:
        monkeypatch.setenv("FPAPI_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("FPAPI_TOKEN", sandbox.token)
        monkeypatch.setenv("FPAPI_TIMEOUT_S", "0.5")
        yield sandbox


def break_vendor(sandbox: Sandbox, fault: str) -> None:
    knobs = {
        "slow": Knobs(latency_s=1.5),
        "flapping-429": Knobs(burst_429=50),
        "503-html": Knobs(failure_rate=1.0),
        "truncated-json": Knobs(garbage="truncated"),
        "json-array": Knobs(garbage="array"),
        "empty-body": Knobs(garbage="empty"),
        "html-200": Knobs(garbage="html"),
        "20mb-body": Knobs(garbage="huge"),
    }[fault]
    sandbox.knobs = knobs


FAULTS = {
    "slow": "did not answer in time",
    "flapping-429": "limiting how often we may call it (HTTP 429)",
    "503-html": "problem on its side (HTTP 503)",
    "truncated-json": "text that is not JSON",
    "json-array": "JSON list where an object was expected",
    "empty-body": "empty answer",
    "html-200": "a web page instead of data",
    "20mb-body": "more than 10 MB",
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_faulty_vendor_with_nothing_cached_gets_a_sentence(vendor, app_env, fault):
    add_to_roster(app_env, ACCOUNT)
    break_vendor(vendor, fault)
    at = open_page("insights", query={"creator": ACCOUNT.creator_id})
    assert not at.exception
    text = page_text(at)
    assert "could not be loaded" in text and FAULTS[fault] in text


@pytest.mark.parametrize("fault", ["slow", "503-html", "truncated-json", "20mb-body"])
def test_a_faulty_vendor_with_a_cached_copy_shows_it_as_stale(vendor, app_env, monkeypatch, fault):
    add_to_roster(app_env, ACCOUNT)
    monkeypatch.setenv("FPAPI_CACHE_TTL_S", "0")  # the copy is stale at once
    first = open_page("insights", query={"creator": ACCOUNT.creator_id})
    assert "just fetched from the API" in page_text(first)
    break_vendor(vendor, fault)
    at = open_page("insights", query={"creator": ACCOUNT.creator_id})
    text = page_text(at)
    assert not at.exception and "could not be reached just now" in text and FAULTS[fault] in text
    assert "old" in text
    titles = [chart["layout"]["title"]["text"] for chart in charts_of(at)]
    assert titles[:2] == ["Followers over time", "Engagement rate over time"]  # the cached copy


def test_a_vendor_that_is_down(app_env, monkeypatch):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
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


def test_compare_shows_stale_copies_when_the_vendor_fails(vendor, app_env, monkeypatch):
    accounts = instagram_pool()[6:8]
    add_to_roster(app_env, *accounts)
    monkeypatch.setenv("FPAPI_CACHE_TTL_S", "0")
    query = {"creators": ",".join(a.creator_id for a in accounts)}
    open_page("compare", query=query)
    break_vendor(vendor, "503-html")
    at = open_page("compare", query=query)
    assert not at.exception
    assert all(str(v).startswith("Stale") for v in at.table[0].value.loc["Data"])
    assert "the API failed" in page_text(at)


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
    tmp_path, monkeypatch
):
    data_dir = tmp_path / "fresh-data"
    monkeypatch.setenv("FPAPI_DATA_DIR", str(data_dir))
    for name in ("FPAPI_BASE_URL", "FPAPI_TOKEN"):
        monkeypatch.delenv(name, raising=False)
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


def test_a_corrupt_roster_database_is_moved_aside_loudly(app_env):
    add_to_roster(app_env, instagram_pool()[0])
    (app_env / "store" / ROSTER_DB).write_bytes(b"not a database" * 64)
    at = open_page("home")
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "roster database could not be read" in warning and "store.corrupt-" in warning
    aside = [p for p in app_env.iterdir() if p.name.startswith("store.corrupt-")]
    assert len(aside) == 1 and (aside[0] / ROSTER_DB).read_bytes().startswith(b"not a database")


def test_a_corrupt_insight_cache_is_rebuilt(app_env):
    add_to_roster(app_env, ACCOUNT)
    open_page("insights", query={"creator": ACCOUNT.creator_id})
    (app_env / "insights" / "cache.db").write_bytes(b"garbage" * 64)
    at = open_page("insights", query={"creator": ACCOUNT.creator_id})
    assert not at.exception
    assert charts_of(at)[0]["layout"]["title"]["text"] == "Followers over time"


def test_sessions_verifying_removing_and_refreshing_at_once_keep_the_roster_consistent(
    tmp_path, clean_sandbox
):
    """Each thread is an analyst session with its own Store handle on the same folder."""
    directory = tmp_path / "store"
    with FirstPartyClient(clean_sandbox.base_url, clean_sandbox.token) as client:
        links = [make_link(client, DataFolderStore(directory)) for _ in range(8)]
        tokens = [
            clean_sandbox.approve(link.state, username=a.username)
            for link, a in zip(links, instagram_pool(), strict=False)
        ]
        keep = [a.creator_id for a in instagram_pool()[:8]]
        doomed = keep[:2]  # verified first, removed while others verify
        for link, token in zip(links[:2], tokens[:2], strict=True):
            finish_verification(
                client, DataFolderStore(directory), via="callback", state=link.state, token=token
            )
        cache = InsightCache(tmp_path / "insights", api_base_url=clean_sandbox.base_url)
        barrier = threading.Barrier(12)
        errors: list[BaseException] = []

        def session(work) -> None:
            try:
                barrier.wait()
                work()
            except BaseException as err:
                errors.append(err)

        jobs = [lambda link=link, token=token: finish_verification(client, DataFolderStore(directory), via="callback", state=link.state, token=token)
                for link, token in zip(links[2:], tokens[2:], strict=True)]  # fmt: skip
        jobs += [lambda cid=cid: DataFolderStore(directory).remove_creator(cid) for cid in doomed]
        jobs += [
            lambda cid=cid: cache.load(cid, client.get_instagram_insights, refresh=True)
            for cid in keep[2:6]
        ]
        threads = [threading.Thread(target=session, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    roster = {c.creator_id for c in DataFolderStore(directory).creators()}
    assert roster == set(keep[2:])
    assert all(
        DataFolderStore(directory).get_link(state_key(link.state)).status == "verified"
        for link in links
    )


def test_a_roster_file_sqlite_cannot_open_is_a_sentence_about_the_data_folder(app_env):
    (app_env / "store" / ROSTER_DB).mkdir(parents=True)  # a folder where the file should be
    for page in ("home", "creators"):
        at = open_page(page)
        assert not at.exception
        text = page_text(at)
        assert "cannot be used" in text and "FPAPI_DATA_DIR" in text
        assert "team database" not in text
    assert (app_env / "store" / ROSTER_DB).is_dir()  # nothing moved or deleted
