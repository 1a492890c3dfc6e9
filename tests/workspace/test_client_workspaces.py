"""Client workspaces in the core: who may open which workspace, what each role may do there,
and that nothing of one client's workspace reaches another's, on the data folder and on
PostgreSQL.

The world every table row starts from: two client workspaces, acme and globex. Acme's roster
holds three creators; globex's holds the same three (with globex's own tags, notes and status)
and two more. Each has a link, a shortlist, a campaign, an alert, fetched insights and its
activity. An acme person then tries every use case on acme's things and on globex's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from fpapi.commands import refresh as refresh_command
from fpapi.commands import seed as seed_command
from fpapi.commands import workspaces as workspaces_command
from fpapi.errors import NotInWorkspace, NotPermitted, ShortlistError, WorkspaceError
from fpapi.links import LinkStatus
from fpapi.sandbox import Sandbox, instagram_pool
from fpapi.storage.cache import InsightCache
from fpapi.storage.database import (
    activity,
    alerts,
    campaigns,
    creators,
    insights,
    last_workspaces,
    links,
    members,
    relationships,
    shortlists,
    snapshots,
    workspaces,
)
from fpapi.storage.records import Campaign, Creator, Relationship, RosterQuery, StoredAlert
from fpapi.workspace.access import Role
from fpapi.workspace.connect import NewLink
from fpapi.workspace.core import Actor, Workspace
from fpapi.workspace.members import choose_workspace, roles_of
from fpapi.workspace.settings import Settings
from tests.backends import Backend
from tests.helpers import Clock, CoreWorld, wait_until_drained, workers
from tests.postgres import Postgres

POOL = instagram_pool()
ACME = POOL[:3]  # on both rosters
GLOBEX_ONLY = POOL[3:5]
NEWCOMER = POOL[5]  # on neither roster, until a link brings them in
A1, A2 = ACME[0].creator_id, ACME[1].creator_id
G1 = GLOBEX_ONLY[0].creator_id
ACME_IDS = {account.creator_id for account in ACME}
GLOBEX_ONLY_IDS = {account.creator_id for account in GLOBEX_ONLY}

ADMIN = Actor("boss@agency.test")  # an admin by the allow-lists: no membership anywhere
ROLES = {
    "viewer": Actor("vi@acme.test", None),  # members of acme, in no allow-list
    "analyst": Actor("an@acme.test", None),
    "admin": ADMIN,
}


@pytest.fixture(params=["local", "postgresql"])
def backend(request, tmp_path):
    """The data folder and a real PostgreSQL (the team database on SQLite is the data
    folder's code and schema)."""
    postgres = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    chosen = Backend.make(request.param, tmp_path, postgres)
    yield chosen
    chosen.close()


@pytest.fixture
def ticks() -> Clock:
    """A clock a second later at each reading: the order of members and entries is known."""
    return Clock(time.time(), step=1)


@pytest.fixture
def store(backend, ticks):
    """An empty store."""
    opened = backend.store(clock=ticks)
    yield opened
    opened.close()


@pytest.fixture
def boss(backend, store, ticks):
    """An admin's workspace on ``default`` of that store, for tests that fetch nothing."""
    cache = InsightCache(backend.shelf(), api_base_url="sandbox://none")
    yield Workspace(Settings(base_url=None), store, cache, ADMIN, clock=ticks)
    cache.close()


def on_roster(account: Any) -> Creator:
    return Creator(
        account.creator_id,
        "instagram",
        name=account.name,
        username=account.username,
        verified_at=time.time(),
    )


@dataclass
class World(CoreWorld):
    """Acme and globex, on one store and insight cache, and the ids of their things."""

    sandbox: Sandbox
    links: dict[str, NewLink]  # workspace -> its pending link
    shortlists: dict[str, str]  # workspace -> its shortlist's id

    def admin(self, name: str) -> Workspace:
        return self.open(ADMIN, name)


def build(backend: Backend, sandbox: Sandbox) -> World:
    clock = Clock(time.time(), step=1)
    settings = Settings(base_url=sandbox.base_url, token=sandbox.token)
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=sandbox.base_url)
    built = World(settings, store, cache, clock, sandbox, {}, {})
    boss = built.admin("default")
    boss.create_workspace("acme")
    boss.create_workspace("globex")
    boss.set_member("acme", "vi@acme.test", "viewer")
    boss.set_member("acme", "an@acme.test", "analyst")
    acme, globex = built.admin("acme"), built.admin("globex")
    for account in ACME:
        acme.store.add_creator(on_roster(account))
    for account in (*ACME, *GLOBEX_ONLY):
        globex.store.add_creator(on_roster(account))
    for ws in (acme, globex):
        name = ws.name
        ws.set_relationship(A1, tags=[f"{name}-pick"], status="shortlisted")
        ws.add_note(A1, f"{name.title()} note")
        if name == "globex":  # globex's own creator: tagged, and with a note
            ws.set_relationship(G1, tags=["rival"], status="contracted")
            ws.add_note(G1, "Globex secret")
        built.links[name] = ws.create_link(
            connector="instagram", redirect_url=settings.callback_url, label=f"{name} link"
        )
        picks = [A1, A2] if name == "acme" else [A1, G1]
        built.shortlists[name] = ws.save_shortlist(f"{name.title()} picks", picks).shortlist_id
        ws.save_campaign(Campaign(f"camp-{name}", f"{name.title()} launch", picks))
        fetched = A1 if name == "acme" else G1
        ws.load_insights(fetched)
        ws.keep_alert(
            StoredAlert(f"{name}|{fetched}", fetched, "er_drop", f"@{name}: alert", at=clock())
        )
    return built


