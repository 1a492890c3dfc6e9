"""Client workspaces under AppTest: every page as a viewer of acme, an analyst of acme, an
analyst of globex and an admin, on the data folder and on PostgreSQL.

Acme has 15 creators; globex has the same 15 plus 15 more, a shortlist, a campaign, a link, an
alert and notes about its own creators. Nothing of globex's may reach an acme person's page.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from components.frame.pages import PAGES as PAGE_SPECS
from fpapi.analysis.campaigns import CampaignSpec
from fpapi.commands import workspaces
from fpapi.sandbox.accounts import generated_account
from fpapi.storage.records import StoredAlert
from fpapi.workspace.campaigns import campaign_of, new_campaign_id
from fpapi.workspace.core import Actor, Workspace, open_workspace
from fpapi.workspace.demo import DEMO_CREATORS
from fpapi.workspace.settings import load_settings
from tests.helpers import seed_acme_and_globex
from tests.pages.apptest import AUTH, TOKEN_TIMES, open_page, page_text

ADMIN_EMAIL = "boss@agency.test"
ACME_ANALYST_EMAIL = "ana@acme.test"  # on the analysts' allow-list, but kept out of default
ACME_VIEWER_EMAIL = "vic@acme.test"  # on no allow-list: only acme's membership lets her in
GLOBEX_ANALYST_EMAIL = "gil@globex.test"  # on no allow-list: only globex's membership


def claims(email: str) -> dict[str, Any]:
    return {
        "is_logged_in": True,
        "email": email,
        "email_verified": True,
        "sub": email,
        **TOKEN_TIMES,
    }


@dataclass(frozen=True)
class Visitor:
    """A signed-in person, the workspace they work in and the query they add to every page."""

    email: str
    workspace: str
    query: dict[str, str]
    admin: bool = False
    viewer: bool = False


VISITORS = {
    "acme viewer": Visitor(ACME_VIEWER_EMAIL, "acme", {}, viewer=True),
    "acme analyst": Visitor(ACME_ANALYST_EMAIL, "acme", {}),
    "globex analyst": Visitor(GLOBEX_ANALYST_EMAIL, "globex", {}),
    "admin": Visitor(ADMIN_EMAIL, "globex", {"ws": "globex"}, admin=True),
}
ACME = [generated_account(number) for number in range(15)]
GLOBEX_ONLY = [generated_account(number) for number in range(15, 30)]
A0, A1 = ACME[0].creator_id, ACME[1].creator_id
X0, X1 = GLOBEX_ONLY[0].creator_id, GLOBEX_ONLY[1].creator_id
SHORTLIST = "Globex winter shortlist"
CAMPAIGN = "Globex winter push"
GLOBEX_LINK = "Globex scouting link"
ACME_LINK = "Acme scouting link"
GLOBEX_ALERT = f"@{GLOBEX_ONLY[0].username}: followers up 10,000 → 12,500"
ACME_ALERT = f"@{ACME[0].username}: engagement rate down 4.1% → 2.2%"
ADMIN_VIEWED = "opened, as an admin who is not a member, the workspace"
NOT_ON_ROSTER = "not on this workspace's roster"
NOT_A_MEMBER = "You are not a member of a workspace named “{}”, so nothing of it is shown:"
# Buttons that change something: never drawn for a viewer.
CHANGE_BUTTONS = {
    "Create verification link",
    "Verify creator",
    "Cancel",
    "New link for this creator",
    "Select creators",
    "Refresh",
    "Save",
    "Save shortlist",
    "Save campaign",
    "Rename",
    "Yes, delete",
    f"Add {DEMO_CREATORS} demo creators",
    "Create workspace",
    "Save member",
    "Remove member",
}


GLOBEX_SHARE = "Globex winter picks for the client"


def globex_secrets() -> list[str]:
    """What only globex holds: its own 15 creators' names and handles (a name acme's 15 share
    is left out), its shortlist, campaign, link and alert."""
    acme_names = {a.name for a in ACME}
    names = [a.name for a in GLOBEX_ONLY if a.name not in acme_names]
    handles = [a.username for a in GLOBEX_ONLY]
    return [*names, *handles, SHORTLIST, CAMPAIGN, GLOBEX_LINK, GLOBEX_ALERT, GLOBEX_SHARE]


def core(environ: dict[str, str], workspace: str) -> Workspace:
    """The workspace core as a command opens it: an admin, here named "setup"."""
    return open_workspace(load_settings(environ, {}), Actor("setup"), workspace=workspace)


@dataclass(frozen=True)
class World:
    environ: dict[str, str]
    shortlist_id: str
    campaign_id: str


def team_environ(folder: Path, database_url: str | None) -> dict[str, str]:
    """The app's settings: the embedded sandbox, this data folder (and team database), the
    admin and the acme analyst on the allow-lists, nobody else."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"FPAPI_BASE_URL", "FPAPI_TOKEN", "FPAPI_PUBLIC_URL", "FPAPI_VIEWER_EMAILS"}
    }
    environ.update(
        FPAPI_DATA_DIR=str(folder),
        FPAPI_ADMIN_EMAILS=ADMIN_EMAIL,
        FPAPI_ALLOWED_EMAILS=ACME_ANALYST_EMAIL,
        FPAPI_SECRET_KEY="a-test-secret-that-signs-share-links-0123456789",
    )
    if database_url:
        environ["FPAPI_DATABASE_URL"] = database_url
    else:
        environ.pop("FPAPI_DATABASE_URL", None)
    return environ


