"""Contact details stay out of every export: plain, and hidden the usual ways, in bios,
captions and names; ordinary text is left exactly as it was."""

from __future__ import annotations

import io
import time
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from components.exports import campaign_report
from components.exports.compare_html import render_compare_html
from components.exports.report_html import render_report_html
from fpapi import Insights
from fpapi.analysis.campaigns import CampaignSpec, build_campaign_report
from fpapi.analysis.export import EMAIL_MARK, PHONE_MARK, redact_contacts, to_safe_csv, to_xlsx
from fpapi.analysis.report import build_report

HIDDEN_EMAILS = [
    "ana@agency.test",
    "bo\uff20agency\uff0etest",  # full-width @ and .
    "cy\u200b@agency.test",  # a zero-width space before @
    "di@agency\u2060.test",  # a word joiner before the dot
    "ed [at] agency [dot] test",
    "fi (at) agency (dot) test",
    "gu at agency dot test",
    "HA [AT] AGENCY [DOT] TEST",
    "io\ufe6bagency.test",  # the small commercial at
]
HIDDEN_PHONES = [
    "+44 20 7946 0958",
    "\uff0b\uff14\uff14 \uff12\uff10 \uff17\uff19\uff14\uff16 \uff10\uff19\uff15\uff18",  # full-width
    "+44\u200b20 7946\u200b0958",
]
ORDINARY = [
    "meet at the cafe",
    "Meet at the cafe dot com launch, 10:00 at the studio",
    "Founder at brand.co and creator at heart",
    "polka dot dress, dot matrix (dot) art",
    "we are at home [at] last",
    "family \U0001f468\u200d\U0001f469\u200d\U0001f467 and \U0001f44d\U0001f3fd",  # joiners kept
    "\uff26\uff55\uff4c\uff4c width and caf\u00e9 and \ufb01ne",
    "2026-01-26 at 18:00, 12,345 views, 1.5M followers, #tiranga\U0001f1ee\U0001f1f3",
    "bidi \u202etext\u202c stays",
]


@pytest.mark.parametrize("hidden", HIDDEN_EMAILS, ids=ascii)
def test_an_email_address_is_redacted_however_it_is_spelt(hidden):
    assert redact_contacts(f"Collabs: {hidden} \U0001f334") == f"Collabs: {EMAIL_MARK} \U0001f334"


@pytest.mark.parametrize("hidden", HIDDEN_PHONES, ids=ascii)
def test_a_phone_number_is_redacted_however_it_is_spelt(hidden):
    assert redact_contacts(f"WhatsApp {hidden} today") == f"WhatsApp {PHONE_MARK} today"


@pytest.mark.parametrize("text", ORDINARY, ids=ascii)
def test_ordinary_text_is_left_exactly_as_it_was(text):
    assert redact_contacts(text) == text


def test_only_the_contact_is_replaced_in_mixed_text():
    text = "Caf\u00e9 \U0001f44b\U0001f3fd DM ana\uff20agency\uff0etest or +44 20 7946 0958 at 9"
    assert (
        redact_contacts(text)
        == f"Caf\u00e9 \U0001f44b\U0001f3fd DM {EMAIL_MARK} or {PHONE_MARK} at 9"
    )


CONTACTS = " / ".join([*HIDDEN_EMAILS, *HIDDEN_PHONES])
LEAKS = ("agency", "AGENCY", "7946 0958", "7946\u200b0958", "\uff17\uff19\uff14\uff16 \uff10")


def leaked(text: str) -> list[str]:
    return [piece for piece in LEAKS if piece in text]


def xlsx_text(blob: bytes) -> str:
    sheets = pd.read_excel(io.BytesIO(blob), sheet_name=None, header=None)
    return "\n".join(frame.to_csv(index=False) for frame in sheets.values())


def test_the_html_report_and_the_post_exports_redact_bios_and_captions(vendor_insights):
    vendor_insights["profile_details"]["biography"] = f"Bookings: {CONTACTS}"
    for posts in vendor_insights["get_posts"].values():
        for post in posts:
            post["caption"] = f"Bookings: {CONTACTS} #ad"
    report = build_report(Insights.from_raw(vendor_insights))
    page = render_report_html(report, title="Ratnadeep", fetched_at=time.time())
    assert page.count(EMAIL_MARK) >= 2 and PHONE_MARK in page  # the bio and the captions
    csv = to_safe_csv(report.posts).decode("utf-8-sig")
    xlsx = xlsx_text(to_xlsx({"posts": report.posts.drop(columns=["image_url"])}))
    for text in (page, csv, xlsx):
        assert EMAIL_MARK in text and not leaked(text)


def test_the_compare_html_redacts_its_cells():
    table = pd.DataFrame({f"Ana {CONTACTS}": [f"bio {CONTACTS}"]}, index=["Bio"])
    page = render_compare_html(table, best=set(), figures=[], title="Compare")
    assert EMAIL_MARK in page and PHONE_MARK in page and not leaked(page)


def test_the_campaign_exports_redact_captions_and_names():
    at = int(datetime(2026, 5, 12, 12, tzinfo=UTC).timestamp())
    post = {"shortcode": "caption01", "posted_at": at, "hashtags": ["drop"], "video": True,
            "caption": f"#drop DM {CONTACTS}", "views": 1000, "likes_count": 90, "er": 5.0}  # fmt: skip
    body = {"get_posts": {"video_posts": [post], "non_video_posts": []}}
    report = build_report(Insights.from_raw(body))
    spec = CampaignSpec(name="Drop", creator_ids=("c1",), hashtags=("drop",), mentions=(),
                        start=date(2026, 5, 1), end=date(2026, 5, 31))  # fmt: skip
    result = build_campaign_report(spec, {"c1": report}, {"c1": (f"Ana {CONTACTS}", None)}, {})
    page = campaign_report.to_html(result, {}, brand="", colour="#336699", now=time.time())
    csv = campaign_report.to_csv(result).decode("utf-8-sig")
    xlsx = xlsx_text(campaign_report.to_workbook(result))
    for text in (page, csv, xlsx):
        assert EMAIL_MARK in text and not leaked(text)


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


def test_csv_injection_in_every_text_column_is_neutralised():
    import pandas as pd

    frame = pd.DataFrame(
        {"caption": ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "plain"], "likes": [1, 2, 3, 4, 5, -6]}
    )
    text = to_safe_csv(frame).decode("utf-8-sig")
    rows = list(__import__("csv").reader(io.StringIO(text)))[1:]
    assert [r[0] for r in rows] == ["'=1+1", "'+1", "'-1", "'@SUM(1)", "'\t=1", "plain"]
    assert rows[-1][1] == "-6"  # numbers stay numbers


def test_xlsx_headers_and_sheet_names_are_redacted_too():
    """A creator's name becomes a column header (compare) or a sheet name: an address or a
    phone number in it is redacted there as in the cells and in the CSV."""
    import pandas as pd

    named = pd.DataFrame({"Ana ana@brand.test": [1.0], "metric": ["ER"]})
    book = to_xlsx({"Bo +44 20 7946 0958": named})
    text = xlsx_text(book)
    [sheet] = pd.ExcelFile(io.BytesIO(book)).sheet_names
    assert "ana@brand.test" not in text and "7946" not in sheet
    assert EMAIL_MARK in text and sheet.startswith("Bo ")
