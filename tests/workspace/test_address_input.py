"""Property-based tests (hypothesis) of what an analyst types or links to, driven through the
pages with AppTest: any text in the paste-back field, any query string on /insights and
/compare, any quoted fee, any shortlist name. Never an exception; where the input is refused,
a sentence says why.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from fpapi.sandbox import instagram_pool
from tests.apptest import (
    INSIGHTS_SECTIONS,
    PAGE_RUNS,
    add_to_roster,
    app_store,
    by_label,
    open_page,
    page_text,
)

ACCOUNTS = instagram_pool()[:3]

ODD_TEXT = st.sampled_from(
    [
        "", " ", "%", "%%41", "%FF%FE", "token=%00&state=%0A", "?token=&state=",
        "http://localhost:8501/callback?token=%E2%82&state=%C0%AF",
        "http://localhost:8501/callback?token=a&token=b&state=c&state=d",
        "http://[::1", "http://localhost:99999/callback?token=x", "javascript:alert(1)",
        "<script>alert(1)</script>", "**bold** [link](http://evil.example)", "\u202egnp.exe",
        "a" * 100_000, "🙂" * 2_000, "\x00\x01\x02", "null", "None", "undefined",
    ]
)  # fmt: skip
ANY_TEXT = ODD_TEXT | st.text(max_size=300) | st.from_regex(r"https?://[\w.:@%\[\]/?=&#-]{0,80}")


def sentences(at) -> str:
    """What the page says to the analyst in its alerts."""
    return " ".join(
        str(a.value) for kind in (at.error, at.warning, at.info, at.success) for a in kind
    )


@PAGE_RUNS
@given(text=ANY_TEXT)
def test_any_paste_back_text_gets_a_sentence_and_verifies_no_one(app_env, text):
    at = open_page("connect")
    by_label(at.text_input, "Paste the").input(text)
    at.button(key="FormSubmitter:paste-token-Verify creator").click().run()
    assert not at.exception
    assert sentences(at).strip(), "nothing told the analyst what happened"
    assert app_store(app_env).creators() == []


QUERY_VALUE = ANY_TEXT | st.lists(ANY_TEXT, min_size=2, max_size=3)
KNOWN = st.sampled_from([a.creator_id for a in ACCOUNTS])


@PAGE_RUNS
@given(
    creator=QUERY_VALUE | KNOWN,
    extra=st.dictionaries(
        st.text(min_size=1, max_size=20) | st.just("section"),
        QUERY_VALUE | st.sampled_from(list(INSIGHTS_SECTIONS)),
        max_size=3,
    ),
)
def test_any_query_string_on_insights_is_a_page_not_a_crash(app_env, creator, extra):
    add_to_roster(app_env, *ACCOUNTS)
    at = open_page("insights", query={**extra, "creator": creator})
    assert not at.exception
    assert [t.value for t in at.title] == ["Insights"]
    shown = page_text(at)
    assert "<script>" not in shown or "&lt;script&gt;" in shown or "\\<script" in shown


@PAGE_RUNS
@given(
    creators=st.lists(KNOWN | ANY_TEXT, max_size=14).map(",".join) | QUERY_VALUE,
    shortlist=st.none() | ANY_TEXT,
)
def test_any_query_string_on_compare_is_a_page_not_a_crash(app_env, creators, shortlist):
    add_to_roster(app_env, *ACCOUNTS)
    query = {"creators": creators, **({"shortlist": shortlist} if shortlist is not None else {})}
    at = open_page("compare", query=query)
    assert not at.exception
    assert [t.value for t in at.title] == ["Compare creators"]


@PAGE_RUNS
@given(
    fee=st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, -1.0, 0.004, 1e9, 1e9 + 1, 1e308, 5e-324])
)
def test_any_quoted_fee_is_priced_or_refused_with_a_sentence(app_env, fee):
    add_to_roster(app_env, *ACCOUNTS[:2])
    at = open_page("compare", query={"creators": ",".join(a.creator_id for a in ACCOUNTS[:2])})
    next(n for n in at.number_input if n.label == "Fee").set_value(fee).run()
    assert not at.exception
    rows = set(at.table[0].value.index)
    refused = "A fee must be" in sentences(at)
    assert refused != ("Quoted fee" in rows), (fee, rows)
    assert refused or (math.isfinite(fee) and fee > 0)


@PAGE_RUNS
@given(name=ANY_TEXT)
def test_any_shortlist_name_is_saved_or_refused_with_a_sentence(app_env, name):
    add_to_roster(app_env, *ACCOUNTS[:2])
    at = open_page("compare", query={"creators": ",".join(a.creator_id for a in ACCOUNTS[:2])})
    by_label(at.text_input, "Shortlist name").input(name)
    next(b for b in at.button if b.label == "Save shortlist").click().run()
    assert not at.exception
    said = sentences(at)
    saved = {s.name for s in app_store(app_env).shortlists()}
    tidy = " ".join(name.split())
    if tidy and len(tidy) <= 80:
        assert tidy in saved and "Saved the shortlist" in page_text(at), said
    else:
        assert tidy not in saved and ("Give the shortlist a name" in said or "under 80" in said), (
            said
        )