class Worlds:
    """The world on one backend, built once per test process and put back as it was built
    before a test when the test before it changed something: every test starts from the same
    rows (the data folder's insight cache aside: acme's tests can only refresh A1 there)."""

    def __init__(
        self,
        name: str,
        made: dict[str, Any],
        folders: pytest.TempPathFactory,
        postgres: Postgres | None,
        sandbox: Sandbox,
    ) -> None:
        if name not in made:
            backend = Backend.make(name, folders.mktemp("world"), postgres)
            built = build(backend, sandbox)
            rows, now = rows_of(built), built.clock.now
            made[name] = {"world": built, "backend": backend, "rows": rows, "now": now}
            made[name]["dirty"] = False
        self.made = made[name]

    @property
    def dirty(self) -> bool:
        return self.made["dirty"]

    @dirty.setter
    def dirty(self, changed: bool) -> None:
        self.made["dirty"] = changed

    def get(self, *, changes: bool) -> World:
        """The world as built; ``changes``: the test may change it (so the next one puts it
        back)."""
        world: World = self.made["world"]
        if self.dirty:
            with world.store.engine.begin() as connection:
                for table in TABLES:
                    connection.execute(table.delete())
                    if self.made["rows"][table.name]:
                        connection.execute(table.insert(), self.made["rows"][table.name])
            world.clock.now = self.made["now"]  # its pending links are as young as when built
        self.dirty = changes
        return world


@pytest.fixture(scope="session")
def made_worlds():
    """The worlds this test process built, by backend; closed when it ends."""
    made: dict[str, Any] = {}
    yield made
    for each in made.values():
        each["world"].cache.close()
        each["world"].store.close()
        each["backend"].close()


@pytest.fixture(params=["local", "postgresql"])
def worlds(request, made_worlds, tmp_path_factory, clean_sandbox) -> Worlds:
    """The world on the data folder, then on PostgreSQL."""
    postgres = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    return Worlds(request.param, made_worlds, tmp_path_factory, postgres, clean_sandbox)


@pytest.fixture
def world(worlds) -> World:
    """The world as built, for a test that changes it."""
    return worlds.get(changes=True)


def holdings(ws: Workspace) -> dict[str, Any]:
    """Everything a workspace holds, as its admin reads it (what is not acme's too: the fetch
    history and cached insights of its other creators)."""
    ids = [creator.creator_id for creator in ws.creators()]
    others = [cid for cid in ids if cid not in ACME_IDS]
    return {
        "roster": ws.creators(),
        "relationships": [ws.relationship(cid) for cid in ids],
        "links": ws.links(),
        "shortlists": ws.shortlists(),
        "campaigns": ws.campaigns(),
        "alerts": ws.alerts(),
        "activity": ws.activity(limit=1_000),
        "members": ws.store.members(ws.name),
        "history": {cid: ws.snapshots(cid) for cid in others},
        "cached": {cid: ws.cached(cid).fetched_at for cid in others if ws.cached(cid)},
    }


TABLES = (creators, links, shortlists, activity, snapshots, relationships, campaigns, alerts,
          workspaces, members, last_workspaces, insights)  # fmt: skip
LATEST_NUMBERS = {"followers", "engagement_rate", "last_fetched_at"}  # every roster's: shared


def stored(world: World) -> dict[str, list[tuple]]:
    """Every row the store keeps (the insight cache too, on PostgreSQL), table by table."""
    with world.store.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(sa.select(table))), key=repr)
            for table in TABLES
        }


def rows_of(world: World) -> dict[str, list[dict[str, Any]]]:
    """Every row the store keeps, to put back as it was."""
    with world.store.engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(sa.select(table))]
            for table in TABLES
        }


def globex_rows(world: World) -> dict[str, list[tuple]]:
    """Globex's rows: those of its workspace (less the latest fetch's numbers, which every
    roster shows alike), and the fetch history of its own creators."""
    found = {}
    with world.store.engine.connect() as connection:
        for table in TABLES:
            if "workspace" in table.c:
                where = table.c.workspace == "globex"
            elif table is workspaces:
                where = workspaces.c.name == "globex"
            elif table in (snapshots, insights):
                where = table.c.creator_id.in_(GLOBEX_ONLY_IDS)
            else:
                continue
            columns = [c for c in table.c if c.name not in LATEST_NUMBERS]
            rows = connection.execute(sa.select(*columns).where(where))
            found[table.name] = sorted(map(tuple, rows), key=repr)
    return found


def ids(creators: list[Creator]) -> list[str]:
    return [creator.creator_id for creator in creators]


# --- the use cases: each tries acme's own things, then globex's ---------------------------------
# A reader must show acme's and nothing of globex's; a change must change acme's only.

READ, CHANGE, ADMIN_ONLY, KEEPING = "read", "change", "admin only", "keeping"


def _creator(ws: Workspace, w: World) -> None:
    assert ws.creator(A1).name == ACME[0].name
    assert ws.creator(G1) is None


def _creators(ws: Workspace, w: World) -> None:
    assert set(ids(ws.creators())) == ACME_IDS
    assert ids(ws.creators([G1, A1, GLOBEX_ONLY[1].creator_id])) == [A1]


