"""The home page's data freshness: the refresh queue's progress on the team database, and the
age of the roster's data, before and after the workers ran."""

from __future__ import annotations

from fpapi.commands import refresh as refresh_command
from fpapi.commands import seed as seed_command
from tests.helpers import wait_until_drained, workers
from tests.pages.apptest import open_page, page_text


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_home_shows_the_queued_refresh_then_its_end_and_the_data_age(
    postgres, tmp_path, monkeypatch, clean_sandbox
):
    env = {
        "FPAPI_DATABASE_URL": postgres.fresh_database(),
        "FPAPI_DATA_DIR": str(tmp_path / "data"),
        "FPAPI_BASE_URL": clean_sandbox.base_url,
        "FPAPI_TOKEN": clean_sandbox.token,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert seed_command.main(["--creators", "6"], env) == 0
    assert refresh_command.main([], env) == 0

    queued = open_page("home")
    assert not queued.exception
    shown = metrics(queued)
    assert [shown[k] for k in ("Queued", "Running", "Done", "Failed")] == ["6", "0", "0", "0"]
    text = page_text(queued)
    assert "No creator's insights have been fetched yet. 6 never fetched." in text
    assert [p.proto.text for p in queued.get("progress")] == ["Refreshing: 0 of 6 creators done."]

    with workers(env, 1):
        wait_until_drained(env)
    done = open_page("home")
    shown = metrics(done)
    assert [shown[k] for k in ("Queued", "Done", "Failed")] == ["0", "6", "0"]
    text = page_text(done)
    assert "The last refresh is done: 6 creators." in text
    assert "95% of the creators' data is at most 1 min old; the oldest is 1 min old." in text
    assert not done.get("progress")
