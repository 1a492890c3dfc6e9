"""Every page under AppTest: it runs without an exception and says what it is for."""

from __future__ import annotations

import pytest

from tests.apptest import PAGES, open_page, page_text


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_runs_without_an_exception(app_env, name):
    at = open_page(name)
    assert not at.exception, at.exception
    assert at.title, f"{name} has no title"


def test_home_walks_a_first_time_analyst_to_the_next_step(app_env):
    at = open_page("home")
    text = page_text(at)
    assert "Creator Insights Studio" in text
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    assert links["Create a verification link"] == "connect"
    assert any(m.label == "Creators on the roster" and m.value == "0" for m in at.metric)


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