def build_world(folder: Path, database_url: str | None) -> World:
    """Acme and globex seeded and given members by the commands (the acme analyst taken out
    of default), then each workspace's own things made through the core."""
    environ = team_environ(folder, database_url)
    seed_acme_and_globex(
        environ,
        acme_analyst=ACME_ANALYST_EMAIL,
        acme_viewer=ACME_VIEWER_EMAIL,
        globex_analyst=GLOBEX_ANALYST_EMAIL,
    )
    assert workspaces.main(["remove", "default", ACME_ANALYST_EMAIL], environ) == 0
    globex, acme = core(environ, "globex"), core(environ, "acme")
    shortlist = globex.save_shortlist(SHORTLIST, [X0, X1])
    campaign = globex.save_campaign(
        campaign_of(
            CampaignSpec(CAMPAIGN, (X0, X1), hashtags=("winter",)),
            new_campaign_id(),
            actor="setup",
        )
    )
    globex.add_note(X0, "Globex pays well")
    globex.load_many([X0, A0])
    globex.create_share("compare", GLOBEX_SHARE, [X0, A0], {"fees": {}}, days=7)
    globex.create_link(
        connector="instagram", redirect_url=globex.settings.callback_url, label=GLOBEX_LINK
    )
    globex.keep_alert(StoredAlert("test|globex", X0, "followers_up", GLOBEX_ALERT, time.time()))
    acme.create_link(
        connector="instagram", redirect_url=acme.settings.callback_url, label=ACME_LINK
    )
    acme.keep_alert(StoredAlert("test|acme", A0, "er_down", ACME_ALERT, time.time()))
    globex.close()
    acme.close()
    return World(environ, shortlist.shortlist_id, campaign.campaign_id)


@pytest.fixture(scope="module", params=["data folder", "postgresql"])
def world(request, tmp_path_factory) -> Iterator[World]:
    """One world per storage, shared by the module's tests: the two that change it add only
    what no other test reads (a link in acme, the workspace initech)."""
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").fresh_database()
    built = build_world(tmp_path_factory.mktemp("workspaces") / "data", url)
    with pytest.MonkeyPatch.context() as env:
        for name in [*os.environ, *built.environ]:
            if name.startswith("FPAPI_") and name not in built.environ:
                env.delenv(name, raising=False)
            elif name.startswith("FPAPI_"):
                env.setenv(name, built.environ[name])
        yield built


def visit(visitor: Visitor, page: str, query: dict[str, str] | None = None):
    return open_page(
        page,
        query={**visitor.query, **(query or {})},
        user=claims(visitor.email),
        secrets={"auth": AUTH},
    )


def shown(at) -> str:
    """Everything a visitor can read: text, buttons, links, pickers' options, tables."""
    parts = [page_text(at)]
    parts += [str(b.label) for b in at.button]
    parts += [str(link.proto.label) for link in at.get("page_link")]
    for picker in (*at.selectbox, *at.multiselect):
        parts += [str(picker.label), *map(str, picker.options)]
    parts += [t.value.to_string() for t in at.table]
    parts += [str(t.value) for t in at.text_input]
    return "\n".join(parts).replace("\\", "")