def _roster_page(ws: Workspace, w: World) -> None:
    page = ws.roster_page(RosterQuery(per_page=100))
    assert set(ids(page.creators)) == ACME_IDS and page.matched == len(ACME)
    assert page.relationships[A1].tags == ["acme-pick"]
    for query in (
        RosterQuery(text=GLOBEX_ONLY[0].name),
        RosterQuery(text="rival"),
        RosterQuery(tags=("rival",)),
        RosterQuery(tags=("globex-pick",)),
        RosterQuery(status="contracted"),
    ):
        assert ws.roster_page(query).matched == 0, query


def _roster_counts(ws: Workspace, w: World) -> None:
    counts = ws.roster_counts()
    assert counts.total == len(ACME) and counts.tags == ["acme-pick"]
    assert counts.by_status == {"new": 2, "shortlisted": 1}


def _find_creators(ws: Workspace, w: World) -> None:
    assert ids(ws.find_creators(ACME[0].name)) == [A1]
    for account in GLOBEX_ONLY:
        assert ws.find_creators(account.name) == [] and ws.find_creators(account.username) == []


def _creators_with_handles(ws: Workspace, w: World) -> None:
    handles = [f"@{GLOBEX_ONLY[0].username}", GLOBEX_ONLY[1].username.upper(), ACME[0].username]
    assert ids(ws.creators_with_handles(handles)) == [A1]


def _relationship(ws: Workspace, w: World) -> None:
    kept = ws.relationship(A1)
    assert (kept.tags, kept.status) == (["acme-pick"], "shortlisted")
    assert [note["text"] for note in kept.notes] == ["Acme note"]
    with pytest.raises(NotInWorkspace, match="not on this workspace's roster") as refused:
        ws.relationship(G1)
    assert "Globex secret" not in str(refused.value) and GLOBEX_ONLY[0].name not in str(
        refused.value
    )


def _snapshots(ws: Workspace, w: World) -> None:
    assert len(ws.snapshots(A1)) == 1
    assert ws.snapshots(G1) == []


def _latest_snapshots(ws: Workspace, w: World) -> None:
    assert list(ws.latest_snapshots([A1, G1, A2])) == [A1]


def _cached(ws: Workspace, w: World) -> None:
    assert ws.cached(A1) is not None
    assert ws.cached(G1) is None  # in the shared cache (globex fetched it), not acme's


def _load_insights(ws: Workspace, w: World) -> None:
    assert ws.load_insights(A1).creator_id == A1
    with pytest.raises(NotInWorkspace, match="not on this workspace's roster"):
        ws.load_insights(G1)


def _load_many(ws: Workspace, w: World) -> None:
    assert list(ws.load_many([G1, A1, GLOBEX_ONLY[1].creator_id])) == [A1]


def _links(ws: Workspace, w: World) -> None:
    assert [link.label for link in ws.links()] == ["acme link"]


def _link(ws: Workspace, w: World) -> None:
    assert ws.link(w.links["acme"].link.key).label == "acme link"
    assert ws.link(w.links["globex"].link.key) is None


def _shortlists(ws: Workspace, w: World) -> None:
    assert [(s.name, s.creator_ids) for s in ws.shortlists()] == [("Acme picks", [A1, A2])]


def _shortlist(ws: Workspace, w: World) -> None:
    assert ws.shortlist(w.shortlists["acme"]).name == "Acme picks"
    assert ws.shortlist(w.shortlists["globex"]) is None


def _campaigns(ws: Workspace, w: World) -> None:
    assert [c.name for c in ws.campaigns()] == ["Acme launch"]


def _campaign(ws: Workspace, w: World) -> None:
    assert ws.campaign("camp-acme").name == "Acme launch"
    assert ws.campaign("camp-globex") is None


def _alerts(ws: Workspace, w: World) -> None:
    assert [alert.text for alert in ws.alerts()] == ["@acme: alert"]


def _activity(ws: Workspace, w: World) -> None:
    who = ADMIN.name
    assert [(e.actor, e.action, e.subject) for e in reversed(ws.activity())] == [
        (who, "workspace_created", "acme"),
        (who, "member_added", "vi@acme.test"),
        (who, "member_added", "an@acme.test"),
        (who, "tags_changed", ACME[0].name),
        (who, "status_changed", ACME[0].name),
        (who, "note_added", ACME[0].name),
        (who, "link_created", "acme link (Instagram)"),
        (who, "shortlist_saved", "Acme picks"),
        (who, "campaign_saved", "Acme launch"),
    ]


def _create_link(ws: Workspace, w: World) -> None:
    new = ws.create_link(connector="instagram", redirect_url=ws.settings.callback_url, label="n")
    assert new.link.workspace == "acme"
    assert [link.label for link in ws.links()] == ["n", "acme link"]


def _cancel_link(ws: Workspace, w: World) -> None:
    assert ws.cancel_link(w.links["acme"].link.key)
    assert ws.link(w.links["acme"].link.key).status == LinkStatus.CANCELLED
    assert not ws.cancel_link(w.links["globex"].link.key)


def _remove_creator(ws: Workspace, w: World) -> None:
    assert ws.remove_creator(A1)  # on both rosters: off acme's only
    assert ws.creator(A1) is None
    assert not ws.remove_creator(G1)


