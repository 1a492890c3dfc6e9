"""Forgetting a creator (issue 28), on the data folder, the team database on SQLite and on
PostgreSQL.

Three creators are on two client workspaces' rosters, acme's and globex's, each brought in by
a link, tagged, noted, fetched (the sandbox's real insights body, and a large one kept under a
second API), alerted on, on a shortlist and in a campaign, and named in the activity list. An
analyst of acme forgets one. Then no table, no file of the folder (compressed values and the
write-ahead log included) and no pg_dump holds their id, handle, name or Instagram id; the other
two are as they were; the activity list keeps its entries with the deletion code in place of
the name; and the code's receipt says when they connected and when they were deleted. A copy
planted in an extra table is found by the same search, so the search itself works.

Then withdrawn consent through the real client and sandbox, retention, and the command.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fpapi import Insights
from fpapi.commands import forget as forget_command
from fpapi.commands import refresh as refresh_command
from fpapi.errors import ConsentLapsed, NotInWorkspace, NotPermitted
from fpapi.sandbox import Sandbox, build_insights, instagram_pool
from fpapi.sandbox.accounts import SandboxAccount
from fpapi.storage.cache import DEFAULT_TTL_S, InsightCache, LoadedInsights
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import Activity, Campaign, Creator, Snapshot, StoredAlert, unaccented
from fpapi.storage.store import Store
from fpapi.workspace.core import Actor, Workspace
from fpapi.workspace.forgetting import deletion_code
from fpapi.workspace.headlines import settle
from fpapi.workspace.settings import Settings, load_settings
from tests.backends import Backend
from tests.helpers import Clock, add_to_roster

DAY_S = 86_400
POOL = instagram_pool()
# Lucía's name has accents (the roster also keeps it without them), and neither other body
# mentions her: the sandbox's posts tag pool creators, and a body that tags her is that other
# creator's data (see test_the_other_creators_bodies_do_not_name_the_forgotten_one).
FORGOTTEN, KEPT = POOL[2], (POOL[3], POOL[6])
ALL = (FORGOTTEN, *KEPT)
F_ID = FORGOTTEN.creator_id
KEPT_IDS = [account.creator_id for account in KEPT]
WORKSPACES = ("acme", "globex")
ADMIN = Actor("boss@agency.test")
ANALYST = Actor("an@acme.test", None)  # an analyst of acme only
VIEWER = Actor("vi@acme.test", None)
OTHER_API = "https://vendor.example/v1"  # a second API the cache kept a response from
# Random hex hardly compresses: a body this large is a diskcache value file, not a row.
PADDING = random.Random(28).randbytes(300_000).hex()


def link_label(account: SandboxAccount, workspace: str) -> str:
    """The label of the link that brought ``account`` into ``workspace``: acme's link for the
    forgotten creator names her by initials only, so only the label ties it to her."""
    if account is FORGOTTEN and workspace == "acme":
        return "LM spring deal"
    return f"{account.name} ({workspace})"


def identifiers(account: SandboxAccount) -> set[str]:
    """Every text that identifies a creator: id, handle, Instagram id, name (as typed, as the
    roster searches it, and as JSON escapes it), and the labels of the links that brought
    them in."""
    name = account.name
    return {
        account.creator_id,
        account.username,
        account.platform_user_id,
        name,
        unaccented(name.casefold()),
        json.dumps(name)[1:-1],  # as JSON escapes it
        *(link_label(account, workspace) for workspace in WORKSPACES),
    }


NEEDLES = identifiers(FORGOTTEN)
# Her name as json.dumps escapes it: the data folder's cache writes JSON so; the database's JSON
# columns are written by orjson, which keeps the name as it is.
ESCAPED = json.dumps(FORGOTTEN.name)[1:-1]


def big_body(account: SandboxAccount) -> dict[str, Any]:
    body = build_insights(account)
    body["unrelated_data"] = {"padding": PADDING}
    return body


# --- searching what is stored --------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A stored value as text: a blob decompressed when it is zlib's (diskcache's JSONDisk
    compresses keys and values), anything else as JSON."""
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        return raw.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    return "\n".join(json.dumps(value, default=str, ensure_ascii=e) for e in (False, True))


def found_in_tables(engine: sa.Engine, needles: set[str]) -> dict[str, set[str]]:
    """Which needles some row of some table of the database holds (any case), and where."""
    meta = sa.MetaData()
    meta.reflect(engine)
    assert meta.tables, "nothing reflected: the search would find nothing anyway"
    found: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for table in meta.sorted_tables:
            for row in connection.execute(sa.select(table)):
                text = "\n".join(as_text(value) for value in row).casefold()
                for needle in needles:
                    if needle.casefold() in text:
                        found.setdefault(needle, set()).add(table.name)
    return found


ZLIB_HEADER = re.compile(rb"\x78[\x01\x5e\x9c\xda]")
INFLATE_CHUNK_BYTES = 64
INFLATE_MAX_BYTES = 16_384  # a blob inside a database file is contiguous for a page at most