def errors(at) -> list[str]:
    """The error boxes' sentences, as a reader sees them (markdown escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)) for e in at.error]


def table_rows(at) -> list[dict[str, str]]:
    """Every row of every table, its cells as a reader sees them."""
    return [
        {column: re.sub(r"\\(.)", r"\1", str(cell)) for column, cell in row.items()}
        for table in at.table
        for row in table.value.to_dict("records")
    ]


def drawn_buttons(at) -> set[str]:
    return {str(b.label) for b in at.button} | {str(t.label) for t in at.toggle}


def workspace_picker(at):
    found = [box for box in at.sidebar.selectbox if box.label == "Workspace"]
    return found[0] if found else None


def roster_count(at) -> int:
    return int(next(m.value for m in at.metric if m.label == "Creators on the roster"))


# A change each page offers anyone but a viewer.
ANALYST_BUTTON = {
    "connect-reconnect-globex-only": "Create verification link",
    "creators": "Select creators",
    "insights-shared": "Save",
    "compare-mixed": "Save shortlist",
    "campaigns-mixed": "Save campaign",
}
# (page, query) pairs that try globex's things by address; the admin adds ws=globex.
PROBES = {
    "home": ("home", {}),
    "connect-reconnect-globex-only": ("connect", {"reconnect": X0}),
    "creators": ("creators", {}),
    "insights-globex-only": ("insights", {"creator": X0}),
    "insights-shared": ("insights", {"creator": A0}),
    "compare-mixed": ("compare", {"creators": f"{A0},{A1},{X0},{X1}"}),
    "compare-globex-shortlist": ("compare", {"shortlist": "SHORTLIST"}),
    "campaigns-mixed": ("campaigns", {"creators": f"{A0},{X0}", "hashtags": "winter"}),
    "campaigns-globex-campaign": ("campaigns", {"campaign": "CAMPAIGN"}),
    "activity": ("activity", {}),
    "shares": ("shares", {}),
    "admin": ("admin", {}),
}
assert {page for page, _ in PROBES.values()} == {k for k, s in PAGE_SPECS.items() if not s.public}


def expected(probe: str, visitor: Visitor) -> list[str]:
    """What this visitor must read on this probe's page: their workspace's things."""
    in_globex = visitor.workspace == "globex"
    if probe == "home":
        return [GLOBEX_ALERT if in_globex else ACME_ALERT]
    if probe.startswith("connect"):
        return [GLOBEX_LINK if in_globex else ACME_LINK]
    if probe == "creators":
        return [a.username for a in (ACME + GLOBEX_ONLY if in_globex else ACME)]
    if probe == "insights-globex-only":
        return [GLOBEX_ONLY[0].name] if in_globex else [NOT_ON_ROSTER]
    if probe == "insights-shared":
        return [ACME[0].name]
    if probe == "compare-mixed":
        if not in_globex:
            return [ACME[0].name, ACME[1].name, f"2 creators in the link are {NOT_ON_ROSTER}"]
        return [a.name for a in (*ACME[:2], *GLOBEX_ONLY[:2])]
    if probe == "compare-globex-shortlist":
        return [GLOBEX_ONLY[0].name] if in_globex else ["That shortlist no longer exists."]
    if probe == "campaigns-mixed":
        if not in_globex:
            return [ACME[0].username, f"Some creators in the address are {NOT_ON_ROSTER}"]
        return [ACME[0].username, GLOBEX_ONLY[0].username]
    if probe == "campaigns-globex-campaign":
        return [CAMPAIGN] if in_globex else ["New campaign"]
    if probe == "shares":
        return [GLOBEX_SHARE, "Views: **0**"] if in_globex else ["No shares yet."]
    if probe == "activity":
        if visitor.admin:  # an admin's look into a client's workspace is logged there
            return [f"added a note on {GLOBEX_ONLY[0].name}", f"{ADMIN_VIEWED} globex"]
        if in_globex:
            return [f"added a note on {GLOBEX_ONLY[0].name}", f"{GLOBEX_ANALYST_EMAIL} (analyst)"]
        return [f"added to this workspace {ACME_VIEWER_EMAIL} (viewer)"]
    if visitor.admin:
        return ["acme", "globex", ACME_VIEWER_EMAIL, GLOBEX_ANALYST_EMAIL]
    return ["Only admins can see every workspace and its members."]


@pytest.mark.parametrize("probe", PROBES)
@pytest.mark.parametrize("who", VISITORS)
def test_every_page_shows_each_visitor_their_own_workspace_and_nothing_of_the_other(
    world, who, probe
):
    visitor = VISITORS[who]
    page, query = PROBES[probe]
    ids = {"SHORTLIST": world.shortlist_id, "CAMPAIGN": world.campaign_id}
    at = visit(visitor, page, {k: ids.get(v, v) for k, v in query.items()})
    assert not at.exception
    assert not at.error, errors(at)
    text = shown(at)
    for wanted in expected(probe, visitor):
        assert wanted in text, f"{wanted!r} missing for the {who} on {probe}"
    if visitor.workspace == "acme":
        leaked = [secret for secret in globex_secrets() if secret in text]
        assert not leaked, f"the {who} sees globex's {leaked} on {probe}"
    else:
        assert ACME_ALERT not in text and ACME_LINK not in text
    if probe == "home":
        assert roster_count(at) == (30 if visitor.workspace == "globex" else 15)
    menu = {str(link.proto.label) for link in at.sidebar.get("page_link")}
    assert ("Admin" in menu) is visitor.admin
    if page == "admin" and not visitor.admin:  # one sentence, no member list
        assert not at.table and not at.text_input and not at.selectbox
        others = {v.email for v in VISITORS.values()} - {visitor.email}
        assert not [email for email in others if email in text]
    picker = workspace_picker(at)
    if visitor.admin:  # several workspaces: the picker, and the address names the one open
        assert picker is not None and picker.value == "globex"
        assert {"acme", "globex", "default"} <= {str(o).split(" ")[0] for o in picker.options}
        assert at.query_params["ws"] in ("globex", ["globex"])
    else:  # one workspace: no picker, no ws in the address
        assert picker is None and "ws" not in at.query_params
    if visitor.viewer:
        assert not CHANGE_BUTTONS & drawn_buttons(at), CHANGE_BUTTONS & drawn_buttons(at)
    elif probe in ANALYST_BUTTON:  # the same page offers an analyst the change
        assert ANALYST_BUTTON[probe] in drawn_buttons(at)


@pytest.mark.parametrize("probe", PROBES)
def test_an_analyst_of_acme_asking_for_globex_by_address_gets_one_sentence_and_nothing_of_it(
    world, probe
):
    page, query = PROBES[probe]
    at = visit(VISITORS["acme analyst"], page, {**query, "ws": "globex"})
    assert not at.exception
    assert len(errors(at)) == 1 and errors(at)[0].startswith(NOT_A_MEMBER.format("globex"))
    text = shown(at)
    assert not [secret for secret in globex_secrets() if secret in text]
    assert not [a.username for a in ACME if a.username in text]  # nor any roster at all
    assert not at.metric and not at.table and not at.main.selectbox


@pytest.mark.parametrize("who", ["acme analyst", "acme viewer", "globex analyst"])
def test_a_workspace_that_does_not_exist_answers_like_one_that_is_not_yours(world, who):
    """The sentence does not tell an outsider which workspaces exist."""
    other = "acme" if who == "globex analyst" else "globex"
    real = visit(VISITORS[who], "creators", {"ws": other})
    made_up = visit(VISITORS[who], "creators", {"ws": "initech-eu"})
    assert errors(real) == [e.replace("initech-eu", other) for e in errors(made_up)]
    assert errors(real)[0].startswith(NOT_A_MEMBER.format(other))


@pytest.mark.parametrize("who", ["acme viewer", "globex analyst"])
def test_searching_the_roster_for_a_globex_only_creator_finds_them_only_in_globex(world, who):
    visitor = VISITORS[who]
    at = visit(visitor, "creators")
    search = next(t for t in at.text_input if t.label.startswith("Search by name, handle"))
    search.input(f"@{GLOBEX_ONLY[0].username}").run()
    assert not at.exception
    text = page_text(at)  # the search box's own text left out
    if visitor.workspace == "acme":
        assert "No creator matches that search." in text
        assert GLOBEX_ONLY[0].username not in text and GLOBEX_ONLY[0].name not in text
    else:
        assert f"**{GLOBEX_ONLY[0].name}** · @{GLOBEX_ONLY[0].username}" in text
        assert "Showing 1 of 1 matching creators." in text


@pytest.mark.parametrize("who", ["acme analyst", "acme viewer"])
def test_acme_people_are_kept_out_of_default_whether_taken_out_or_never_listed(world, who):
    """The analyst is on the allow-list but an admin took her out of default; the viewer is on
    no list at all: acme's membership alone lets each in, to acme only."""
    at = visit(VISITORS[who], "home", {"ws": "default"})
    assert errors(at) == [
        NOT_A_MEMBER.format("default") + " pick one of yours in the sidebar, or ask an admin "
        "to add you."
    ]
    assert not at.metric
    at.query_params.pop("ws")  # the same person, without ws: acme
    at.run()
    assert roster_count(at) == 15 and "Workspace: **acme**" in page_text(at)