def _set_relationship(ws: Workspace, w: World) -> None:
    after = ws.set_relationship(A1, tags=["acme-second"], status="contacted")
    assert (after.tags, after.status) == (["acme-second"], "contacted")
    with pytest.raises(NotInWorkspace):
        ws.set_relationship(G1, tags=["stolen"], status="declined")


def _add_note(ws: Workspace, w: World) -> None:
    assert [n["text"] for n in ws.add_note(A1, "Acme again").notes] == ["Acme note", "Acme again"]
    with pytest.raises(NotInWorkspace):
        ws.add_note(G1, "A look at a rival's creator")


def _save_shortlist(ws: Workspace, w: World) -> None:
    saved = ws.save_shortlist("Globex picks", [A1, G1])  # globex's name: acme's own list
    assert saved.creator_ids == [A1] and saved.shortlist_id != w.shortlists["globex"]
    assert sorted(s.name for s in ws.shortlists()) == ["Acme picks", "Globex picks"]


def _rename_shortlist(ws: Workspace, w: World) -> None:
    assert ws.rename_shortlist(w.shortlists["acme"], "Globex picks").name == "Globex picks"
    with pytest.raises(ShortlistError, match="no longer exists"):
        ws.rename_shortlist(w.shortlists["globex"], "Taken over")


def _delete_shortlist(ws: Workspace, w: World) -> None:
    assert ws.delete_shortlist(w.shortlists["acme"]) and ws.shortlists() == []
    assert not ws.delete_shortlist(w.shortlists["globex"])


def _save_campaign(ws: Workspace, w: World) -> None:
    saved = ws.save_campaign(Campaign("camp-new", "Acme summer", [A1, G1]))
    assert saved.creator_ids == [A1]
    with pytest.raises(NotInWorkspace):  # globex's campaign id: never overwritten
        ws.save_campaign(Campaign("camp-globex", "Taken over", [A1]))
    assert [c.name for c in ws.campaigns()] == ["Acme summer", "Acme launch"]


def _delete_campaign(ws: Workspace, w: World) -> None:
    assert ws.delete_campaign("camp-acme") and ws.campaigns() == []
    assert not ws.delete_campaign("camp-globex")


def _refresh_one(ws: Workspace, w: World) -> None:
    assert ws.load_insights(A1, refresh=True).source == "api"
    with pytest.raises(NotInWorkspace):
        ws.load_insights(G1, refresh=True)


def _refresh(ws: Workspace, w: World) -> None:
    done = list(ws.refresh([G1, A1, GLOBEX_ONLY[1].creator_id], concurrency=2))
    assert [creator_id for creator_id, _, _ in done] == [A1]
    assert len(ws.snapshots(A1)) == 2


def _add_new_creators(ws: Workspace, w: World) -> None:
    """The seed's use case: G1 joins acme's roster too, with acme's own tags."""
    found = [(on_roster(GLOBEX_ONLY[0]), Relationship(G1, tags=["seeded"]))]
    assert ws.add_new_creators(found) == 1
    assert ws.relationship(G1).tags == ["seeded"] and ws.relationship(G1).notes == []


def _keep_alert(ws: Workspace, w: World) -> None:
    with pytest.raises((NotInWorkspace, NotPermitted)):
        ws.keep_alert(StoredAlert("acme|g1", G1, "er_drop", "@g1: leaked", at=w.clock()))
    if ws.may_change:  # what a viewer's own alert does is not settled (see the report)
        assert ws.keep_alert(StoredAlert("acme|a2", A2, "er_drop", "@a2: down", at=w.clock()))
        assert [a.text for a in ws.alerts()] == ["@a2: down", "@acme: alert"]


def _workspace_listing(ws: Workspace, w: World) -> None:
    listing = {
        found.name: {m.email: m.role for m in rows} for found, rows in ws.workspace_listing()
    }
    assert listing == {
        "acme": {"an@acme.test": "analyst", "vi@acme.test": "viewer"},
        "default": {},
        "globex": {},
    }


def _create_workspace(ws: Workspace, w: World) -> None:
    assert ws.create_workspace(" Initech ") == "initech"
    assert [found.name for found in ws.store.workspaces()] == [
        "acme",
        "default",
        "globex",
        "initech",
    ]
    with pytest.raises(WorkspaceError, match="exists already"):
        ws.create_workspace("globex")


def _set_member(ws: Workspace, w: World) -> None:
    assert ws.set_member("acme", "New@Acme.test", "viewer").role == "viewer"
    assert ws.set_member("acme", "new@acme.test", "analyst").role == "analyst"
    assert roles_of(w.store, Actor("new@acme.test", None)) == {"acme": Role.ANALYST}
    with pytest.raises(WorkspaceError, match="no workspace named “nowhere”"):
        ws.set_member("nowhere", "new@acme.test", "analyst")


def _remove_member(ws: Workspace, w: World) -> None:
    assert ws.remove_member("acme", "vi@acme.test")
    assert not ws.remove_member("acme", "vi@acme.test")
    assert roles_of(w.store, ROLES["viewer"]) == {}


