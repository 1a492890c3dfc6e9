"""The team database itself: migrations, settings, outages, moving a team in, and what is
never written to it."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from fpapi import Insights
from fpapi.commands.migrate import copy_data_dir
from fpapi.errors import DatabaseUnavailable, SettingsError
from fpapi.links import state_key
from fpapi.sandbox import embedded_sandbox
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.database import UNREACHABLE, close_database, new_engine, open_database
from fpapi.storage.records import Activity, Creator, Snapshot, StoredAlert
from fpapi.storage.sql_store import SqlStore
from fpapi.workspace.settings import load_settings
from tests.apptest import open_page, page_source, page_text


def fresh_database(postgres) -> str:
    return postgres.create_database(f"test_{uuid.uuid4().hex[:12]}")


def test_replicas_starting_at_once_migrate_once(postgres):
    url = fresh_database(postgres)
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            new_engine(url).dispose()
        except BaseException as err:
            failures.append(err)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert (
        postgres.psql("SELECT version_num FROM alembic_version", database=url.rsplit("/", 1)[1])
        == "0005\n"
    )
    tables = postgres.psql(
        "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
        database=url.rsplit("/", 1)[1],
    )
    assert tables.strip() == (
        "activity,alembic_version,alerts,campaigns,creators,insights,links,relationships,"
        "shortlists,snapshots"
    )


def test_migrating_again_keeps_every_row(postgres):
    url = fresh_database(postgres)
    engine = new_engine(url)
    SqlStore(engine).add_creator(Creator("c1", "instagram", name="Ana", verified_at=1))
    engine.dispose()
    again = new_engine(url)
    assert [c.name for c in SqlStore(again).creators()] == ["Ana"]
    again.dispose()


@pytest.mark.parametrize(
    "url",
    ["mysql://root:hunter2@db/studio", "not a url hunter2", "postgresql+asyncpg://u:hunter2@h/db"],
)
def test_an_unusable_database_url_is_refused_without_echoing_it(url):
    with pytest.raises(SettingsError, match="FPAPI_DATABASE_URL") as raised:
        load_settings({"FPAPI_DATABASE_URL": url})
    assert "hunter2" not in str(raised.value)


def test_the_database_url_never_shows_in_repr():
    settings = load_settings({"FPAPI_DATABASE_URL": "postgresql://studio:hunter2@db:5432/studio"})
    assert settings.database_url and "hunter2" not in repr(settings)


def test_a_stopped_database_is_one_sentence_and_the_store_recovers_by_itself(postgres, caplog):
    url = fresh_database(postgres)
    store = SqlStore(open_database(url))
    store.add_creator(Creator("c1", "instagram", name="Ana", verified_at=1))
    postgres.stop()
    try:
        with caplog.at_level(logging.WARNING), pytest.raises(DatabaseUnavailable) as raised:
            store.creators()
        assert str(raised.value).startswith("The team database cannot be reached right now")
        with pytest.raises(DatabaseUnavailable):
            store.add_creator(Creator("c2", "instagram"))
    finally:
        postgres.start()
    assert [c.name for c in store.creators()] == ["Ana"]  # the same store, no restart
    assert postgres.password not in caplog.text
    close_database(url)


def test_an_unreachable_database_at_start_is_one_sentence(postgres):
    url = postgres.url("studio").replace(f":{postgres.port}/", ":1/")
    with pytest.raises(DatabaseUnavailable, match="cannot be reached"):
        open_database(url)


def test_moving_a_local_folder_in_copies_everything_once(postgres, tmp_path, vendor_insights):
    local = DataFolderStore(tmp_path / "data" / "store")
    local.add_pending(
        key="k" * 64, connector="instagram", redirect_url="http://x/callback", label="Ana"
    )
    local.add_creator(Creator("c1", "instagram", name="Ana", verified_at=5, added_by="a@x.io"))
    local.add_activity(Activity(5.0, "a@x.io", "creator_verified", "Ana"))
    local.save_shortlist("Summer", ["c1"], notes={"c1": "first pick"})
    local.add_snapshot(Snapshot("c1", 10.0, followers=1_000.0, engagement_rate=2.5))
    local.add_snapshot(Snapshot("c1", 20.0, followers=1_100.0, engagement_rate=2.4))
    local.add_alert(StoredAlert("c1|followers_up|10.0", "c1", "followers_up", "@ana: up", at=20.0))
    local.close()
    cache = InsightCache(tmp_path / "data" / "insights", api_base_url="sandbox://embedded")
    cache.put("c1", Insights.from_raw(vendor_insights))
    cache.close()
    url = fresh_database(postgres)

    first = copy_data_dir(tmp_path / "data", url)
    kinds = ("creators", "links", "shortlists", "activity", "snapshots", "alerts", "insights")
    assert [getattr(first, kind) for kind in kinds] == [1, 1, 1, 1, 2, 1, 1]
    second = copy_data_dir(tmp_path / "data", url)
    assert [getattr(second, kind) for kind in kinds] == [0] * len(kinds)

    engine = new_engine(url)
    team = SqlStore(engine)
    assert [(c.name, c.added_by) for c in team.creators()] == [("Ana", "a@x.io")]
    assert [link.label for link in team.links()] == ["Ana"]
    assert [(s.name, s.notes) for s in team.shortlists()] == [("Summer", {"c1": "first pick"})]
    assert [e.subject for e in team.activity()] == ["Ana"]
    assert [s.followers for s in team.snapshots("c1")] == [1_000.0, 1_100.0]
    assert [a.text for a in team.alerts()] == ["@ana: up"]
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM insights")).scalar() == 1
    engine.dispose()


def test_the_migrate_command_says_what_it_copied(postgres, tmp_path):
    DataFolderStore(tmp_path / "data" / "store").add_creator(Creator("c1", "instagram", name="Ana"))
    url = fresh_database(postgres)
    env = {"FPAPI_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "fpapi.migrate", "--from-data-dir", str(tmp_path / "data")]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert "Copied 1 creators" in first.stdout and "Copied 0 creators" in second.stdout
    assert postgres.password not in first.stdout + first.stderr
    missing = subprocess.run(
        [*command[:-1], str(tmp_path / "nowhere")], env=env, capture_output=True, text=True
    )
    assert missing.returncode == 1 and "has no store folder" in missing.stderr


def test_on_the_team_database_no_token_or_state_is_stored_logged_or_shown(
    app_env, postgres, monkeypatch, caplog
):
    """The whole connect flow on pages backed by PostgreSQL; then the database is dumped and
    read, as an attacker with a backup would."""
    caplog.set_level(logging.DEBUG)
    url = fresh_database(postgres)
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


def test_a_page_says_the_database_is_down_and_works_again_when_it_is_back(
    app_env, postgres, monkeypatch
):
    url = fresh_database(postgres)
    monkeypatch.setenv("FPAPI_DATABASE_URL", url)
    SqlStore(open_database(url)).add_creator(
        Creator("c1", "instagram", name="Ana Lima", username="ana", verified_at=1)
    )
    assert "Ana Lima" in page_text(open_page("creators"))
    postgres.stop()
    try:
        down = open_page("creators")
        assert not down.exception
        assert [e.value for e in down.error] == [UNREACHABLE]
        assert "Ana Lima" not in page_text(down)
    finally:
        postgres.start()
    back = open_page("creators")  # the same process, nothing restarted
    assert not back.exception and not back.error and "Ana Lima" in page_text(back)


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