def test_a_viewer_of_acme_forcing_a_fresh_link_is_refused_and_nothing_changes(world):
    acme = core(world.environ, "acme")
    before = acme.links()
    at = visit(VISITORS["acme viewer"], "connect", {"reconnect": A0})
    assert not at.exception
    assert "You are a viewer" in page_text(
        at
    ) and "Creating, verifying and cancelling" in page_text(at)
    assert acme.links() == before
    # the same address is a real change for an analyst of acme
    analyst = visit(VISITORS["acme analyst"], "connect", {"reconnect": A0})
    assert f"A fresh verification link for {ACME[0].name} is ready" in page_text(analyst)
    assert len(acme.links()) == len(before) + 1
    acme.close()


def test_an_admin_picks_another_workspace_in_the_sidebar_and_the_address_follows(world):
    at = visit(VISITORS["admin"], "home")
    assert roster_count(at) == 30
    workspace_picker(at).set_value("acme").run()
    assert not at.exception
    assert at.query_params["ws"] in ("acme", ["acme"])
    assert roster_count(at) == 15 and ACME_ALERT in shown(at) and GLOBEX_ALERT not in shown(at)
    links = {str(link.proto.label): link.proto.query_string for link in at.get("page_link")}
    assert links["Creators"] == "ws=acme"  # the menu keeps the workspace