USE_CASES = {
    "creator": (READ, _creator),
    "creators": (READ, _creators),
    "roster_page": (READ, _roster_page),
    "roster_counts": (READ, _roster_counts),
    "find_creators": (READ, _find_creators),
    "creators_with_handles": (READ, _creators_with_handles),
    "relationship": (READ, _relationship),
    "snapshots": (READ, _snapshots),
    "latest_snapshots": (READ, _latest_snapshots),
    "cached": (READ, _cached),
    "load_insights": (READ, _load_insights),
    "load_many": (READ, _load_many),
    "links": (READ, _links),
    "link": (READ, _link),
    "shortlists": (READ, _shortlists),
    "shortlist": (READ, _shortlist),
    "campaigns": (READ, _campaigns),
    "campaign": (READ, _campaign),
    "alerts": (READ, _alerts),
    "activity": (READ, _activity),
    "create_link": (CHANGE, _create_link),
    "cancel_link": (CHANGE, _cancel_link),
    "remove_creator": (CHANGE, _remove_creator),
    "set_relationship": (CHANGE, _set_relationship),
    "add_note": (CHANGE, _add_note),
    "save_shortlist": (CHANGE, _save_shortlist),
    "rename_shortlist": (CHANGE, _rename_shortlist),
    "delete_shortlist": (CHANGE, _delete_shortlist),
    "save_campaign": (CHANGE, _save_campaign),
    "delete_campaign": (CHANGE, _delete_campaign),
    "load_insights refresh": (CHANGE, _refresh_one),
    "refresh": (CHANGE, _refresh),
    "add_new_creators": (CHANGE, _add_new_creators),
    "keep_alert": (KEEPING, _keep_alert),
    "workspace_listing": (ADMIN_ONLY, _workspace_listing),
    "create_workspace": (ADMIN_ONLY, _create_workspace),
    "set_member": (ADMIN_ONLY, _set_member),
    "remove_member": (ADMIN_ONLY, _remove_member),
}


def refusal(kind: str, role: str) -> str | None:
    """The sentence that must refuse ``role`` this kind of use case, or None."""
    if kind == CHANGE and role == "viewer":
        return "Viewers can read every page and download exports, but not"
    if kind == ADMIN_ONLY and role != "admin":
        return "Only admins can"
    return None


@pytest.mark.parametrize("role", ["viewer", "analyst", "admin"])
@pytest.mark.parametrize("use_case", list(USE_CASES))
def test_a_person_in_acme_gets_nothing_of_globex_and_does_only_what_their_role_allows(
    worlds, use_case, role
):
    """Every use case, as a viewer, an analyst and an admin of acme (someone not in acme
    cannot open it at all: the test after the next one)."""
    kind, run = USE_CASES[use_case]
    refused = refusal(kind, role)
    if refused or kind == READ:  # nothing may change, anywhere
        world = worlds.get(changes=False)
        ws = world.open(ROLES[role])
        assert ws.role is Role(role)
        before = stored(world)
        try:
            if refused:
                with pytest.raises(NotPermitted, match=refused):
                    run(ws, world)
            else:
                run(ws, world)
        finally:
            after = stored(world)
            worlds.dirty = after != before
        assert after == before
        return
    world = worlds.get(changes=True)
    ws = world.open(ROLES[role])
    assert ws.role is Role(role)
    before, seen_before = globex_rows(world), holdings(world.admin("globex"))
    run(ws, world)
    assert globex_rows(world) == before  # no change touches globex
    assert holdings(world.admin("globex")) == seen_before


def test_globex_really_holds_what_acme_must_not_show(worlds):
    """The table above is only worth something if globex has these things to leak."""
    world = worlds.get(changes=False)
    globex = world.admin("globex")
    assert set(ids(globex.creators())) == ACME_IDS | GLOBEX_ONLY_IDS
    assert globex.relationship(G1).tags == ["rival"] and globex.snapshots(G1)
    assert globex.cached(G1) is not None and globex.link(world.links["globex"].link.key)
    assert globex.shortlist(world.shortlists["globex"]) and globex.campaign("camp-globex")
    assert [alert.text for alert in globex.alerts()] == ["@globex: alert"]


NON_MEMBERS = {
    "an allow-list analyst never added to acme": ("out@agency.test", Role.ANALYST, None),
    "an allow-list viewer never added to acme": ("look@agency.test", Role.VIEWER, None),
    "an allow-list analyst an admin took out of default": (
        "gone@agency.test",
        Role.ANALYST,
        "default",
    ),
    "a member of globex only": ("g@globex.test", None, "globex"),
    "a member taken out of acme": ("was@acme.test", None, "acme"),
}


@pytest.mark.parametrize("who", list(NON_MEMBERS))
def test_someone_not_in_acme_cannot_open_it_and_is_told_why(store, boss, who):
    email, listed, where = NON_MEMBERS[who]
    for name in ("acme", "globex"):
        boss.create_workspace(name)
    if where == "default":
        boss.remove_member("default", email)
    elif where is not None:
        boss.set_member(where, email, "analyst")
        if where == "acme":
            boss.remove_member("acme", email)
    person = Actor(email, listed)
    with pytest.raises(NotInWorkspace) as opening:
        Workspace(boss.settings, store, boss.cache, person, workspace="acme")
    assert str(opening.value).startswith("You are not a member of a workspace named “acme”")
    with pytest.raises(NotInWorkspace):
        choose_workspace(roles_of(store, person), "acme", None)
    assert "acme" not in roles_of(store, person)


# --- where a person lands -------------------------------------------------------------------