def readable(path: Path) -> Iterator[str]:
    """What a file holds as text: its raw bytes, then whatever inflates from each place a zlib
    stream could start (deleted pages and the log included), as far as it inflates."""
    data = path.read_bytes()
    yield data.decode("utf-8", "replace")
    for match in ZLIB_HEADER.finditer(data):
        start = match.start()
        end = len(data) if path.suffix == ".val" else start + INFLATE_MAX_BYTES
        inflater = zlib.decompressobj()
        pieces = []
        with contextlib.suppress(zlib.error):
            for at in range(start, min(end, len(data)), INFLATE_CHUNK_BYTES):
                pieces.append(inflater.decompress(data[at : at + INFLATE_CHUNK_BYTES]))
                if inflater.eof:
                    break
        if any(pieces):
            yield b"".join(pieces).decode("utf-8", "replace")


def found_in_files(folder: Path, needles: set[str]) -> dict[str, set[str]]:
    """Which needles some file under ``folder`` holds (any case), and in which files."""
    found: dict[str, set[str]] = {}
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert files, "no file to scan"
    for path in files:
        where = str(path.relative_to(folder))
        for text in [where, *readable(path)]:
            folded = text.casefold()
            for needle in needles:
                if needle.casefold() in folded:
                    found.setdefault(needle, set()).add(where)
    return found


def names_forgotten(entry: Activity) -> bool:
    text = f"{entry.subject}\n{entry.detail}".casefold()
    return any(needle.casefold() in text for needle in NEEDLES)


# --- the world: three creators on two rosters ----------------------------------------------------


@dataclass
class World:
    backend: Backend
    settings: Settings
    store: Store
    cache: InsightCache  # the sandbox's responses
    other: InsightCache  # another API's, on the same shelf
    clock: Clock
    cache_db: sa.Engine | None  # the data folder's insight cache, for searching its tables

    def open(self, actor: Actor, name: str = "acme") -> Workspace:
        return Workspace(
            self.settings, self.store, self.cache, actor, workspace=name, clock=self.clock
        )

    def engines(self) -> list[sa.Engine]:
        """Every database of this backend: the store's (the team database holds the cache
        too), and on the data folder the insight cache's own."""
        return [self.store.engine, *([self.cache_db] if self.cache_db else [])]

    def close(self) -> None:
        self.cache.close()
        self.store.close()
        if self.cache_db is not None:
            self.cache_db.dispose()


def build(backend: Backend, sandbox: Sandbox) -> World:
    clock = Clock(time.time(), step=1)
    settings = Settings(base_url=sandbox.base_url, token=sandbox.token)
    store = backend.store(clock=clock)
    shelf = backend.shelf()
    world = World(
        backend,
        settings,
        store,
        InsightCache(shelf, api_base_url=sandbox.base_url, clock=clock),
        InsightCache(shelf, api_base_url=OTHER_API, clock=clock),
        clock,
        sa.create_engine(f"sqlite:///{backend.folder / 'insights' / 'cache.db'}")
        if backend.name == "local"
        else None,
    )
    boss = world.open(ADMIN, "default")
    for name in WORKSPACES:
        boss.create_workspace(name)
    boss.set_member("acme", ANALYST.name, "analyst")
    boss.set_member("acme", VIEWER.name, "viewer")
    ids = [account.creator_id for account in ALL]
    for name in WORKSPACES:
        ws = world.open(ADMIN, name)
        for number, account in enumerate(ALL):
            cid = account.creator_id
            new = ws.create_link(
                connector="instagram",
                redirect_url=settings.callback_url,
                label=link_label(account, name),
            )
            token = sandbox.approve(new.state, username=account.username)
            outcome = ws.finish_verification(state=new.state, token=token, via="pasted_url")
            assert outcome.status == "verified", outcome.message
            ws.set_relationship(cid, tags=[f"{account.username} collab", name], status="contacted")
            ws.add_note(cid, f"{account.name} (@{account.username}) answered within a day")
            alert = f"@{account.username}: ER fell from 3.{number}% to 1.2%"
            ws.keep_alert(StoredAlert(f"{name}|{cid}|er", cid, "er_drop", alert, at=clock()))
            ws.record_export(account.name, f"{account.username}.csv")
            ws._record("insights_refreshed", f"@{account.username}")
        fees = {cid: {"amount": 500 + n, "currency": "EUR"} for n, cid in enumerate(ids)}
        notes = {account.creator_id: f"{account.name} fits the brief" for account in ALL}
        ws.save_shortlist(f"{name.title()} spring picks", ids, fees=fees, notes=notes)
        ws.save_campaign(
            Campaign(
                f"camp-{name}",
                f"{name.title()} spring launch",
                ids,
                ["springlaunch"],
                start="2025-03-01",
                end="2025-04-30",
                fees=fees,
            )
        )
    acme = world.open(ADMIN, "acme")
    # Each joined with a first fetch in the background: done (body and snapshot) before this
    # looks at them, or the body may be cached a moment before its snapshot is kept.
    assert settle(timeout_s=60, creator_ids=ids)
    for number, account in enumerate(ALL):
        cid = account.creator_id
        # the sandbox's body, fetched when they joined (its snapshot kept), or now
        assert acme.load_insights(cid).source in ("api", "cache") and store.snapshots(cid)
        store.add_snapshots(
            [Snapshot(cid, clock.now - days * DAY_S, followers=1_000.0 + days) for days in (30, 60)]
        )
        if number < 2:  # the forgotten creator and one other: a body large enough for a file
            world.other.put(cid, Insights.from_raw(big_body(account)))
    return world


