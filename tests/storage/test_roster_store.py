"""A page of the roster, searched, filtered, sorted and counted in the database: on the data
folder's SQLite file, the team database on SQLite, and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from fpapi.commands.seed import seeded_creators
from fpapi.storage.records import Creator, RosterQuery, Snapshot
from tests.backends import Backend

DAY = 86_400.0
NOW = 1_000 * DAY


@pytest.fixture
def store(backend, clock):
    clock.now = NOW
    store = backend.store(clock=clock)
    people = [
        # id, name, handle, label, days since verified, followers, ER, tags, status
        ("c1", "Ana Souza", "ana.travel", "", 5, 12_000, 3.1, ["travel"], "shortlisted"),
        ("c2", "Lucía Larsen", "lucia.eats", "Q3 pitch", 70, 55_000, 1.2, ["food", "café"], None),
        ("c3", "Bo Chen", "bo_chen", "", 90, None, None, [], "contacted"),
        ("c4", "ÅSA Berg", "asa_b", "", 20, 900, 6.5, ["travel", "food"], "new"),
        ("c5", "", "no.name", "from the fair", 1, 12_000, 2.0, [], None),
    ]
    for n, (cid, name, handle, label, days, followers, er, tags, status) in enumerate(people):
        store.add_creator(Creator(cid, "instagram" if cid != "c3" else "tiktok", name=name or None,
                                  username=handle, label=label, verified_at=NOW - days * DAY,
                                  added_at=NOW - days * DAY + n))  # fmt: skip
        if followers is not None:
            store.add_snapshot(Snapshot(cid, NOW - 1_000 + n, followers=followers,
                                        engagement_rate=er))  # fmt: skip
        if tags or status:
            store.set_relationship(cid, tags=tags, status=status)
    return store


def ids(page) -> list[str]:
    return [c.creator_id for c in page.creators]


def test_search_finds_names_handles_labels_and_tags_whatever_the_case_or_accents(store):
    assert ids(store.roster_page(RosterQuery(text="LUCÍA"))) == ["c2"]
    assert ids(store.roster_page(RosterQuery(text="lucia"))) == ["c2"]
    assert ids(store.roster_page(RosterQuery(text="åsa", sort="name"))) == ["c4"]
    assert ids(store.roster_page(RosterQuery(text="@ana.trav"))) == ["c1"]
    assert ids(store.roster_page(RosterQuery(text="q3 PITCH"))) == ["c2"]
    assert ids(store.roster_page(RosterQuery(text="#café"))) == ["c2"]  # a tag
    assert ids(store.roster_page(RosterQuery(text="travel", sort="name"))) == ["c1", "c4"]
    assert ids(store.roster_page(RosterQuery(text="100%_"))) == []  # LIKE's wildcards are text
    nobody = store.roster_page(RosterQuery(text="zzz"))
    assert (nobody.matched, nobody.pages, nobody.page) == (0, 1, 1)


def test_filters_by_status_tags_connector_and_consent_age(store):
    assert ids(store.roster_page(RosterQuery(status="shortlisted"))) == ["c1"]
    # "new" is also a creator nobody has given a status yet
    assert set(ids(store.roster_page(RosterQuery(status="new")))) == {"c2", "c4", "c5"}
    assert ids(store.roster_page(RosterQuery(tags=("travel", "food")))) == ["c4"]
    assert ids(store.roster_page(RosterQuery(tags=("trav",)))) == []  # a whole tag only
    assert ids(store.roster_page(RosterQuery(connector="tiktok"))) == ["c3"]
    lapsing = RosterQuery(verified_before=NOW - 60 * DAY, sort="name")
    assert ids(store.roster_page(lapsing)) == ["c3", "c2"]
    assert set(ids(store.roster_page(RosterQuery(verified_since=NOW - 60 * DAY)))) == {
        "c1", "c4", "c5",
    }  # fmt: skip


def test_every_sort_with_creators_never_fetched_last_and_ties_in_a_fixed_order(store):
    def by(sort: str) -> list[str]:
        return ids(store.roster_page(RosterQuery(sort=sort)))

    assert by("date added") == ["c5", "c1", "c4", "c2", "c3"]
    assert by("name") == ["c1", "c4", "c3", "c2", "c5"]  # Ana, ÅSA, Bo, Lucía, no.name
    assert by("followers") == ["c2", "c1", "c5", "c4", "c3"]  # c1 and c5 tie: by id
    assert by("engagement rate") == ["c4", "c1", "c5", "c2", "c3"]
    assert by("last fetched")[-1] == "c3"
    assert by("oldest data") == ["c3", "c1", "c2", "c4", "c5"]  # never fetched, then the oldest


def test_pages_hold_per_page_rows_and_a_page_past_the_end_shows_the_last(store):
    first = store.roster_page(RosterQuery(sort="name", per_page=2))
    assert (ids(first), first.matched, first.pages, first.page) == (["c1", "c4"], 5, 3, 1)
    assert ids(store.roster_page(RosterQuery(sort="name", per_page=2, page=2))) == ["c3", "c2"]
    last = store.roster_page(RosterQuery(sort="name", per_page=2, page=99))
    assert (ids(last), last.page) == (["c5"], 3)
    assert first.relationships["c1"].status == "shortlisted"
    assert "c5" not in store.roster_page(RosterQuery(text="no.name")).relationships


def test_the_newest_fetch_sorts_the_roster_and_survives_a_re_verification(store, clock):
    store.add_snapshot(Snapshot("c3", NOW, followers=80_000, engagement_rate=9.9))
    store.add_snapshot(Snapshot("c2", NOW - 5 * DAY, followers=1, engagement_rate=0.1))  # older
    assert ids(store.roster_page(RosterQuery(sort="followers")))[:2] == ["c3", "c2"]
    store.add_creator(Creator("c3", "tiktok", name="Bo Chen", verified_at=NOW))
    assert ids(store.roster_page(RosterQuery(sort="engagement rate")))[0] == "c3"
    assert ids(store.roster_page(RosterQuery(sort="last fetched")))[0] == "c3"


def test_a_comparisons_fetches_are_kept_together_each_creator_sorted_by_its_newest(store):
    """Several fetches in one write (a compare page's twelve): each creator's row takes its
    own newest numbers, an older one among them changes nothing, and a repeat is one row."""
    store.add_snapshots([
        Snapshot("c3", NOW, followers=80_000, engagement_rate=9.9),
        Snapshot("c2", NOW + 1, followers=90_000, engagement_rate=0.5),
        Snapshot("c2", NOW - 5 * DAY, followers=1, engagement_rate=0.1),  # older: ignored
        Snapshot("c3", NOW, followers=80_000, engagement_rate=9.9),  # the same fetch again
    ])  # fmt: skip
    assert ids(store.roster_page(RosterQuery(sort="followers")))[:2] == ["c2", "c3"]
    assert ids(store.roster_page(RosterQuery(sort="engagement rate")))[0] == "c3"
    assert [s.fetched_at for s in store.snapshots("c3")] == [NOW]
    assert len(store.snapshots("c2")) == 3  # the fixture's, the older one, the newest
    store.add_snapshots([])  # nothing to keep: no write, no error


def test_counts_by_status_and_connector_and_every_tag(store):
    counts = store.roster_counts()
    assert counts.total == 5
    assert counts.by_status == {"shortlisted": 1, "contacted": 1, "new": 3}
    assert counts.by_connector == {"instagram": 4, "tiktok": 1}
    assert counts.tags == ["café", "food", "travel"]
    store.remove_creator("c2")
    assert store.roster_counts().tags == ["food", "travel"]  # only creators on the roster


def test_renamed_tags_and_names_are_found_by_their_new_text(store):
    store.set_relationship("c1", tags=["Beach"])
    assert ids(store.roster_page(RosterQuery(tags=("beach",)))) == ["c1"]
    assert ids(store.roster_page(RosterQuery(tags=("travel",)))) == ["c4"]
    store.add_creator(Creator("c5", "instagram", name="Zoë Field", username="no.name"))
    assert ids(store.roster_page(RosterQuery(text="zoë"))) == ["c5"]


def test_pickers_find_creators_as_the_analyst_types(store):
    assert [c.creator_id for c in store.find_creators("")] == ["c1", "c4", "c3", "c2", "c5"]
    assert [c.creator_id for c in store.find_creators("l")] == ["c1", "c2"]  # travel, Lucía
    assert [c.creator_id for c in store.find_creators("FAIR")] == ["c5"]  # its label
    assert [c.creator_id for c in store.find_creators("", connector="tiktok")] == ["c3"]
    assert len(store.find_creators("", limit=2)) == 2
    assert [c.creator_id for c in store.get_creators(["c4", "gone", "c1"])] == ["c4", "c1"]


def test_a_roster_added_in_bulk_is_planned_for_its_size_at_once(postgres, tmp_path):
    """Right after a thousand creators are seeded, PostgreSQL plans the roster's search and
    counts for a thousand rows, not for the empty table it last saw: a search took 50 ms and
    the counts 40 ms until autovacuum analysed the tables a minute or more later, 4 ms after
    (benchmarks/roster_page.py)."""
    team = Backend.make("postgresql", tmp_path, postgres)
    try:
        store = team.store()
        assert store.add_new_creators(seeded_creators(1_000, now=NOW)) == 1_000
        with team.engine().connect() as connection:
            planned = dict(
                connection.execute(
                    sa.text(
                        "SELECT relname, reltuples FROM pg_class"
                        " WHERE relname IN ('creators', 'relationships')"
                    )
                ).all()
            )
        assert planned["creators"] >= 1_000 and planned["relationships"] > 0
        assert store.roster_page(RosterQuery(text="lucia")).matched > 0
    finally:
        team.close()