def test_a_person_lands_in_the_workspace_they_were_added_to_first_and_in_default_last(store, boss):
    for name in ("acme", "globex", "initech"):
        boss.create_workspace(name)
    boss.set_member("globex", "ana@agency.test", "viewer")
    boss.set_member("acme", "ana@agency.test", "analyst")
    ana = Actor("ana@agency.test", Role.ANALYST)  # an analyst by the allow-lists
    roles = roles_of(store, ana)
    assert roles == {"globex": Role.VIEWER, "acme": Role.ANALYST, "default": Role.ANALYST}
    assert list(roles) == ["globex", "acme", "default"]
    assert choose_workspace(roles, None, None) == "globex"


def test_the_workspace_used_last_wins_and_the_one_asked_for_wins_over_it(store, boss):
    for name in ("acme", "globex"):
        boss.create_workspace(name)
        boss.set_member(name, "ana@agency.test", "analyst")
    ana = Actor("ana@agency.test", Role.ANALYST)
    Workspace(boss.settings, store, boss.cache, ana, workspace="globex").record_visit()
    last = store.last_workspace("ana@agency.test")
    roles = roles_of(store, ana)
    assert last == "globex" and choose_workspace(roles, None, last) == "globex"
    assert choose_workspace(roles, "default", last) == "default"
    boss.remove_member("globex", "ana@agency.test")  # taken out of the one used last
    assert choose_workspace(roles_of(store, ana), None, last) == "acme"


def test_asking_for_a_workspace_one_is_not_in_says_so_the_same_way_whether_it_exists_or_not(
    store, boss
):
    boss.create_workspace("globex")
    boss.store.in_workspace("globex").add_creator(on_roster(GLOBEX_ONLY[0]))
    ana = Actor("ana@agency.test", Role.ANALYST)
    roles = roles_of(store, ana)
    told = {}
    for name in ("globex", "nowhere"):
        with pytest.raises(NotInWorkspace) as asked:
            choose_workspace(roles, name, None)
        with pytest.raises(NotInWorkspace) as opened:
            Workspace(boss.settings, store, boss.cache, ana, workspace=name)
        assert str(asked.value) == str(opened.value)
        told[name] = str(asked.value)
    assert told["globex"] == told["nowhere"].replace("nowhere", "globex")  # nothing given away
    assert told["globex"].startswith("You are not a member of a workspace named “globex”")
    assert GLOBEX_ONLY[0].name not in told["globex"]


@pytest.mark.parametrize("listed", [Role.VIEWER, Role.ANALYST])
def test_the_allow_lists_put_people_in_default_with_their_lists_role_until_an_admin_takes_them_out(
    store, boss, listed
):
    person = Actor("pat@agency.test", listed)
    assert roles_of(store, person) == {"default": listed}
    assert Workspace(boss.settings, store, boss.cache, person).role is listed
    assert boss.remove_member("default", "Pat@Agency.test")
    assert roles_of(store, person) == {}
    with pytest.raises(NotInWorkspace, match="not a member of a workspace named “default”"):
        Workspace(boss.settings, store, boss.cache, person)
    with pytest.raises(NotInWorkspace, match="not a member of any workspace yet"):
        choose_workspace(roles_of(store, person), None, None)
    boss.set_member("default", "pat@agency.test", "viewer")  # let back in, as a viewer
    assert roles_of(store, person) == {"default": Role.VIEWER}


def test_a_workspace_created_later_has_only_the_members_added_to_it(store, boss):
    boss.create_workspace("acme")
    for listed in (Role.VIEWER, Role.ANALYST):
        assert roles_of(store, Actor(f"{listed}@agency.test", listed)) == {"default": listed}
    boss.set_member("acme", "brand@acme.test", "viewer")
    assert roles_of(store, Actor("brand@acme.test", None)) == {"acme": Role.VIEWER}


def test_admins_open_every_workspace_as_admins(store, boss):
    for name in ("globex", "acme"):
        boss.create_workspace(name)
    assert roles_of(store, ADMIN) == dict.fromkeys(["acme", "globex", "default"], Role.ADMIN)
    boss.set_member("globex", ADMIN.name, "viewer")  # a membership gives an admin no less
    assert roles_of(store, ADMIN) == dict.fromkeys(["globex", "acme", "default"], Role.ADMIN)
    assert Workspace(boss.settings, store, boss.cache, ADMIN, workspace="globex").may_change


# --- notes, tags and status are each workspace's ------------------------------------------------


def test_the_same_creator_has_separate_tags_notes_and_status_on_each_roster(world):
    acme, globex = world.open(ROLES["analyst"]), world.admin("globex")
    acme.set_relationship(A2, tags=["acme-only"], status="contacted")
    acme.add_note(A2, "Acme's plan")
    globex.set_relationship(A2, tags=["globex-only"], status="declined")
    assert (acme.relationship(A2).tags, acme.relationship(A2).status) == (
        ["acme-only"],
        "contacted",
    )
    assert (globex.relationship(A2).tags, globex.relationship(A2).status) == (
        ["globex-only"],
        "declined",
    )
    assert [n["text"] for n in acme.relationship(A2).notes] == ["Acme's plan"]
    assert globex.relationship(A2).notes == []
    assert globex.roster_page(RosterQuery(tags=("acme-only",))).matched == 0
    assert globex.roster_counts().by_status.get("contacted", 0) == 0
    assert acme.remove_creator(A2)  # off acme's roster: globex's tags stay
    assert globex.relationship(A2).tags == ["globex-only"]


# --- links: a creator joins the workspace the link was made in --------------------------------


