"""Property-based tests (hypothesis): every shape a vendor body can take either renders, with
"not available" where a value is unusable, or is refused with a sentence naming the field.

The CI profile runs a fixed number of examples from a fixed seed; HYPOTHESIS_PROFILE=long runs
many more by hand (README, Development).
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from components.loaders import SANDBOX_CACHE_LABEL
from fpapi import InvalidResponse
from fpapi.storage.cache import InsightCache
from fpapi.storage.records import Creator
from tests.apptest import INSIGHTS_SECTIONS, PAGE_RUNS, app_store, open_insights, page_text
from tests.vendor_shapes import (
    BASES,
    KNOWN_BREAKS,
    NAN_TOKEN,
    broken_bodies,
    fetch,
    run_pipeline,
)


def test_every_unbroken_base_renders():
    for name, body in BASES.items():
        assert not isinstance(run_pipeline(body), InvalidResponse), name


@given(broken_bodies())
@example(KNOWN_BREAKS[0])
@example(KNOWN_BREAKS[1])
@example(KNOWN_BREAKS[2])
@example(KNOWN_BREAKS[3])
def test_a_broken_vendor_body_renders_or_is_refused_by_name(case):
    name, body, done = case
    outcome = run_pipeline(body)
    if isinstance(outcome, InvalidResponse):  # it says what was wrong, by name
        said = str(outcome)
        assert "get_posts" in said or " (at " in said, (said, name, done)


@PAGE_RUNS
@given(broken_bodies(), st.sampled_from(list(INSIGHTS_SECTIONS)))
def test_the_insights_page_shows_a_broken_body_without_a_crash_or_nan(app_env, case, section):
    name, body, done = case
    try:
        insights = fetch(body)
    except InvalidResponse:
        return  # never cached: the page shows the refusal sentence (tests/test_faults.py)
    store = app_store(app_env)
    store.add_creator(Creator("broken-1", "instagram", name="Broken Body", verified_at=1.0))
    InsightCache(app_env / "insights", api_base_url=SANDBOX_CACHE_LABEL).put("broken-1", insights)
    at = open_insights("broken-1", section)
    assert not at.exception, (name, section, done)
    shown = page_text(at) + " ".join(f"{m.label} {m.value}" for m in at.metric)
    assert not NAN_TOKEN.search(shown), (NAN_TOKEN.search(shown), name, done)