@pytest.fixture
def world(backend, clean_sandbox):
    built = build(backend, clean_sandbox)
    yield built
    built.close()


def kept_view(world: World, *, redacted: str | None = None) -> dict[str, Any]:
    """Everything about the two other creators, as their workspaces read it: with ``redacted``
    (a deletion code), activity entries reading that code are left out, as before forgetting
    those naming the forgotten creator are."""

    def without_forgotten(mapping: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in mapping.items() if key != F_ID}

    def kept(entry: Activity) -> bool:
        if redacted is None:
            return not names_forgotten(entry)
        return entry.action != "creator_forgotten" and redacted not in entry.subject

    view: dict[str, Any] = {}
    for name in WORKSPACES:
        store = world.store.in_workspace(name)
        view[name] = {
            "roster": store.get_creators(KEPT_IDS),
            "relationships": [store.relationship(cid) for cid in KEPT_IDS],
            "links": sorted(
                (link.label, link.status, link.creator_id)
                for link in store.links()
                if link.creator_id in KEPT_IDS
            ),
            "alerts": [alert for alert in store.alerts() if alert.creator_id in KEPT_IDS],
            "shortlists": [
                (
                    s.name,
                    [c for c in s.creator_ids if c != F_ID],
                    without_forgotten(s.fees),
                    without_forgotten(s.notes),
                )
                for s in store.shortlists()
            ],
            "campaigns": [
                (
                    c.name,
                    [cid for cid in c.creator_ids if cid != F_ID],
                    without_forgotten(c.fees),
                    c.hashtags,
                    c.start,
                    c.end,
                )
                for c in store.campaigns()
            ],
            "activity": [entry for entry in store.activity(limit=1_000) if kept(entry)],
        }
    view["snapshots"] = {cid: world.store.snapshots(cid) for cid in KEPT_IDS}
    view["cached"] = {
        (cache.api_base_url, cid): cache.summary(cid)
        for cache in (world.cache, world.other)
        for cid in KEPT_IDS
    }
    view["handles"] = {
        cid: world.cache.peek(cid).insights.profile_overview.handle for cid in KEPT_IDS
    }
    return view


def named_entries(world: World) -> dict[str, list[tuple[float, str, str]]]:
    """Per workspace, the activity entries that name the forgotten creator: when, who, what."""
    return {
        name: [
            (entry.at, entry.actor, entry.action)
            for entry in world.store.in_workspace(name).activity(limit=1_000)
            if names_forgotten(entry)
        ]
        for name in WORKSPACES
    }


def plant(engine: sa.Engine) -> None:
    """A copy of the forgotten creator the product knows nothing about: her handle as text,
    and her Instagram id only zlib-compressed (found only by inflating)."""
    blob = zlib.compress(json.dumps({"ig_user_id": FORGOTTEN.platform_user_id}).encode())
    assert FORGOTTEN.platform_user_id.encode() not in blob
    meta = sa.MetaData()
    planted = sa.Table("planted", meta, sa.Column("t", sa.Text), sa.Column("b", sa.LargeBinary))
    meta.create_all(engine)
    with engine.begin() as connection:
        connection.execute(planted.insert().values(t=f"@{FORGOTTEN.username}", b=blob))


# --- forgetting, on every backend ----------------------------------------------------------------


def test_the_other_creators_bodies_do_not_name_the_forgotten_one():
    """The premise of the searches below: what is left of the other creators holds nothing of
    hers, so any hit is something forgetting left behind."""
    for account in KEPT:
        body = json.dumps(big_body(account), ensure_ascii=False).casefold()
        assert not [n for n in NEEDLES if n.casefold() in body], account.username


