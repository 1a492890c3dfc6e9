"""A demo roster at agency scale: ``python -m fpapi.sandbox.seed``."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from fpapi.commands.seed import DAYS_BACK, main, seeded_creators
from fpapi.sandbox import Knobs
from fpapi.storage.records import RosterQuery
from tests.helpers import app_store


def test_seeding_puts_n_varied_creators_on_the_data_folders_roster_once(app_env, capsys):
    assert main(["--creators", "300"]) == 0
    assert "Added 300 demo creators" in capsys.readouterr().out
    store = app_store(app_env)
    counts = store.roster_counts()
    assert counts.total == 300
    assert set(counts.by_status) == {"new", "shortlisted", "contacted", "contracted", "declined"}
    assert counts.by_status["new"] > counts.by_status["declined"] > 0
    assert len(counts.tags) >= 5
    roster = store.roster_page(RosterQuery(per_page=300)).creators
    tiers = Counter(c.label.split(" · ")[0] for c in roster)
    assert set(tiers) == {"Nano", "Micro", "Mid", "Macro", "Mega"}  # every tier, from the sandbox
    ages = [(time.time() - c.verified_at) / 86_400 for c in roster]
    assert 0 <= min(ages) < 10 and DAYS_BACK - 10 < max(ages) <= DAYS_BACK
    assert len({c.username for c in roster}) == 300
    store.close()

    assert main(["--creators", "310"]) == 0  # again, larger: only the missing ones
    assert "Added 10 demo creators" in capsys.readouterr().out
    assert app_store(app_env).roster_counts().total == 310


def test_seeding_the_team_database(app_env, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("FPAPI_DATABASE_URL", f"sqlite:///{tmp_path / 'team.db'}")
    assert main(["--creators", "25"]) == 0
    assert "in the team database" in capsys.readouterr().out
    assert not (app_env / "store").exists()  # nothing went to the data folder
    monkeypatch.delenv("FPAPI_DATABASE_URL")


@pytest.mark.parametrize("count", ["0", "10001"])
def test_a_count_out_of_range_is_a_sentence(app_env, capsys, count):
    assert main(["--creators", count]) == 2
    assert "from 1 to 10,000" in capsys.readouterr().err


def test_seeding_leaves_a_creator_already_on_the_roster_as_they_were(app_env):
    found = seeded_creators(40, now=time.time())
    tagged = [(creator, relationship) for creator, relationship in found if relationship]
    creator, _ = next((c, r) for c, r in tagged if r.tags and r.status != "new")
    store = app_store(app_env)
    store.add_creator(creator)  # verified by an analyst before, never tagged
    assert main(["--creators", "40"]) == 0
    kept = app_store(app_env).relationship(creator.creator_id)
    assert kept.tags == [] and kept.status == "new"
    assert app_store(app_env).roster_counts().total == 40


def test_seeding_with_fetch_puts_followers_on_every_seeded_creator(app_env, clean_sandbox, capsys):
    assert main(["--creators", "30", "--fetch"]) == 0
    assert "Fetched the headline numbers of 30 creators" in capsys.readouterr().out
    store = app_store(app_env)
    by_followers = store.roster_page(RosterQuery(sort="followers", per_page=30)).creators
    history = store.latest_snapshots(
        per_creator=2, creator_ids=[c.creator_id for c in by_followers]
    )
    followers = [history[c.creator_id][-1].followers for c in by_followers]
    assert len(followers) == 30 and None not in followers
    assert followers == sorted(followers, reverse=True)
    store.close()

    def insight_calls() -> int:
        return sum(clean_sandbox.calls[f"insights:{c.creator_id}"] for c in by_followers)

    before = insight_calls()
    assert main(["--creators", "30", "--fetch"]) == 0  # again: fresh copies, no call
    assert insight_calls() == before


def test_seeding_with_fetch_names_the_fetches_that_failed(app_env, clean_sandbox, capsys):
    clean_sandbox.knobs = Knobs(garbage="html")  # insight calls answer an HTML page
    assert main(["--creators", "5", "--fetch"]) == 1
    out, err = capsys.readouterr()
    assert "Added 5 demo creators" in out
    assert "The insights of 5 creators could not be fetched (" in err
    assert "they are on the roster" in err and "Traceback" not in err
    assert app_store(app_env).roster_counts().total == 5
