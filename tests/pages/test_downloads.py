"""Downloads within a session are bounded: a file pressed again is the same file, and a
session holds at most ten."""

from __future__ import annotations

import streamlit as st

from components.frame.downloads import MAX_HELD, Downloads
from fpapi.sandbox import instagram_pool
from tests.helpers import add_to_roster
from tests.pages.apptest import open_page


def test_a_file_pressed_again_is_built_once_and_only_ten_are_held():
    held = Downloads()
    builds: list[int] = []

    def build(number: int):
        return lambda: builds.append(number) or f"file {number}".encode()

    assert {held.file("report", build(0)) for _ in range(30)} == {b"file 0"}
    assert builds == [0]
    for number in range(1, 31):
        held.file(number, build(number))
    assert len(held) == MAX_HELD == 10
    held.file(1, build(1))  # evicted: built again when pressed again
    assert builds.count(1) == 2


def test_thirty_presses_of_a_report_hold_one_file(app_env, monkeypatch):
    """The insights page's full report, pressed thirty times without a rerun (the button does
    not rerun the page), is built once and handed over as the same bytes."""
    makers = {}
    draw = st.download_button

    def capture(label, *args, data=None, **kwargs):
        makers[label] = data
        return draw(label, *args, data=data, **kwargs)

    monkeypatch.setattr(st, "download_button", capture)
    account = instagram_pool()[0]
    add_to_roster(app_env, account)
    open_page("insights", query={"creator": account.creator_id, "section": "share"})
    [report] = [make for label, make in makers.items() if "full report" in label]
    files = [report() for _ in range(30)]
    assert len({id(f) for f in files}) == 1 and files[0].startswith("<!doctype html>")