@pytest.mark.parametrize("planted", [False, True], ids=["forgotten", "planted copy"])
def test_an_analyst_of_acme_forgets_a_creator_and_no_table_or_file_holds_her(world, planted):
    engines = world.engines()
    folder = world.backend.folder
    on_disk = world.backend.name in ("local", "sqlite")
    # Before: every search finds her, the data folder's compressed cache included.
    before = {}
    for engine in engines:
        for needle, tables in found_in_tables(engine, NEEDLES).items():
            before.setdefault(needle, set()).update(tables)
    assert set(before) == NEEDLES
    assert {"creators", "links", "activity", "relationships"} <= set().union(*before.values())
    if on_disk:
        in_files = found_in_files(folder, NEEDLES)
        assert set(in_files) == (NEEDLES if world.backend.name == "local" else NEEDLES - {ESCAPED})
        cache_files = "insights/" if world.backend.name == "local" else "team.db"
        assert any(f.startswith(cache_files) for f in in_files[FORGOTTEN.platform_user_id])
    kept_before = kept_view(world)
    named_before = named_entries(world)
    assert all(len(entries) >= 7 for entries in named_before.values()), named_before
    connected = min(
        world.store.in_workspace(name).get_creator(F_ID).added_at for name in WORKSPACES
    )

    asked_at = world.clock.now
    deletion = world.open(ANALYST).forget_creator(F_ID)

    assert asked_at < deletion.deleted_at <= world.clock.now
    assert deletion.connected_at == connected
    if planted:
        plant(world.store.engine)
    expected = (
        {FORGOTTEN.username: {"planted"}, FORGOTTEN.platform_user_id: {"planted"}}
        if planted
        else {}
    )
    found: dict[str, set[str]] = {}
    for engine in engines:
        found.update(found_in_tables(engine, NEEDLES))
    assert found == expected
    if on_disk:
        assert set(found_in_files(folder, NEEDLES)) == set(expected)
    assert kept_view(world, redacted=deletion.code) == kept_before
    for name in WORKSPACES:
        entries = world.store.in_workspace(name).activity(limit=1_000)
        by_when = {(e.at, e.actor, e.action): e for e in entries}
        for when in named_before[name]:
            assert deletion.code in by_when[when].subject, by_when[when]
        forgotten = [e for e in entries if e.action == "creator_forgotten"]
        who = ANALYST.name if name == "acme" else "the app"  # another client's staff unnamed
        assert [(e.actor, e.subject) for e in forgotten] == [(who, f"deletion {deletion.code}")]
        assert world.store.in_workspace(name).get_creator(F_ID) is None


def test_the_deletion_receipt_is_found_by_its_code_and_nothing_else(backend, clock):
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=OTHER_API, clock=clock)
    ws = Workspace(Settings(base_url=None), store, cache, ADMIN, clock=clock)
    store.add_creator(Creator(F_ID, "instagram", name=FORGOTTEN.name, verified_at=1_000.0))
    clock.now = 9_000.0
    deletion = ws.forget_creator(F_ID)
    assert (deletion.connected_at, deletion.deleted_at) == (1_000.0, 9_000.0)
    assert ws.deletion(deletion.code) == deletion
    assert ws.deletion(f"  {deletion.code.upper()} ") == deletion  # read aloud, typed back
    for unknown in (deletion_code(), "", "abc", deletion.code + "!", "x' OR '1'='1", "\x00"):
        assert ws.deletion(unknown) is None, unknown


def test_shortlists_named_after_her_keep_distinct_names_and_the_folder_stays(backend, clock):
    """Two shortlists that differ only by her name would collide once it is replaced: the
    second is numbered, nothing fails, and the data folder is never taken for damaged."""
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=OTHER_API, clock=clock)
    ws = Workspace(Settings(base_url=None), store, cache, ADMIN, clock=clock)
    store.add_creator(Creator(F_ID, "instagram", name=FORGOTTEN.name, verified_at=1_000.0))
    store.add_creator(Creator(KEPT[0].creator_id, "instagram", name=KEPT[0].name))
    ws.save_shortlist(f"Picks {FORGOTTEN.name}", [F_ID, KEPT[0].creator_id])
    ws.save_shortlist("Picks [a forgotten creator]", [KEPT[0].creator_id])

    ws.forget_creator(F_ID)

    names = sorted(s.name for s in store.shortlists())
    assert names == ["Picks [a forgotten creator]", "Picks [a forgotten creator] (2)"]
    assert store.recovered_from is None and ws.creator(KEPT[0].creator_id) is not None


def test_entries_that_only_share_her_links_label_are_not_redacted(backend, clock):
    """A link's label is the agency's word for a batch of links (a campaign's name, "demo"),
    not hers alone: entries about a campaign or a shortlist of that name stay as they were."""
    clock.step = 1
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=OTHER_API, clock=clock)
    ws = Workspace(Settings(base_url=None), store, cache, ADMIN, clock=clock)
    for account in ALL:
        store.add_creator(
            Creator(account.creator_id, "instagram", name=account.name,
                    username=account.username, label="spring launch", verified_at=clock())
        )  # fmt: skip
    ws.save_campaign(Campaign("camp-1", "spring launch", [a.creator_id for a in ALL]))
    ws.save_shortlist("spring launch picks", [a.creator_id for a in ALL])
    ws.add_note(KEPT[0].creator_id, "Booked for the spring launch")
    before = [e for e in ws.activity() if not names_forgotten(e)]
    assert len(before) == 3

    deletion = ws.forget_creator(F_ID)

    after = [e for e in ws.activity() if e.action != "creator_forgotten"]
    assert [e for e in after if deletion.code in e.subject] == []
    assert after == before