def test_an_admin_creates_a_workspace_and_adds_a_member_through_the_admin_page(world):
    admin = VISITORS["admin"]
    at = visit(admin, "admin")
    by_label = {str(t.label): t for t in at.text_input if t.key != "admin.remove.email"}
    by_label["Name"].input("initech")
    at.button(key="FormSubmitter:create-workspace-Create workspace").click().run()
    assert not at.exception and not at.error
    assert "Created the workspace initech." in page_text(at)
    assert "initech" in [str(h.value) for h in at.subheader]
    at.selectbox(key="admin.add.workspace").set_value("initech")
    adding = [t for t in at.text_input if t.label == "E-mail address" and t.key is None]
    adding[0].input("Ivy@Initech.test")
    at.radio(key="admin.add.role").set_value("viewer")
    at.button(key="FormSubmitter:add-member-Save member").click().run()
    assert not at.exception and not at.error
    assert "ivy@initech.test is now viewer in initech." in page_text(at)
    again = visit(admin, "admin")  # afterwards, in a new session: the member is listed
    members = [(row["Member"], row["Role"]) for row in table_rows(again)]
    assert ("ivy@initech.test", "viewer") in members
    log = visit(admin, "activity", {"ws": "initech"})
    done = [(row["Who"], row["What"]) for row in table_rows(log)]
    assert (ADMIN_EMAIL, "added to this workspace ivy@initech.test (viewer)") in done
    assert (ADMIN_EMAIL, "created the workspace initech") in done
    ivy = visit(Visitor("ivy@initech.test", "initech", {}, viewer=True), "home")
    assert not ivy.exception and roster_count(ivy) == 0 and workspace_picker(ivy) is None
    assert "Workspace: **initech**" in page_text(ivy)
    assert "Signed in as **ivy@initech.test** · viewer" in page_text(ivy)
