"""Tags, pipeline status and notes: edited on the insights page, shown and filtered on the
roster, each note with its author."""

from __future__ import annotations

from fpapi.sandbox import instagram_pool
from tests.apptest import add_to_roster, app_store, by_label, open_page, page_text

A, B = instagram_pool()[0], instagram_pool()[1]


def test_the_insights_page_edits_status_tags_and_notes(app_env):
    add_to_roster(app_env, A)
    at = open_page("insights", query={"creator": A.creator_id})
    assert "Status: **new** · no tags · 0 notes" in page_text(at)
    by_label(at.selectbox, "Status").set_value("contacted")
    by_label(at.text_input, "Tags").input("Travel, #Q3 launch")
    by_label(at.text_area, "Add a note").input("Asked for the rate card.")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    kept = app_store(app_env).relationship(A.creator_id)
    assert kept.status == "contacted" and kept.tags == ["travel", "q3 launch"]
    assert [(n["author"], n["text"]) for n in kept.notes] == [("local", "Asked for the rate card.")]
    text = page_text(at)
    assert "Status: **contacted** · #travel, #q3 launch · 1 note" in text
    assert any(t.value.endswith("· local: Asked for the rate card.") for t in at.text)


def test_the_roster_shows_and_filters_by_status_and_tag(app_env):
    add_to_roster(app_env, A, B)
    store = app_store(app_env)
    store.set_relationship(A.creator_id, tags=["travel", "q3"], status="shortlisted")
    store.set_relationship(B.creator_id, tags=["food"], status="declined")
    at = open_page("creators")
    text = page_text(at)
    assert (
        "Status: **shortlisted** · #travel, #q3" in text and "Status: **declined** · #food" in text
    )
    by_label(at.selectbox, "Status").set_value("shortlisted").run()
    assert A.name in page_text(at) and B.name not in page_text(at)
    by_label(at.selectbox, "Status").set_value("any")
    by_label(at.multiselect, "Tags").select("food").run()
    assert B.name in page_text(at) and A.name not in page_text(at)
    by_label(at.multiselect, "Tags").unselect("food")
    by_label(at.text_input, "Search by name, handle, label or tag").input("#q3").run()
    assert A.name in page_text(at) and B.name not in page_text(at)