def test_links_that_name_her_go_too_even_those_she_never_finished(backend, clean_sandbox, clock):
    """The links made for her that no creator finished name her in their label only: the
    one she refused, and the fresh one the app made itself when her consent lapsed
    ("Prepare a fresh link": labelled "NAME (reconnect)")."""
    settings = Settings(base_url=clean_sandbox.base_url, token=clean_sandbox.token)
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=clean_sandbox.base_url, clock=clock)
    ws = Workspace(settings, store, cache, ADMIN, clock=clock)

    def link(label: str) -> str:
        new = ws.create_link(connector="instagram", redirect_url=settings.callback_url, label=label)
        return new.state

    refused = link(FORGOTTEN.name)
    assert ws.finish_verification(state=refused, error="access_denied", via="callback").status == (
        "refused"
    )
    verified = link("spring launch")
    token = clean_sandbox.approve(verified, username=FORGOTTEN.username)
    assert ws.finish_verification(state=verified, token=token, via="pasted_url").status == (
        "verified"
    )
    link(f"{FORGOTTEN.name} (reconnect)")  # still pending when she asks to be forgotten

    ws.forget_creator(F_ID)

    assert found_in_tables(store.engine, NEEDLES) == {}
    assert [lk.label for lk in ws.links()] == []


def test_only_an_analyst_of_a_roster_with_the_creator_may_forget_them(world):
    with pytest.raises(NotPermitted):
        world.open(VIEWER).forget_creator(F_ID)
    boss = world.open(ADMIN, "globex")
    boss.store.add_creator(Creator(POOL[9].creator_id, "instagram", name=POOL[9].name))
    with pytest.raises(NotInWorkspace):  # globex's creator, from acme
        world.open(ANALYST).forget_creator(POOL[9].creator_id)
    assert world.store.workspaces_of(F_ID) == list(WORKSPACES)
    assert boss.creator(POOL[9].creator_id) is not None
    assert world.cache.peek(F_ID) is not None


def test_pg_dump_after_forgetting_holds_none_of_her_identifiers(postgres, tmp_path, clean_sandbox):
    backend = Backend.make("postgresql", tmp_path, postgres)
    try:
        world = build(backend, clean_sandbox)
        database = backend.url.rsplit("/", 1)[1]
        dumped = postgres.dump(database).casefold()
        assert [needle for needle in NEEDLES if needle.casefold() not in dumped] == [ESCAPED]
        world.open(ANALYST).forget_creator(F_ID)
        dumped = postgres.dump(database).casefold()
        assert [needle for needle in NEEDLES if needle.casefold() in dumped] == []
        for account in KEPT:  # the dump is the real thing: the others are in it
            assert account.username in dumped and account.platform_user_id in dumped
        world.close()
    finally:
        backend.close()


def test_the_data_folder_deletes_the_copies_it_kept_aside(tmp_path, clock):
    """A damaged database moved aside, and an older version's folder, may hold her: they
    cannot be searched, so forgetting deletes them."""
    store = DataFolderStore(tmp_path / "store", clock=clock)
    cache = InsightCache(tmp_path / "insights", api_base_url=OTHER_API, clock=clock)
    store.add_creator(Creator(F_ID, "instagram", name=FORGOTTEN.name, username=FORGOTTEN.username))
    cache.put(F_ID, Insights.from_raw(build_insights(FORGOTTEN)))
    kept_aside = [
        tmp_path / "store.corrupt-20250101-000000",
        tmp_path / "insights.corrupt-20250101-000000~1",
        tmp_path / "store" / "before-roster-db",
    ]
    for folder in kept_aside:
        folder.mkdir()
        (folder / "cache.db").write_text(f"@{FORGOTTEN.username} {FORGOTTEN.name}")
    ws = Workspace(Settings(base_url=None), store, cache, ADMIN, clock=clock)
    ws.forget_creator(F_ID)
    assert [folder for folder in kept_aside if folder.exists()] == []
    assert found_in_files(tmp_path, NEEDLES) == {}
    ws.close()


# --- withdrawn consent through the real client ---------------------------------------------------

REVOKED, STILL = POOL[2], POOL[3]


@dataclass
class Revoking:
    store: Store
    cache: InsightCache
    clock: Clock
    sandbox: Sandbox
    settings: Settings

    def open(self, name: str = "acme", actor: Actor = ANALYST) -> Workspace:
        return Workspace(
            self.settings, self.store, self.cache, actor, workspace=name, clock=self.clock
        )

    def calls(self, account: SandboxAccount = REVOKED) -> int:
        return self.sandbox.calls[f"insights:{account.creator_id}"]


