"""Moving a team in: ``python -m fpapi.migrate`` copies a data folder into the team database,
once."""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa

from fpapi import Insights
from fpapi.commands.migrate import copy_data_dir
from fpapi.storage.cache import InsightCache
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.database import new_engine
from fpapi.storage.records import Activity, Creator, Snapshot, StoredAlert
from fpapi.storage.sql_store import SqlStore


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
    url = postgres.fresh_database()

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
    url = postgres.fresh_database()
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
