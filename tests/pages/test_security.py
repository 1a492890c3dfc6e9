"""Secrets stay secret, private details stay out of exports, hostile text stays text."""

from __future__ import annotations

import io
import logging
import re
import stat
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from components.compare_html import render_compare_html
from components.report_html import render_report_html
from fpapi import FirstPartyClient, Insights
from fpapi.analysis.export import to_safe_csv, to_xlsx
from fpapi.analysis.report import build_report
from fpapi.sandbox import embedded_sandbox, instagram_pool
from fpapi.storage.data_folder import DataFolderStore
from tests.apptest import (
    add_to_roster,
    make_link,
    open_page,
    page_source,
    page_text,
    stored_text,
)


def test_no_token_in_any_log_page_export_or_cache_file(app_env, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    sandbox = embedded_sandbox()
    pages = []

    # The analyst creates two links on the connect page; two creators come back.
    connect = open_page("connect")
    connect.button(key="FormSubmitter:create-link-Create verification link").click().run()
    connect.button(key="FormSubmitter:create-link-Create verification link").click().run()
    pages.append(connect)
    states = list(connect.session_state["cis.link_states"].values())  # only the analyst holds them
    verification_tokens = []
    for state, username in zip(states, ["kenji.travel0", "camila.food1"], strict=True):
        landing = sandbox.redirect_for(state, username=username)
        token = parse_qs(urlsplit(landing).query)["token"][0]
        verification_tokens.append(token)
        pages.append(open_page("callback", query={"token": token, "state": state}))
    creators = DataFolderStore(app_env / "store").creators()
    assert len(creators) == 2
    pages.append(open_page("creators"))
    for creator in creators:
        pages.append(open_page("insights", query={"creator": creator.creator_id}))
    pages.append(open_page("compare", query={"creators": ",".join(c.creator_id for c in creators)}))
    assert all(not at.exception for at in pages)

    with FirstPartyClient(sandbox.base_url, sandbox.token) as client:
        reports = {
            c.creator_id: build_report(client.get_instagram_insights(c.creator_id))
            for c in creators
        }
    exports = [to_safe_csv(r.posts) for r in reports.values()]
    exports += [
        render_report_html(r, title="x", fetched_at=time.time()).encode() for r in reports.values()
    ]
    exports.append(to_xlsx({"posts": next(iter(reports.values())).posts}))

    secrets = [sandbox.token, *verification_tokens]
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 20  # DEBUG logging really was on
    # (The URL bar is the browser test's to check: AppTest cannot run the scrubbing script.)
    shown = "\n".join(page_source(at) for at in pages)
    stored = stored_text(app_env)  # decompressed: raw bytes would hide a secret
    assert "kenji.travel0" in stored and "insights|" in stored  # the reading really works
    for secret in secrets:
        assert secret not in logged, "a token reached the logs"
        assert secret not in shown, "a token reached a page"
        assert all(secret.encode() not in blob for blob in exports), "a token reached an export"
        assert secret not in stored, "a token reached the data folder"
    for state in states:  # the store keeps a hash of each link's state, never the state
        assert state not in stored, "a link's state reached the data folder"


def test_the_data_folder_is_readable_by_its_owner_only(app_env):
    add_to_roster(app_env, *instagram_pool()[:2])
    open_page("compare", query={"creators": ",".join(a.creator_id for a in instagram_pool()[:2])})
    DataFolderStore(app_env / "store").save_shortlist(
        "x", [a.creator_id for a in instagram_pool()[:2]]
    )
    paths = [app_env, *app_env.rglob("*")]
    assert any(p.suffix == ".val" for p in paths) or len(paths) > 4
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"


def test_creator_email_and_mobile_stay_out_of_exports(vendor_insights):
    details = vendor_insights["profile_details"]
    details["email"] = "private.person@example.com"
    details["mobile"] = "+91 98765 43210"
    report = build_report(Insights.from_raw(vendor_insights))
    exports = [
        to_safe_csv(report.posts),
        render_report_html(report, title="Ratnadeep", fetched_at=time.time()).encode(),
        to_xlsx({"Comparison": report.quality, "posts": report.posts.drop(columns=["image_url"])}),
    ]
    for blob in exports:
        assert b"private.person@example.com" not in blob and b"98765 43210" not in blob


HOSTILE = next(a for a in instagram_pool() if a.kind == "hostile")
UNESCAPED = re.compile(r"(?<!\\)(<|\$|:red\[|:blue\[|\]\(javascript)")


def test_hostile_names_on_the_roster_and_in_a_comparison_stay_text(app_env):
    add_to_roster(app_env, HOSTILE, instagram_pool()[0])
    roster = open_page("creators")
    assert not UNESCAPED.search(page_source(roster, markdown_only=True))
    assert "<script>alert('name')</script>" in page_text(roster)
    compare = open_page(
        "compare", query={"creators": f"{HOSTILE.creator_id},{instagram_pool()[0].creator_id}"}
    )
    assert not compare.exception and not UNESCAPED.search(page_source(compare, markdown_only=True))
    assert HOSTILE.name in compare.table[0].value.columns  # shown as typed, as plain text
    report = build_report(
        Insights.from_raw(
            __import__("fpapi.sandbox", fromlist=["build_insights"]).build_insights(HOSTILE)
        )
    )
    page = render_compare_html(compare.table[0].value, best=set(), figures=[], title=HOSTILE.name)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;name&#x27;)" in page
    assert report.posts["caption"].str.len().max() > 100_000  # the 100 KB caption is in the data


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"token": "some-token"}, "no state"),
        ({"state": "forged"}, "no token"),
        ({"token": "t", "state": "forged"}, "not one this app created"),
    ],
    ids=["missing-state", "missing-token", "forged-state"],
)
def test_callback_addresses_that_cannot_be_trusted(app_env, query, words):
    at = open_page("callback", query=query)
    assert not at.exception and words in page_text(at)
    assert DataFolderStore(app_env / "store").creators() == []


def test_csv_injection_in_every_text_column_is_neutralised():
    import pandas as pd

    frame = pd.DataFrame(
        {"caption": ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "plain"], "likes": [1, 2, 3, 4, 5, -6]}
    )
    text = to_safe_csv(frame).decode("utf-8-sig")
    rows = list(__import__("csv").reader(io.StringIO(text)))[1:]
    assert [r[0] for r in rows] == ["'=1+1", "'+1", "'-1", "'@SUM(1)", "'\t=1", "plain"]
    assert rows[-1][1] == "-6"  # numbers stay numbers


def test_a_link_made_through_the_api_is_never_shown_with_its_state(app_env):
    sandbox = embedded_sandbox()
    with FirstPartyClient(sandbox.base_url, sandbox.token) as client:
        link = make_link(client, DataFolderStore(app_env / "store"), label="Ana")
    at = open_page("connect")
    assert link.state not in page_source(at) and "Ana" in page_text(at)