def revoking(backend: Backend, sandbox: Sandbox, **environ: str) -> Revoking:
    """Two creators on acme's and globex's rosters, each fetched once; the settings from the
    environment, as the app reads them."""
    settings = load_settings(
        {"FPAPI_BASE_URL": sandbox.base_url, "FPAPI_TOKEN": sandbox.token, **environ}, {}
    )
    clock = Clock(time.time(), step=1)
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=sandbox.base_url, clock=clock)
    world = Revoking(store, cache, clock, sandbox, settings)
    boss = world.open("default", ADMIN)
    for name in WORKSPACES:
        boss.create_workspace(name)
        for account in (REVOKED, STILL):
            store.in_workspace(name).add_creator(
                Creator(account.creator_id, "instagram", name=account.name,
                        username=account.username, verified_at=clock())
            )  # fmt: skip
    boss.set_member("acme", ANALYST.name, "analyst")
    loaded = world.open().load_many([REVOKED.creator_id, STILL.creator_id])
    assert all(isinstance(each, LoadedInsights) for each in loaded.values())
    return world


def outcome_of(ws: Workspace, path: str, creator_id: str, other: str) -> Any:
    """What the page or command sees for ``creator_id``, fetched along ``path``."""
    if path == "load_insights":
        try:
            return ws.load_insights(creator_id, refresh=True)
        except ConsentLapsed as err:
            return err
    if path == "load_many":
        return ws.load_many([creator_id, other]).get(creator_id)
    outcomes = {cid: outcome for cid, outcome, _ in ws.refresh([creator_id, other], concurrency=2)}
    return outcomes.get(creator_id)


@pytest.mark.parametrize("path", ["load_insights", "load_many", "refresh"])
def test_a_creator_whose_consent_the_vendor_says_is_revoked_is_forgotten_at_once(
    backend, clean_sandbox, path
):
    world = revoking(backend, clean_sandbox)
    ws = world.open()
    world.clock.now += 2 * DEFAULT_TTL_S  # the cached copies are stale: the vendor is asked
    clean_sandbox.knobs.revoked = [REVOKED.creator_id]
    calls = world.calls()

    outcome = outcome_of(ws, path, REVOKED.creator_id, STILL.creator_id)

    assert world.calls() == calls + 1
    assert isinstance(outcome, ConsentLapsed), outcome
    code = re.search(r"deletion code (\w+)", str(outcome)).group(1)
    assert ws.deletion(code) is not None
    assert world.store.workspaces_of(REVOKED.creator_id) == []
    assert world.store.snapshots(REVOKED.creator_id) == []
    assert world.cache.peek(REVOKED.creator_id) is None
    for name in WORKSPACES:
        entries = world.store.in_workspace(name).activity()
        assert ("creator_forgotten", f"deletion {code}") in [(e.action, e.subject) for e in entries]
        assert [e for e in entries if names_forgotten(e)] == []
    assert [e.action for e in ws.activity()].count("consent_withdrawn") == 1
    assert world.store.workspaces_of(STILL.creator_id) == list(WORKSPACES)
    assert world.cache.peek(STILL.creator_id) is not None
    # The vendor is never asked for her again: she is on no roster.
    list(ws.refresh([REVOKED.creator_id, STILL.creator_id], concurrency=2))
    assert set(ws.load_many([REVOKED.creator_id, STILL.creator_id])) == {STILL.creator_id}
    assert world.calls() == calls + 1


def test_with_a_purge_delay_a_withdrawn_creator_is_marked_never_fetched_then_forgotten(
    backend, clean_sandbox
):
    world = revoking(backend, clean_sandbox, FPAPI_REVOKED_PURGE_DAYS="30")
    ws, cid = world.open(), REVOKED.creator_id
    clean_sandbox.knobs.revoked = [cid]
    calls = world.calls()
    [(_, first, _)] = ws.refresh([cid], concurrency=1)
    marked_at = world.store.in_workspace("acme").get_creator(cid).consent_withdrawn_at

    assert isinstance(first, ConsentLapsed) and world.calls() == calls + 1
    assert marked_at is not None
    for name in WORKSPACES:  # her consent is hers, not one client's
        assert world.store.in_workspace(name).get_creator(cid).consent_withdrawn_at == marked_at
    # A second refresh, a page, another workspace: none calls the vendor for her.
    [(_, second, _)] = ws.refresh([cid], concurrency=1)
    assert isinstance(second, ConsentLapsed)
    with pytest.raises(ConsentLapsed):
        ws.load_insights(cid)
    assert isinstance(ws.load_many([cid])[cid], ConsentLapsed)
    with pytest.raises(ConsentLapsed):
        world.open("globex", ADMIN).load_insights(cid, refresh=True)
    assert world.calls() == calls + 1
    # Forgotten once 30 days have passed since the vendor said so, not before.
    world.clock.now = marked_at + 29 * DAY_S
    assert ws.purge_withdrawn() == []
    assert world.store.workspaces_of(cid) == list(WORKSPACES)
    world.clock.now = marked_at + 30 * DAY_S + 1
    [deletion] = ws.purge_withdrawn()
    assert world.store.workspaces_of(cid) == [] and world.cache.peek(cid) is None
    assert world.store.workspaces_of(STILL.creator_id) == list(WORKSPACES)
    assert ws.deletion(deletion.code) == deletion
    assert world.calls() == calls + 1