def test_a_creator_who_finishes_a_link_made_in_acme_joins_acme_only(world):
    analyst = world.open(ROLES["analyst"])
    new = analyst.create_link(connector="instagram", redirect_url=world.settings.callback_url)
    globex_before = globex_rows(world)
    creator_browser = world.open(Actor("local", Role.VIEWER), "default")  # signed out
    outcome = creator_browser.finish_verification(
        state=new.state,
        token=world.sandbox.approve(new.state, username=NEWCOMER.username),
        via="callback",
        credit_link_creator=True,
    )
    assert outcome.status == "verified"
    joined = outcome.creator.creator_id
    assert world.admin("acme").creator(joined).name == NEWCOMER.name
    assert world.admin("globex").creator(joined) is None
    assert world.admin("default").creator(joined) is None
    latest = world.admin("acme").activity()[0]
    assert (latest.actor, latest.action) == ("an@acme.test", "creator_verified")
    assert world.admin("default").activity() == []
    assert globex_rows(world) == globex_before


@pytest.mark.parametrize("via", ["pasted_url", "pasted_token"])
def test_acmes_link_pasted_in_globex_is_refused_and_changes_nothing(world, via):
    world.admin("default").set_member("globex", "gil@globex.test", "analyst")
    link = world.links["acme"]
    token = world.sandbox.approve(link.state, username=NEWCOMER.username)
    before = stored(world)
    globex = world.open(Actor("gil@globex.test", None), "globex")
    outcome = globex.finish_verification(state=link.state, token=token, via=via)
    assert outcome.status == "rejected" and outcome.creator is None
    assert "acme" not in outcome.message
    assert stored(world) == before
    # The link is still acme's to finish, and its creator joins acme.
    acme = world.open(ROLES["analyst"])
    assert acme.link(link.link.key).status == LinkStatus.PENDING
    finished = acme.finish_verification(state=link.state, token=token, via=via)
    assert finished.status == "verified"
    assert acme.creator(finished.creator.creator_id) is not None
    assert globex.creator(finished.creator.creator_id) is None


# --- what admins do is in the activity of the workspace they did it to ---------------------------


def entries(ws: Workspace) -> list[tuple[str, str, str, str]]:
    return [(e.actor, e.action, e.subject, e.detail) for e in reversed(ws.activity())]


def test_admin_changes_are_recorded_in_the_activity_of_the_workspace_they_changed(store, boss):
    boss.create_workspace("acme")
    boss.create_workspace("globex")
    boss.set_member("acme", "vi@acme.test", "viewer")
    boss.set_member("acme", "vi@acme.test", "viewer")  # no change: nothing to record
    boss.set_member("acme", "vi@acme.test", "analyst")
    boss.remove_member("acme", "vi@acme.test")
    boss.remove_member("default", "pat@agency.test")
    boss.set_member("default", "pat@agency.test", "viewer")  # let back in
    who = ADMIN.name
    in_acme = Workspace(boss.settings, store, boss.cache, ADMIN, workspace="acme")
    assert entries(in_acme) == [
        (who, "workspace_created", "acme", ""),
        (who, "member_added", "vi@acme.test", "viewer"),
        (who, "member_role_changed", "vi@acme.test", "analyst"),
        (who, "member_removed", "vi@acme.test", ""),
    ]
    assert entries(boss) == [
        (who, "member_removed", "pat@agency.test", ""),
        (who, "member_added", "pat@agency.test", "viewer"),
    ]
    globex = Workspace(boss.settings, store, boss.cache, ADMIN, workspace="globex")
    assert entries(globex) == [(who, "workspace_created", "globex", "")]


def test_an_admin_who_is_not_a_member_leaves_a_trace_in_the_workspace_they_open(store, boss, ticks):
    boss.create_workspace("acme")
    boss.set_member("acme", "lead@agency.test", "analyst")
    boss.set_member("acme", "an@acme.test", "analyst")
    acme = Workspace(boss.settings, store, boss.cache, ADMIN, workspace="acme")
    before = entries(acme)

    def visit(actor: Actor) -> None:
        opened = Workspace(boss.settings, store, boss.cache, actor, workspace="acme", clock=ticks)
        opened.record_visit()

    visit(ADMIN)
    visit(ADMIN)  # again a moment later: counted on the same entry
    visit(Actor("lead@agency.test"))  # an admin who is a member of acme
    visit(Actor("an@acme.test", None))
    assert entries(acme) == [
        *before,
        (ADMIN.name, "workspace_viewed_by_admin", "acme", ""),
    ]
    assert acme.activity()[0].count == 2
    assert store.last_workspace("lead@agency.test") == "acme"


# --- the commands -------------------------------------------------------------------------------


def command_env(backend: Backend, sandbox: Sandbox | None = None) -> dict[str, str]:
    """A command's environment on this backend: its data folder (where ``backend.store()``
    looks) or its team database; the sandbox's API, else the embedded one."""
    env = {"FPAPI_DATA_DIR": str(backend.folder)}
    if backend.url is not None:
        env["FPAPI_DATABASE_URL"] = backend.url
    if sandbox is not None:
        env |= {"FPAPI_BASE_URL": sandbox.base_url, "FPAPI_TOKEN": sandbox.token}
    return env


