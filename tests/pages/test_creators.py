"""The roster at size: pages of 50, and every filter and the page held in the address."""

from __future__ import annotations

import time

from fpapi.storage.records import Creator
from tests.apptest import app_store, by_label, open_page, page_text


def fill_roster(data_dir, count: int) -> None:
    store = app_store(data_dir)
    now = time.time()
    for i in range(count):
        store.add_creator(Creator(f"demo-{i:04d}", "instagram", name=f"Demo Creator {i:04d}",
                                  username=f"demo.{i:04d}", verified_at=now - i))  # fmt: skip
    store.set_relationship("demo-0007", tags=["travel"], status="shortlisted")
    store.close()


def names(at) -> list[str]:
    """The creators shown, in order: each row's first line (its checkbox while selecting)."""
    lines = [box.label for box in at.checkbox if box.key.startswith("pick-")] or [
        m.value for m in at.markdown if m.value.startswith("**")
    ]
    return [line.split("**")[1] for line in lines]


def start_selecting(at) -> None:
    next(t for t in at.toggle if t.label == "Select creators").set_value(True).run()


def test_a_large_roster_is_paged_with_the_page_in_the_address(app_env):
    fill_roster(app_env, 120)
    at = open_page("creators")
    assert "Showing 50 of 120 matching creators, page 1 of 3." in page_text(at)
    assert names(at)[0] == "Demo Creator 0000" and len(names(at)) == 50
    by_label(at.number_input, "Page (of 3, 50 creators a page)").set_value(3).run()
    assert len(names(at)) == 20 and names(at)[-1] == "Demo Creator 0119"
    shared = open_page("creators", query={"page": "3"})  # the address opens that page
    assert names(shared) == names(at)


def test_filters_come_from_a_shared_address_and_a_new_search_starts_on_page_one(app_env):
    fill_roster(app_env, 120)
    at = open_page("creators", query={"q": "Creator 00", "page": "2"})
    assert "Showing 50 of 100 matching creators, page 2 of 2." in page_text(at)
    assert names(at)[0] == "Demo Creator 0050"
    by_label(at.text_input, "Search by name, handle, label or tag").input("demo").run()
    assert "Showing 50 of 120 matching creators, page 1 of 3." in page_text(at)  # back to page 1
    by_label(at.text_input, "Search by name, handle, label or tag").input("#travel").run()
    assert names(at) == ["Demo Creator 0007"] and not at.number_input  # one page: no pager
    at = open_page("creators", query={"status": "shortlisted"})
    assert names(at) == ["Demo Creator 0007"]


def test_a_newcomer_adds_12_demo_creators_through_the_real_flow(app_env):
    at = open_page("home")
    next(b for b in at.button if b.label == "Add 12 demo creators").click().run()
    assert not at.exception
    assert "Added 12 demo creators" in page_text(at)
    assert next(m for m in at.metric if m.label == "Creators on the roster").value == "12"
    store = app_store(app_env)
    creators = store.creators()
    assert len(creators) == 12 and all(c.connector == "instagram" for c in creators)
    links = store.links()
    assert len(links) == 12 and {link.status for link in links} == {"verified"}  # the real flow
    next(b for b in at.button if b.label == "Add 12 demo creators").click().run()
    assert len(app_store(app_env).creators()) == 24  # the next twelve, none twice
    compare = open_page("compare", query={"creators": ",".join(c.creator_id for c in creators[:4])})
    assert not compare.exception and len(compare.table[0].value.columns) == 4


def test_bulk_actions_tag_refresh_and_remove_the_selected_creators(app_env):
    fill_roster(app_env, 5)
    at = open_page("creators")
    assert not at.checkbox  # no checkboxes until the analyst starts selecting
    start_selecting(at)
    assert names(at) == [f"Demo Creator {i:04d}" for i in range(5)]
    boxes = [b for b in at.checkbox if b.key.startswith("pick-")]
    for box in boxes[:3]:
        box.check()
    at.run()
    assert "3 creators selected." in page_text(at)
    assert any("Compare 3 creators" in str(e.proto) for e in at.get("page_link"))
    by_label(at.text_input, "Tag to add").input("Q3 launch").run()
    next(b for b in at.button if b.label == "Add tag to selected").click().run()
    store = app_store(app_env)
    tagged = {
        f"demo-{i:04d}" for i in range(5) if "q3 launch" in store.relationship(f"demo-{i:04d}").tags
    }
    assert tagged == {"demo-0000", "demo-0001", "demo-0002"}
    assert "Tagged 3 creators #q3 launch." in [t.value for t in at.toast]

    at = open_page("creators")
    start_selecting(at)
    for box in [b for b in at.checkbox if b.key.startswith("pick-")][:2]:
        box.check()
    at.run()
    next(b for b in at.button if b.label == "Yes, remove 2").click().run()
    assert len(app_store(app_env).creators()) == 3
    assert "Removed 2 creators from the roster." in [t.value for t in at.toast]


def test_sort_consent_and_platform_come_from_the_address(app_env):
    store = app_store(app_env)
    now = time.time()
    for cid, name, connector, days in (("b", "Bea", "instagram", 70), ("a", "Ana", "youtube", 1),
                                       ("c", "Cy", "instagram", 3)):  # fmt: skip
        store.add_creator(Creator(cid, connector, name=name, verified_at=now - days * 86_400))
    store.close()

    shown = names
    assert shown(open_page("creators")) == ["Ana", "Cy", "Bea"]  # date added, newest first
    assert shown(open_page("creators", query={"sort": "name"})) == ["Ana", "Bea", "Cy"]
    lapsing = open_page("creators", query={"consent": "60+ days"})
    assert shown(lapsing) == ["Bea"] and "Consent may have expired" in page_text(lapsing)
    assert shown(open_page("creators", query={"platform": "youtube"})) == ["Ana"]
    at = open_page("creators", query={"sort": "no such sort", "page": "abc"})
    assert not at.exception and shown(at) == ["Ana", "Cy", "Bea"]  # a bad address: defaults


def test_a_large_rosters_pickers_search_as_the_analyst_types(app_env):
    fill_roster(app_env, 120)
    at = open_page("insights")
    assert "The menu lists the first 50 by name" in page_text(at)
    assert len(at.selectbox[0].options) == 50
    by_label(at.text_input, "Find a creator").input("creator 0117").run()
    assert at.selectbox[0].options == ["Demo Creator 0117 · @demo.0117"]
    compare = open_page("compare", query={"creators": "demo-0119,demo-0003"})
    by_label(compare.text_input, "Find a creator").input("0042").run()
    options = compare.multiselect[0].options
    assert options[:2] == ["Demo Creator 0119 · @demo.0119", "Demo Creator 0003 · @demo.0003"]
    assert "Demo Creator 0042 · @demo.0042" in options  # the picked stay, the match is added
