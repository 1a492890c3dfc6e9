"""The creators page (the roster) under AppTest: each creator as text with links, pages of 50,
every filter and the page held in the address, tags and status, old consent flagged."""

from __future__ import annotations

import time
from dataclasses import replace

from fpapi.sandbox import instagram_pool
from fpapi.storage.data_folder import ROSTER_DB
from fpapi.storage.database import UNREACHABLE, open_database
from fpapi.storage.records import Creator
from fpapi.storage.sql_store import SqlStore
from tests.helpers import add_to_roster, app_store
from tests.pages.apptest import by_label, open_page, page_text, verify

A, B = instagram_pool()[0], instagram_pool()[1]
ACCOUNT = instagram_pool()[3]  # its consent old


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
    assert "Tagged 3 creators #q3 launch." in [t.value.replace("\\", "") for t in at.toast]

    at = open_page("creators")
    start_selecting(at)
    for box in [b for b in at.checkbox if b.key.startswith("pick-")][:2]:
        box.check()
    at.run()
    next(b for b in at.button if b.label == "Yes, remove 2").click().run()
    assert len(app_store(app_env).creators()) == 3
    assert "Removed 2 creators from the roster." in [t.value.replace("\\", "") for t in at.toast]


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


def test_a_store_damaged_while_the_app_runs_is_moved_aside_and_said_so(app_env):
    verify(app_env, "kenji.travel0")
    at = open_page("creators")
    assert "Kenji" in page_text(at)
    for file in (app_env / "store").glob(f"{ROSTER_DB}*"):  # the file and its journal
        file.write_bytes(b"not a database " * 500)
    at.run()
    text = page_text(at)
    assert not at.exception
    assert "could not be read, so it was moved aside" in text
    assert "cannot be written" not in text  # the cause is named rightly
    assert list(app_env.glob("store.corrupt-*"))


def test_the_roster_flags_old_consent_and_one_click_prepares_a_labelled_link(app_env):
    add_to_roster(app_env, ACCOUNT, instagram_pool()[4])
    store = app_store(app_env)
    old = store.get_creator(ACCOUNT.creator_id)
    store.add_creator(replace(old, verified_at=time.time() - 61 * 86_400))
    roster = open_page("creators")
    text = page_text(roster)
    assert text.count("Consent may have expired") == 1 and "Verified 61 days ago" in text
    fresh = [e for e in roster.get("page_link") if "Prepare a fresh link" in str(e.proto)]
    assert len(fresh) == 1 and f"reconnect={ACCOUNT.creator_id}" in str(fresh[0].proto)

    connect = open_page("connect", query={"reconnect": ACCOUNT.creator_id})
    assert not connect.exception
    assert f"A fresh verification link for {ACCOUNT.name} is ready below" in page_text(connect)
    links = app_store(app_env).links()
    assert [link.label for link in links] == [f"{ACCOUNT.name} (reconnect)"]
    assert links[0].url.startswith(("http://", "https://"))
    assert "reconnect" not in connect.query_params  # a reload makes no second link
    connect.run()
    assert len(app_store(app_env).links()) == 1


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


def test_a_page_says_the_database_is_down_and_works_again_when_it_is_back(
    app_env, postgres, monkeypatch
):
    url = postgres.fresh_database()
    monkeypatch.setenv("FPAPI_DATABASE_URL", url)
    SqlStore(open_database(url)).add_creator(
        Creator("c1", "instagram", name="Ana Lima", username="ana", verified_at=1)
    )
    assert "Ana Lima" in page_text(open_page("creators"))
    postgres.stop()
    try:
        down = open_page("creators")
        assert not down.exception
        assert [e.value for e in down.error] == [UNREACHABLE]
        assert "Ana Lima" not in page_text(down)
    finally:
        postgres.start()
    back = open_page("creators")  # the same process, nothing restarted
    assert not back.exception and not back.error and "Ana Lima" in page_text(back)


def test_creators_page_lists_each_creator_as_text_with_links(app_env):
    first = verify(app_env, "kenji.travel0")
    second = verify(app_env, "camila.food1")
    at = open_page("creators")
    text = page_text(at)
    assert "Kenji" in text and "@kenji.travel0" in text and "Camila" in text
    assert (
        "insights fetched " in text
    )  # never, or just now: fetched after joining, in the background
    links = [
        (link.proto.label, link.proto.page, link.proto.query_string) for link in at.get("page_link")
    ]
    assert ("Open insights", "insights", f"creator={first}") in links
    assert ("Open insights", "insights", f"creator={second}") in links


def test_creators_page_refresh_and_compare_link(app_env):
    first = verify(app_env, "kenji.travel0")
    second = verify(app_env, "camila.food1")
    at = open_page("creators")
    at.toggle[0].set_value(True).run()
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Refresh selected").click().run()
    assert not at.exception
    assert "Refreshed 1 creator." in [t.value.replace("\\", "") for t in at.toast]
    assert "vendor data from 20 Nov 2026 (" in page_text(at)
    for box in at.checkbox:
        box.check()
    at.run()
    compare = [
        link.proto for link in at.get("page_link") if link.proto.label == "Compare 2 creators"
    ]
    assert compare and compare[0].query_string in (
        f"creators={first}%2C{second}",
        f"creators={second}%2C{first}",
    )


def test_removing_a_creator_asks_first(app_env):
    verify(app_env, "kenji.travel0")
    at = open_page("creators")
    at.toggle[0].set_value(True).run()
    at.checkbox[0].check().run()
    remove = next(b for b in at.button if b.label == "Yes, remove 1")
    assert remove.proto.type == "primary"  # inside the "Remove selected" popover: a second step
    remove.click().run()
    assert app_store(app_env).creators() == []
    assert "Removed Kenji Iyer from the roster." in [t.value.replace("\\", "") for t in at.toast]
    assert "No creators yet" in page_text(at)


def test_youtube_creators_sit_on_the_roster_and_have_no_insights(app_env):
    creator_id = verify(app_env, "@omartravel100", connector="youtube")
    roster = open_page("creators")
    assert "YouTube" in page_text(roster) and "no insights for YouTube" in page_text(roster)
    at = open_page("insights", query={"creator": creator_id})
    assert "Instagram insights only" in " ".join(i.value for i in at.info)