def test_a_withdrawn_creator_who_consents_anew_through_a_new_link_is_fetched_and_kept(
    backend, clean_sandbox
):
    """Her consent is hers, not one client's: withdrawn, she is marked on every roster; so a
    new consent, through any workspace's link, stands for every roster too."""
    world = revoking(backend, clean_sandbox, FPAPI_REVOKED_PURGE_DAYS="30")
    ws, cid = world.open(), REVOKED.creator_id
    clean_sandbox.knobs.revoked = [cid]
    list(ws.refresh([cid], concurrency=1))
    assert world.store.in_workspace("globex").get_creator(cid).consent_withdrawn_at is not None
    clean_sandbox.knobs.revoked = []
    new = ws.create_link(connector="instagram", redirect_url=ws.settings.callback_url)
    token = clean_sandbox.approve(new.state, username=REVOKED.username)
    outcome = ws.finish_verification(state=new.state, token=token, via="pasted_url")
    assert outcome.status == "verified"
    calls = world.calls()
    assert ws.load_insights(cid, refresh=True).source == "api"
    assert world.calls() == calls + 1
    world.clock.now += 31 * DAY_S
    assert ws.purge_withdrawn() == []  # she consented anew: nothing of hers is deleted
    assert world.store.workspaces_of(cid) == list(WORKSPACES)
    globex = world.open("globex", ADMIN)
    assert globex.load_insights(cid, refresh=True).source == "api"


def test_the_refresh_command_forgets_a_revoked_creator_and_never_asks_for_them_again(
    tmp_path, clean_sandbox, capsys
):
    data = tmp_path / "data"
    add_to_roster(data, REVOKED, STILL)
    env = {
        "FPAPI_BASE_URL": clean_sandbox.base_url,
        "FPAPI_TOKEN": clean_sandbox.token,
        "FPAPI_DATA_DIR": str(data),
    }
    clean_sandbox.knobs.revoked = [REVOKED.creator_id]
    calls = clean_sandbox.calls[f"insights:{REVOKED.creator_id}"]

    assert refresh_command.main([], env) == 1  # her fetch failed
    first = capsys.readouterr().out
    assert refresh_command.main([], env) == 0
    second = capsys.readouterr().out

    assert clean_sandbox.calls[f"insights:{REVOKED.creator_id}"] == calls + 1
    assert f"@{STILL.username}" in second and REVOKED.username not in second
    store = DataFolderStore(data / "store")
    try:
        assert store.workspaces_of(REVOKED.creator_id) == []
        [entry] = [e for e in store.activity() if e.action == "creator_forgotten"]
        code = entry.subject.removeprefix("deletion ")
        assert store.deletion(code) is not None and code in first
    finally:
        store.close()
    assert found_in_files(data, NEEDLES) == {}


# --- retention -----------------------------------------------------------------------------------


def test_retention_deletes_what_is_older_than_the_setting_and_keeps_the_rest(backend, clock):
    clock.now = time.time()
    settings = load_settings({"FPAPI_RETENTION_DAYS": "365"}, {})
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=OTHER_API, clock=clock)
    ws = Workspace(settings, store, cache, ADMIN, clock=clock)
    now = clock.now
    old, recent = now - 400 * DAY_S, now - 100 * DAY_S
    store.add_creator(Creator("c1", "instagram", name="Ana", verified_at=old))
    store.add_snapshots([Snapshot("c1", at, followers=1.0) for at in (old, old + 1, recent, now)])
    long_s = 10 * 365 * DAY_S  # the activity list's own pruning stays out of the way
    for at, subject in ((old, "old"), (recent, "recent"), (now, "now")):
        store.add_activity(Activity(at, "ana", "exported", subject, "x.csv"), keep_s=long_s)

    def day(at: float) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(at))

    for campaign_id, end, edited in (
        ("ended-long-ago", day(old), recent),
        ("ended-lately", day(recent), recent),
        ("running", day(now + 30 * DAY_S), recent),
        ("open-untouched", None, old),
        ("open-edited", None, recent),
    ):
        clock.now = edited
        store.save_campaign(
            Campaign(campaign_id, campaign_id, ["c1"], start=day(old - DAY_S), end=end)
        )
    clock.now = now

    assert ws.apply_retention() == {"snapshots": 2, "activity": 1, "campaigns": 2}
    assert [s.fetched_at for s in store.snapshots("c1")] == [recent, now]
    assert sorted(e.subject for e in store.activity()) == ["now", "recent"]
    assert sorted(c.campaign_id for c in store.campaigns()) == [
        "ended-lately",
        "open-edited",
        "running",
    ]
    assert ws.apply_retention() == {"snapshots": 0, "activity": 0, "campaigns": 0}


