"""The team database itself: migrations on start, outages, and a database that comes back."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from fpapi.errors import DatabaseUnavailable, StoreError
from fpapi.storage.database import (
    BASELINE_REVISION,
    MIGRATIONS_DIR,
    close_database,
    metadata,
    new_engine,
    open_database,
)
from fpapi.storage.records import Creator
from fpapi.storage.sql_cache import SqlShelf
from fpapi.storage.sql_store import SqlStore
from tests.helpers import plain_engine


def test_replicas_starting_at_once_migrate_once(postgres):
    url = postgres.fresh_database()
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
    database = url.rsplit("/", 1)[1]
    assert postgres.psql("SELECT version_num FROM alembic_version", database=database) == (
        f"{ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()}\n"
    )
    tables = postgres.psql(
        "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
        database=database,
    )
    assert tables.strip() == (
        "activity,alembic_version,alerts,campaigns,creators,deletions,insights,last_workspaces,"
        "links,members,relationships,shares,shortlists,sign_outs,snapshots,vendor_budget,workspaces"
    )


FROZEN_SCHEMA = Path(__file__).parents[1] / "fixtures" / "schema_0010.sql"


OLD_BODY_KEY = ("https://vendor.example/v1", "instagram", "c1")
OLD_BODY = {"profile_overview": {"handle": "ana", "full_name": "Aña Müller"}, "posts": [1, 2.5]}


def at_revision(url: str, revision: str, *, backend: str) -> None:
    """A database as a released version left it: the frozen 0010 schema (squashed revisions'
    end), stamped at ``revision``, with one creator on the roster."""
    engine = plain_engine(url)
    lines = FROZEN_SCHEMA.read_text().splitlines()
    ddl = "\n".join(line for line in lines if not line.startswith("--"))
    if backend == "sqlite":
        ddl = ddl.replace(" JSONB ", " JSON ")
    with engine.begin() as connection:
        for statement in filter(str.strip, ddl.split(";")):
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": revision})
        connection.execute(
            sa.text(
                "INSERT INTO creators (creator_id, connector, name, verified_at, extra, added_at)"
                " VALUES ('c1', 'instagram', 'Ana', 1, '{}', 1)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO insights (api, connector, creator_id, fetched_at, body)"
                " VALUES (:api, 'instagram', 'c1', 1, :body)"
            ),
            {"api": OLD_BODY_KEY[0], "body": json.dumps(OLD_BODY)},
        )
    engine.dispose()


def _url(backend: str, postgres, tmp_path) -> str:
    return postgres.fresh_database() if backend == "postgres" else f"sqlite:///{tmp_path}/t.db"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_database_at_the_baseline_migrates_to_the_schema_the_code_queries(
    backend, postgres, tmp_path
):
    """Alembic's comparison of a database released at 0010, brought up to date by the
    migrations since, with the tables the store queries: a column, key or index the code
    expects but no migration made would fail only in use, on every team's database."""
    url = _url(backend, postgres, tmp_path)
    at_revision(url, BASELINE_REVISION, backend=backend)
    engine = new_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, metadata)
            assert (
                context.get_current_revision()
                == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
            )
        assert [c.name for c in SqlStore(engine).creators()] == ["Ana"]
        assert SqlShelf(engine).read(OLD_BODY_KEY) == {"fetched_at": 1.0, "raw": OLD_BODY}
    finally:
        engine.dispose()
    assert [d for d in differences if not _type_variant_only(d)] == []


@pytest.mark.parametrize("made", ["new", "migrated from 0010"])
def test_insight_bodies_are_json_text_compressed_with_lz4(made, postgres):
    """The cached bodies' column as revision 0012 leaves it, whether the database was made new
    or brought up from 0010 with a body in it: json (not jsonb), compressed with lz4 (Debian's
    PostgreSQL 15 has it)."""
    url = postgres.fresh_database()
    if made != "new":
        at_revision(url, BASELINE_REVISION, backend="postgres")
    engine = new_engine(url)
    try:
        with engine.connect() as connection:
            kind, compression = connection.execute(
                sa.text(
                    "SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
                    "WHERE attrelid = 'insights'::regclass AND attname = 'body'"
                )
            ).one()
    finally:
        engine.dispose()
    assert (kind, compression) == ("json", "l")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize(
    ("revision", "said"),
    [
        ("0007", "older version of the app (schema '0007')"),  # squashed: open it as of ee12a55
        ("0099", "revision '0099', which this version of the app does not know"),  # newer
    ],
)
def test_a_database_at_a_revision_this_version_cannot_update_is_refused_and_left_as_it_was(
    backend, revision, said, postgres, tmp_path
):
    url = _url(backend, postgres, tmp_path)
    at_revision(url, revision, backend=backend)
    with pytest.raises(StoreError) as refused:
        new_engine(url)
    assert said in str(refused.value) and "Nothing was changed." in str(refused.value)
    engine = plain_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [
            (revision,)
        ]
        assert connection.execute(sa.text("SELECT name FROM creators")).all() == [("Ana",)]
    engine.dispose()


def _type_variant_only(difference) -> bool:
    """JSON read back as JSONB (or TEXT on SQLite) is the same column."""
    return isinstance(difference, list) and all(d[0] == "modify_type" for d in difference)


def test_migrating_again_keeps_every_row(postgres):
    url = postgres.fresh_database()
    engine = new_engine(url)
    SqlStore(engine).add_creator(Creator("c1", "instagram", name="Ana", verified_at=1))
    engine.dispose()
    again = new_engine(url)
    assert [c.name for c in SqlStore(again).creators()] == ["Ana"]
    again.dispose()


def test_a_stopped_database_is_one_sentence_and_the_store_recovers_by_itself(postgres, caplog):
    url = postgres.fresh_database()
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


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_body_json_has_no_word_for_is_cached_with_null_in_its_place(backend, postgres, tmp_path):
    """NaN, infinities and an integer beyond 64 bits (a vendor's ugly body, as the client reads
    it): kept, with null where JSON has no word for the value, never a failed write."""
    engine = new_engine(_url(backend, postgres, tmp_path))
    body = {"followers": 10**20, "rate": float("nan"), "reach": [float("inf"), 3.5]}
    try:
        SqlShelf(engine).write(OLD_BODY_KEY, 5.0, body, None)
        kept = SqlShelf(engine).read(OLD_BODY_KEY)
    finally:
        engine.dispose()
    assert kept is not None
    assert kept["raw"]["rate"] is None and kept["raw"]["reach"] == [None, 3.5]
    assert kept["raw"]["followers"] == 10**20


def test_a_lock_whose_connection_the_database_ended_lets_the_finished_work_stand(postgres, caplog):
    """The database restarted while a creator's fetch held its lock: the fetch is done and
    stored elsewhere, so the lock's transaction failing to end is a warning, not an error that
    reached the page (or a traceback in a replica's log)."""
    engine = open_database(postgres.migrated_database())
    try:
        shelf = SqlShelf(engine)
        with caplog.at_level(logging.WARNING), shelf.exclusive([("api", "instagram", "c-1")]):
            postgres.admin().execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            )
        assert "locks ended with their connection" in caplog.text
        with shelf.exclusive([("api", "instagram", "c-1")]):  # and the lock can be taken again
            pass
        with pytest.raises(RuntimeError), shelf.exclusive([("api", "instagram", "c-2")]):
            raise RuntimeError("the work itself failed")  # still the caller's to see
    finally:
        engine.dispose()
