"""The team database itself: migrations on start, outages, and a database that comes back."""

from __future__ import annotations

import logging
import threading

import pytest

from fpapi.errors import DatabaseUnavailable
from fpapi.storage.database import close_database, new_engine, open_database
from fpapi.storage.records import Creator
from fpapi.storage.sql_store import SqlStore


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
    assert (
        postgres.psql("SELECT version_num FROM alembic_version", database=url.rsplit("/", 1)[1])
        == "0007\n"
    )
    tables = postgres.psql(
        "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'",
        database=url.rsplit("/", 1)[1],
    )
    assert tables.strip() == (
        "activity,alembic_version,alerts,campaigns,creators,insights,links,relationships,"
        "shortlists,sign_outs,snapshots"
    )


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