def test_retention_defaults_to_two_years():
    assert load_settings({}, {}).retention_s == 730 * DAY_S


# --- the command ---------------------------------------------------------------------------------


def test_the_forget_command_prints_a_deletion_code_and_an_unknown_creator_exits_1(tmp_path, capsys):
    data = tmp_path / "data"
    add_to_roster(data, FORGOTTEN, *KEPT)
    store = DataFolderStore(data / "store")
    store.create_workspace("acme", by="boss")
    store.in_workspace("acme").add_creator(
        Creator(F_ID, "instagram", name=FORGOTTEN.name, username=FORGOTTEN.username,
                verified_at=1.0)
    )  # fmt: skip
    env = {"FPAPI_DATA_DIR": str(data)}

    assert forget_command.main([f"@{FORGOTTEN.username.upper()}"], env) == 0
    out = capsys.readouterr().out
    code = re.search(r"Deletion code: (\w+)", out).group(1)
    assert store.deletion(code) is not None and f"/deletion?code={code}" in out
    assert store.workspaces_of(F_ID) == []
    assert forget_command.main([f"@{FORGOTTEN.username}"], env) == 1  # nothing left of her
    assert "Nothing of a creator" in capsys.readouterr().err
    assert forget_command.main(["@nobody.here"], env) == 1
    assert forget_command.main([KEPT[0].creator_id], env) == 0  # by id
    assert store.workspaces_of(KEPT[0].creator_id) == []
    assert store.workspaces_of(KEPT[1].creator_id) == ["default"]
    store.close()


# --- what forgetting must not touch, and what it must still reach (an outside review) ---------


def two_clients(backend: Backend, clock: Clock) -> tuple[Store, Workspace, Workspace]:
    """Acme and globex on one store, an admin's core on each (a stand-in for their analysts)."""
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=OTHER_API, clock=clock)
    ws = Workspace(Settings(base_url=None), store, cache, ADMIN, clock=clock)
    for name in WORKSPACES:
        if name not in ws.open_to:
            ws.create_workspace(name)
    acme, globex = (ws.switch_to(name) for name in WORKSPACES)
    return store, acme, globex


def test_a_creator_named_like_a_common_word_leaves_other_clients_text_alone(backend, clock):
    """A creator chooses their own display name; forgetting one called "the" must not rewrite
    another client's notes, list names or activity (only the workspaces that had them, and
    whole words there)."""
    _, acme, globex = two_clients(backend, clock)
    acme.store.add_creator(Creator("odd-1", "instagram", name="the", username="the"))
    globex.store.add_creator(Creator(KEPT_IDS[0], "instagram", name=KEPT[0].name))
    globex.add_note(KEPT_IDS[0], "Negotiate the fee on Monday")
    globex.save_shortlist("The winter shortlist", [KEPT_IDS[0]])
    before = [(e.action, e.subject, e.detail) for e in globex.activity()]

    acme.forget_creator("odd-1")

    assert globex.relationship(KEPT_IDS[0]).notes[0]["text"] == "Negotiate the fee on Monday"
    assert [s.name for s in globex.shortlists()] == ["The winter shortlist"]
    assert [(e.action, e.subject, e.detail) for e in globex.activity()] == before


def test_a_creator_removed_before_is_forgotten_by_the_command(backend, clock, capsys, tmp_path):
    """Removing takes a creator off the roster but keeps their history and notes: the
    command still finds and forgets them by id."""
    store, acme, _ = two_clients(backend, clock)
    acme.store.add_creator(Creator(F_ID, "instagram", name=FORGOTTEN.name))
    acme.add_note(F_ID, f"secret note about {FORGOTTEN.username}")
    store.add_snapshot(Snapshot(F_ID, 1_000.0, followers=10.0))
    acme.remove_creator(F_ID)
    deletion = acme.switch_to("acme").forget_anywhere(F_ID)
    assert deletion is not None
    assert store.snapshots(F_ID) == [] and acme.store.relationship(F_ID).notes == []
    assert acme.switch_to("acme").forget_anywhere(F_ID) is None  # nothing is left now
    acme.set_member("acme", VIEWER.name, "viewer")
    viewer = Workspace(acme.settings, store, acme.cache, VIEWER, workspace="acme", clock=clock)
    with pytest.raises(NotPermitted):
        viewer.forget_anywhere(F_ID)


def test_a_viewer_can_neither_purge_nor_apply_retention(backend, clock):
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url=OTHER_API, clock=clock)
    admin = Workspace(Settings(base_url=None), store, cache, ADMIN, clock=clock)
    admin.set_member("default", VIEWER.name, "viewer")
    viewer = Workspace(Settings(base_url=None), store, cache, VIEWER, clock=clock)
    for change in (viewer.purge_withdrawn, viewer.apply_retention):
        with pytest.raises(NotPermitted):
            change()