def test_the_workspaces_command_creates_lists_adds_and_removes(backend, capsys):
    env = command_env(backend)

    def run(*argv: str) -> tuple[int, str, str]:
        status = workspaces_command.main(list(argv), env)
        said = capsys.readouterr()
        return status, said.out.strip(), said.err.strip()

    assert run("create", "Acme") == (0, "Created the workspace acme.", "")
    assert run("add", "acme", "Ana@Brand.com", "--role", "viewer") == (
        0,
        "ana@brand.com is viewer in acme.",
        "",
    )
    assert run("add", "acme", "ana@brand.com", "--role", "analyst")[1] == (
        "ana@brand.com is analyst in acme."
    )
    status, out, _ = run("list")
    assert status == 0
    assert out.splitlines() == [
        "acme",
        "  ana@brand.com  analyst",
        "default",
        "  (and everyone the allow-lists let in, with their list's role)",
    ]
    assert run("remove", "acme", "ana@brand.com")[:2] == (0, "Removed ana@brand.com from acme.")
    assert run("remove", "acme", "ana@brand.com")[:2] == (
        0,
        "Nothing to do: ana@brand.com is not in acme.",
    )
    store = backend.store()
    acme = store.in_workspace("acme")
    assert [(e.actor, e.action) for e in reversed(acme.activity())] == [
        ("workspaces command", "workspace_created"),
        ("workspaces command", "member_added"),
        ("workspaces command", "member_role_changed"),
        ("workspaces command", "member_removed"),
    ]
    store.close()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["create", "Not a name!"], "A workspace name is 1 to 40 lower-case letters"),
        (["create", "a" * 41], "A workspace name is 1 to 40 lower-case letters"),
        (["create", "default"], "A workspace named “default” exists already."),
        (["add", "globex", "ana@brand.com", "--role", "analyst"], "no workspace named “globex”"),
        (["remove", "globex", "ana@brand.com"], "no workspace named “globex”"),
        (["add", "default", "not an address", "--role", "viewer"], "one plain e-mail address"),
    ],
)
def test_the_workspaces_command_refuses_with_a_sentence_and_exit_status_1(
    tmp_path, capsys, argv, said
):
    env = {"FPAPI_DATA_DIR": str(tmp_path)}
    assert workspaces_command.main(argv, env) == 1
    err = capsys.readouterr().err.strip()
    assert said in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_the_seed_command_fills_the_workspace_it_is_given_and_creates_it(backend, capsys):
    env = command_env(backend)
    assert seed_command.main(["--creators", "15", "--workspace", "acme"], env) == 0
    assert "Added 15 demo creators to the roster of the workspace acme" in capsys.readouterr().out
    assert seed_command.main(["--creators", "18", "--workspace", "acme"], env) == 0
    assert "Added 3 demo creators" in capsys.readouterr().out
    store = backend.store()
    assert [found.name for found in store.workspaces()] == ["acme", "default"]
    assert store.in_workspace("acme").roster_counts().total == 18
    assert store.roster_counts().total == 0  # nothing in default
    store.close()
    assert seed_command.main(["--creators", "5", "--workspace", "Not a name!"], env) == 1
    assert "A workspace name is" in capsys.readouterr().err


def test_the_refresh_command_refreshes_and_prints_only_the_workspace_it_is_given(
    backend, clean_sandbox, capsys
):
    store = backend.store()
    for name, accounts in (("acme", POOL[:2]), ("globex", (POOL[0], *POOL[2:4]))):
        store.create_workspace(name, by="test")
        for account in accounts:
            store.in_workspace(name).add_creator(on_roster(account))
    env = command_env(backend, clean_sandbox)

    def handles(out: str) -> list[str]:
        return [line.split()[0] for line in out.splitlines()]

    if backend.name == "postgresql":  # the team database: queued for workers, then done by one
        assert refresh_command.main(["--workspace", "acme"], env) == 0
        assert "Queued 2 creators for refresh" in capsys.readouterr().out
        with workers(env, 1):
            wait_until_drained(env)
        assert [len(store.snapshots(a.creator_id)) for a in POOL[:4]] == [1, 1, 0, 0]
        assert refresh_command.main([], env) == 0  # every workspace: each creator once
        assert "Queued 4 creators for refresh" in capsys.readouterr().out
        with workers(env, 1):
            wait_until_drained(env)
        assert [len(store.snapshots(a.creator_id)) for a in POOL[:4]] == [2, 2, 1, 1]
        store.close()
        return
    assert refresh_command.main(["--workspace", "acme"], env) == 0
    assert sorted(handles(capsys.readouterr().out)) == sorted(f"@{a.username}" for a in POOL[:2])
    assert [len(store.snapshots(a.creator_id)) for a in POOL[:4]] == [1, 1, 0, 0]

    assert refresh_command.main([], env) == 0  # every workspace, each under its heading
    lines = handles(capsys.readouterr().out)
    assert lines[0] == "#" and lines[3] == "#" and lines[7] == "#" and len(lines) == 8
    assert sorted(lines[1:3]) == sorted(f"@{a.username}" for a in POOL[:2])
    assert sorted(lines[4:7]) == sorted(f"@{a.username}" for a in (POOL[0], *POOL[2:4]))
    assert [len(store.snapshots(a.creator_id)) for a in POOL[:4]] == [2, 2, 1, 1]  # once each
    store.close()

    assert refresh_command.main(["--workspace", "nowhere"], env) == 2
    said = capsys.readouterr()
    assert said.out == "" and "There is no workspace named “nowhere”" in said.err
