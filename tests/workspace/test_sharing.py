"""Sharing with clients in the core: the token (signed, 144 random bits, kept only as a hash),
expiry on an injected clock, revocation, updates, the one sentence for every refusal, who may
do what, workspaces, view counting, the server secret, forgetting and pruning, on the data
folder and on PostgreSQL where the storage matters.

The world: client workspaces acme and globex. Acme's roster holds six creators, globex's the
first three of them and one of its own; every one of them has insights in the cache. An acme
analyst shares the first three; a signed-out client opens the link through the core the
public page uses (a viewer of ``default``).
"""

from __future__ import annotations

import base64
import json
import stat
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa

from fpapi import Insights
from fpapi.errors import NotInWorkspace, NotPermitted, SettingsError, StudioError
from fpapi.sandbox import build_insights, instagram_pool
from fpapi.sandbox.insights import shifted
from fpapi.storage.cache import InsightCache
from fpapi.storage.database import metadata, shares
from fpapi.storage.records import Creator, Share
from fpapi.storage.store import Store
from fpapi.workspace.access import Role
from fpapi.workspace.core import Actor, Workspace
from fpapi.workspace.opening import share_secret
from fpapi.workspace.settings import Settings, load_settings
from fpapi.workspace.sharing import (
    SHARE_REFUSED,
    NewShare,
    ShareRefused,
    new_token,
    verified_key,
)
from tests.backends import Backend
from tests.helpers import Clock, CoreWorld

SECRET = b"a-server-secret-of-forty-eight-characters-000000"
OTHER_SECRET = b"another-server-secret-of-forty-eight-chars-11111"
POOL = instagram_pool()
SHARED = POOL[:3]  # what the acme analyst shares
NOT_SHARED = POOL[3:6]  # on acme's roster too, never in the share
GLOBEX_OWN = POOL[6]  # on globex's roster only
IDS = [account.creator_id for account in SHARED]
DAY_S = 86_400
CLIENT = "a client with a share link"  # whom the activity list credits a view to

ADMIN = Actor("boss@agency.test")
ANALYST = Actor("an@acme.test", None)  # acme's members, on no allow-list
VIEWER = Actor("vi@acme.test", None)
GLOBEX_ANALYST = Actor("gil@globex.test", None)
PUBLIC = Actor("local", Role.VIEWER)  # the share page's core: a signed-out browser

URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


# --- signing and verifying ----------------------------------------------------------------------


def test_a_token_verifies_under_its_secret_to_the_key_the_store_keeps():
    token, key = new_token(SECRET)
    assert verified_key(token, SECRET) == key
    assert token not in key and token.split(".")[0] not in key


def test_any_changed_character_makes_a_token_verify_to_nothing():
    token, _ = new_token(SECRET)
    for position, kept in enumerate(token):
        for other in [c for c in URLSAFE + "." if c != kept][:3]:
            tampered = token[:position] + other + token[position + 1 :]
            assert verified_key(tampered, SECRET) is None, (position, other)


def test_a_truncated_or_lengthened_token_verifies_to_nothing():
    token, _ = new_token(SECRET)
    random_part, signature = token.split(".")
    for cut in (
        token[:-1],
        token[1:],
        token[: len(token) // 2],
        random_part,
        f"{random_part}.",
        f".{signature}",
        token + "A",
        token + "=",
        f" {token}",
        token.upper() if token.upper() != token else token.lower(),
    ):
        assert verified_key(cut, SECRET) is None, cut


def test_a_token_signed_with_another_secret_verifies_to_nothing():
    token, _ = new_token(OTHER_SECRET)
    assert verified_key(token, SECRET) is None
    assert verified_key(token, OTHER_SECRET) is not None


@pytest.mark.parametrize(
    "garbage",
    [None, "", " ", ".", "garbage", "a" * 47, "a" * 24 + "." + "b" * 22, "../../etc/passwd",
     "é" * 24 + "." + "é" * 22, "\x00" * 47, "x" * 10_000],
    ids=["none", "empty", "space", "dot", "word", "47 letters", "right shape", "path",
         "accents", "nul", "huge"],
)  # fmt: skip
def test_garbage_and_none_verify_to_nothing(garbage):
    assert verified_key(garbage, SECRET) is None


def test_a_token_carries_at_least_128_random_bits():
    made = [new_token(SECRET) for _ in range(2_000)]
    assert len({token for token, _ in made}) == len(made)
    assert len({key for _, key in made}) == len(made)
    for token, _ in made[:50]:
        random_part = token.split(".")[0]
        decoded = base64.urlsafe_b64decode(random_part + "=" * (-len(random_part) % 4))
        assert len(decoded) >= 16
    # every character of the random part's alphabet turns up: it is not a narrower encoding
    assert set("".join(token.split(".")[0] for token, _ in made)) == set(URLSAFE)


# --- the server secret --------------------------------------------------------------------------


def test_without_a_secret_key_one_is_generated_into_the_data_folder_for_its_owner_alone(tmp_path):
    settings = Settings(base_url=None, data_dir=tmp_path / "data")
    first = share_secret(settings)
    kept = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert share_secret(settings) == first  # the next call, and the next start, read it back
    assert share_secret(Settings(base_url=None, data_dir=tmp_path / "data")) == first
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["secret_key"]  # no draft left
    elsewhere = share_secret(Settings(base_url=None, data_dir=tmp_path / "other"))
    assert elsewhere != first
    token, key = new_token(first)
    assert verified_key(token, share_secret(settings)) == key
    assert verified_key(token, elsewhere) is None


def test_a_set_secret_key_is_the_secret_and_nothing_is_written(tmp_path):
    settings = load_settings(
        {"FPAPI_DATA_DIR": str(tmp_path / "data"), "FPAPI_SECRET_KEY": SECRET.decode()}, {}
    )
    assert share_secret(settings) == SECRET
    assert not (tmp_path / "data" / "secret_key").exists()
    assert SECRET.decode() not in repr(settings)


def test_a_short_secret_key_is_refused_with_a_sentence_that_does_not_echo_it():
    with pytest.raises(SettingsError, match="at least 32 characters") as refused:
        load_settings({"FPAPI_SECRET_KEY": "hunter2-is-short"}, {})
    assert "hunter2" not in str(refused.value)


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture(params=["local", "postgresql"])
def backend(request, tmp_path):
    """The data folder and a real PostgreSQL."""
    postgres = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    chosen = Backend.make(request.param, tmp_path, postgres)
    yield chosen
    chosen.close()


def on_roster(account: Any) -> Creator:
    return Creator(
        account.creator_id, "instagram", name=account.name, username=account.username,
        verified_at=1.0,
    )  # fmt: skip


class World(CoreWorld):
    def open(self, actor: Actor = ANALYST, name: str = "acme", **changes: Any) -> Workspace:
        """As :meth:`CoreWorld.open`, by default as the acme analyst who shares."""
        return super().open(actor, name, **changes)

    def client(self) -> Workspace:
        """The core of the share page: a signed-out browser, a viewer of ``default``."""
        return self.open(PUBLIC, "default")


@pytest.fixture
def world(backend, tmp_path):
    clock = Clock(5_000_000.0)
    settings = Settings(base_url=None, data_dir=tmp_path / "data", secret_key=SECRET.decode())
    store = backend.store(clock=clock)
    cache = InsightCache(backend.shelf(), api_base_url="sandbox://shares", clock=clock)
    built = World(settings, store, cache, clock)
    boss = built.open(ADMIN, "default")
    for name in ("acme", "globex"):
        boss.create_workspace(name)
    boss.set_member("acme", ANALYST.name, "analyst")
    boss.set_member("acme", VIEWER.name, "viewer")
    boss.set_member("globex", GLOBEX_ANALYST.name, "analyst")
    acme, globex = built.open(ADMIN, "acme"), built.open(ADMIN, "globex")
    for account in (*SHARED, *NOT_SHARED):
        acme.store.add_creator(on_roster(account))
    for account in (*SHARED, GLOBEX_OWN):
        globex.store.add_creator(on_roster(account))
    for account in (*SHARED, *NOT_SHARED, GLOBEX_OWN):
        cache.put(account.creator_id, Insights.from_raw(build_insights(account)))
    yield built
    cache.close()
    store.close()


def share_three(ws: Workspace, *, days: int = 7, title: str = "Spring shortlist") -> NewShare:
    """What the compare page shares: three creators, with a fee for the first."""
    fees = {IDS[0]: {"amount": 500.0, "currency": "USD"}}
    return ws.create_share("compare", title, IDS, {"fees": fees}, days=days)


def refusal(ws: Workspace, token: str | None) -> str:
    with pytest.raises(ShareRefused) as refused:
        ws.open_share(token)
    return str(refused.value)


def stored_rows(store: Store) -> str:
    """Every row of every table the store keeps, as text."""
    with store.engine.connect() as connection:
        return "\n".join(
            repr(tuple(row))
            for table in metadata.sorted_tables
            for row in connection.execute(sa.select(table))
        )


def tamper(token: str) -> str:
    random_part, signature = token.split(".")
    flipped = "B" if signature[3] != "B" else "C"
    return f"{random_part}.{signature[:3]}{flipped}{signature[4:]}"


# --- what the store keeps -----------------------------------------------------------------------


def test_the_store_keeps_a_hash_of_the_token_and_never_the_token(world, backend):
    new = share_three(world.open())
    random_part = new.token.split(".")[0]
    with world.store.engine.connect() as connection:
        [row] = connection.execute(sa.select(shares)).all()
    assert row.key == new.share.key != new.token
    everything = stored_rows(world.store)
    assert new.token not in everything and random_part not in everything
    if backend.name == "local":  # not in any file of the folder either
        for path in backend.folder.rglob("*"):
            if path.is_file():
                assert random_part.encode() not in path.read_bytes(), path
    assert world.client().open_share(new.token).key == new.share.key


# --- expiry, revocation, update -----------------------------------------------------------------


def test_a_share_opens_until_just_before_it_expires_and_never_from_then(world):
    made_at = world.clock.now
    new = share_three(world.open(), days=7)
    assert new.share.expires_at == made_at + 7 * DAY_S
    client = world.client()
    world.clock.now = new.share.expires_at - 1
    assert client.open_share(new.token).creator_ids == IDS
    for later in (0, 1, DAY_S):
        world.clock.now = new.share.expires_at + later
        assert refusal(client, new.token) == SHARE_REFUSED
    [listed] = world.open().shares()  # still listed, as expired, with its one view
    assert (listed.views, listed.expires_at) == (1, new.share.expires_at)


def test_a_revoked_share_opens_no_more_on_any_replica(world, backend):
    analyst = world.open()
    new = share_three(analyst)
    replica_store = backend.store(clock=world.clock)  # another replica: its own connections
    replica = Workspace(
        world.settings, replica_store, world.cache, PUBLIC, clock=world.clock
    )  # fmt: skip
    assert replica.open_share(new.token).key == new.share.key
    world.clock.now += 60
    assert analyst.revoke_share(new.share.key) is True
    assert refusal(replica, new.token) == SHARE_REFUSED
    assert refusal(world.client(), new.token) == SHARE_REFUSED
    assert analyst.revoke_share(new.share.key) is False  # once only
    [listed] = analyst.shares()
    assert (listed.revoked_at, listed.views) == (world.clock.now, 1)
    with pytest.raises(NotInWorkspace):
        analyst.update_share(new.share.key)  # a revoked share is not brought back
    assert refusal(world.client(), new.token) == SHARE_REFUSED
    replica_store.close()


def test_an_update_shows_the_current_data_without_creators_removed_from_the_roster(world):
    analyst = world.open()
    new = share_three(analyst)
    before = new.share.content["creators"][IDS[0]]
    world.clock.now += 3 * 3_600
    moved = shifted(build_insights(SHARED[0]), followers_pct=20)
    fetched_again = world.cache.put(IDS[0], Insights.from_raw(moved))
    assert analyst.remove_creator(IDS[2])
    # until it is updated, the client sees the share as it stood
    assert world.client().open_share(new.token).content["creators"][IDS[0]] == before
    updated = analyst.update_share(new.share.key)
    assert updated.as_of == world.clock.now == new.share.as_of + 3 * 3_600
    seen = world.client().open_share(new.token)  # the same link
    assert seen.as_of == updated.as_of
    assert seen.creator_ids == IDS[:2] and set(seen.content["creators"]) == set(IDS[:2])
    now_shown = seen.content["creators"][IDS[0]]
    assert (now_shown["fetched_at"], now_shown["raw"]) == (fetched_again, moved)
    assert now_shown["raw"] != before["raw"]
    assert seen.expires_at == new.share.expires_at  # an update does not lengthen a link
    actions = [(e.action, e.subject) for e in analyst.activity()]
    assert ("share_updated", "Spring shortlist") in actions


# --- the one sentence ---------------------------------------------------------------------------


def test_every_refusal_is_the_same_sentence_counts_nothing_and_records_nothing(world):
    analyst = world.open()
    expired = share_three(analyst, days=1, title="Old one")
    world.clock.now += 2 * DAY_S
    revoked = share_three(analyst, title="Taken back")
    analyst.revoke_share(revoked.share.key)
    valid = share_three(analyst, title="Still open")
    tokens = {
        "tampered signature": tamper(valid.token),
        "tampered random part": ("Z" if valid.token[0] != "Z" else "Y") + valid.token[1:],
        "unknown": new_token(SECRET)[0],
        "another secret": new_token(OTHER_SECRET)[0],
        "expired": expired.token,
        "revoked": revoked.token,
        "garbage": "garbage",
        "empty": "",
        "none": None,
    }
    client = world.client()
    said = {reason: refusal(client, token) for reason, token in tokens.items()}
    assert said == dict.fromkeys(tokens, SHARE_REFUSED)
    assert SHARE_REFUSED == "This link is no longer valid; ask the agency for a new one."
    assert [s.views for s in analyst.shares()] == [0, 0, 0]
    assert not [e for e in analyst.activity() if e.action == "share_viewed"]


# --- who may do what ----------------------------------------------------------------------------


def test_a_viewer_may_not_create_revoke_or_update_a_share_but_opening_one_needs_no_role(world):
    new = share_three(world.open())
    viewer = world.open(VIEWER)
    for attempt in (
        lambda: share_three(viewer, title="By a viewer"),
        lambda: viewer.revoke_share(new.share.key),
        lambda: viewer.update_share(new.share.key),
    ):
        with pytest.raises(NotPermitted, match="Viewers can read every page"):
            attempt()
    [listed] = viewer.shares()  # a viewer reads the list
    assert (listed.key, listed.revoked_at, listed.as_of) == (new.share.key, None, new.share.as_of)
    assert viewer.open_share(new.token).views == 1
    assert world.client().open_share(new.token).views == 2  # a signed-out browser too


def test_a_share_of_acme_is_neither_listed_nor_revoked_nor_updated_from_globex(world):
    acme = world.open()
    new = share_three(acme)
    globex = world.open(GLOBEX_ANALYST, "globex")
    assert globex.shares() == []
    assert globex.revoke_share(new.share.key) is False
    with pytest.raises(NotInWorkspace):
        globex.update_share(new.share.key)
    theirs = globex.create_share("compare", "Globex picks", [GLOBEX_OWN.creator_id], {}, days=1)
    assert [s.title for s in acme.shares()] == ["Spring shortlist"]
    assert [s.title for s in globex.shares()] == ["Globex picks"]
    assert world.client().open_share(new.token).revoked_at is None  # acme's still opens
    assert not [e for e in globex.activity() if "Spring" in e.subject]
    assert acme.revoke_share(theirs.share.key) is False  # and the other way round
    assert world.client().open_share(theirs.token).workspace == "globex"


def test_a_share_holds_only_creators_of_its_own_roster(world):
    acme = world.open()
    mixed = acme.create_share("compare", "Mixed", [GLOBEX_OWN.creator_id, *IDS[:2]], {}, days=1)
    assert mixed.share.creator_ids == IDS[:2]
    assert set(mixed.share.content["creators"]) == set(IDS[:2])
    assert [s.creator_ids for s in acme.shares()] == [IDS[:2]]
    with pytest.raises(StudioError, match="nothing to share"):
        acme.create_share("compare", "Theirs", [GLOBEX_OWN.creator_id], {}, days=1)
    assert [s.title for s in acme.shares()] == ["Mixed"]


# --- views --------------------------------------------------------------------------------------


def test_each_view_is_counted_and_recorded_in_the_shares_workspace_without_the_viewer(world):
    acme = world.open()
    new = share_three(acme)
    client = world.client()
    for _ in range(3):
        world.clock.now += 10
        seen = client.open_share(new.token)
    assert (seen.views, seen.last_view_at) == (3, world.clock.now)
    [listed] = acme.shares()
    assert (listed.views, listed.last_view_at) == (3, world.clock.now)
    viewed = [e for e in acme.activity() if e.action == "share_viewed"]
    assert sum(e.count for e in viewed) == 3
    for entry in viewed:
        assert (entry.actor, entry.subject, entry.detail) == (CLIENT, "Spring shortlist", "")
        assert PUBLIC.name not in (entry.actor, entry.subject, entry.detail)
    elsewhere = [world.open(ADMIN, "default"), world.open(GLOBEX_ANALYST, "globex")]
    for other in elsewhere:
        assert not [e for e in other.activity() if e.action.startswith("share_")]


def test_the_same_visit_drawn_again_counts_no_view_but_is_checked_every_time(world):
    """A client's page drawn again (a chart tab opened) passes the shares it opened as
    ``seen``: not another view, and a share revoked or expired since is refused all the same."""
    acme = world.open()
    new, other = share_three(acme), share_three(acme)
    client = world.client()
    first = client.open_share(new.token)
    for _ in range(2):
        world.clock.now += 10
        again = client.open_share(new.token, seen={first.key})
    assert again.views == 1 and again.content == first.content
    assert client.open_share(other.token, seen={first.key}).views == 1  # a new share: counted
    viewed = [e for e in acme.activity() if e.action == "share_viewed"]
    assert sum(e.count for e in viewed) == 2
    acme.revoke_share(new.share.key)
    with pytest.raises(ShareRefused):
        client.open_share(new.token, seen={first.key})
    world.clock.now += 8 * 86_400  # past the other's expiry
    with pytest.raises(ShareRefused):
        client.open_share(other.token, seen={other.share.key})


# --- expiry choices -----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["local"], indirect=True)
@pytest.mark.parametrize(
    ("max_days", "choices"),
    [(30, [1, 7, 30]), (365, [1, 7, 30]), (10, [1, 7]), (7, [1, 7]), (1, [1])],
)
def test_the_expiry_choices_go_up_to_fpapi_share_max_days(world, max_days, choices):
    settings = load_settings({"FPAPI_SHARE_MAX_DAYS": str(max_days)}, {})
    analyst = world.open(share_max_days=settings.share_max_days)
    assert analyst.expiry_choices() == choices
    for days in choices:
        made = share_three(analyst, days=days)
        assert made.share.expires_at - made.share.created_at == days * DAY_S


@pytest.mark.parametrize("backend", ["local"], indirect=True)
def test_a_longer_expiry_than_fpapi_share_max_days_is_refused_and_nothing_is_kept(world):
    assert world.open().expiry_choices() == [1, 7, 30]  # the default: 30 days at most
    analyst = world.open(share_max_days=7.0)
    for days in (30, 3, 0, -1):
        with pytest.raises(StudioError, match="FPAPI_SHARE_MAX_DAYS") as refused:
            share_three(analyst, days=days)
        assert "at most 7 " in str(refused.value)
    assert analyst.shares() == []


# --- a team database needs the secret -----------------------------------------------------------


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_team_database_without_fpapi_secret_key_shares_nothing_and_says_why(world, backend):
    analyst = world.open(database_url=backend.url, secret_key=None)
    with pytest.raises(SettingsError, match="FPAPI_SECRET_KEY") as refused:
        share_three(analyst)
    sentence = str(refused.value)
    assert sentence.endswith(".") and "every replica" in sentence
    assert analyst.shares() == []
    assert not (world.settings.data_dir / "secret_key").exists()  # none made up for one replica
    with_key = world.open(database_url=backend.url)
    assert share_three(with_key).share.creator_ids == IDS


# --- forgetting ---------------------------------------------------------------------------------


def test_a_forgotten_creator_leaves_every_share_that_showed_them(world):
    acme, globex = world.open(), world.open(ADMIN, "globex")
    ours = share_three(acme)
    theirs = globex.create_share("compare", "Globex's", IDS[:2], {}, days=7)
    acme.forget_creator(IDS[0])
    client = world.client()
    assert client.open_share(ours.token).creator_ids == IDS[1:]
    assert set(client.open_share(ours.token).content["creators"]) == set(IDS[1:])
    assert client.open_share(theirs.token).creator_ids == IDS[1:2]  # every workspace's
    assert [s.creator_ids for s in acme.shares()] == [IDS[1:]]
    for share in (*acme.shares(), *globex.shares()):
        assert IDS[0] not in share.content["creators"]


def test_nothing_of_a_forgotten_creator_is_left_in_what_a_share_shows(world):
    """As the compare page makes a share: its title names the creators, its settings hold a
    fee per creator. Once one of them is forgotten, none of it may name them."""
    acme = world.open()
    title = "Comparison of " + ", ".join(account.name for account in SHARED)
    new = share_three(acme, title=title)
    acme.forget_creator(IDS[0])
    shown = world.client().open_share(new.token)  # a view after the forgetting
    [listed] = acme.shares()
    # (the other creators' own vendor bodies may mention them: those are theirs)
    left = {
        "the client's heading": SHARED[0].name in shown.title,
        "the Shares list": SHARED[0].name in listed.title,
        "the creators": IDS[0] in shown.creator_ids or IDS[0] in shown.content["creators"],
        "the report's settings (fees)": IDS[0] in json.dumps(shown.content["spec"]),
        "the activity list": any(SHARED[0].name in e.subject for e in acme.activity(limit=1_000)),
    }
    assert not [where for where, found in left.items() if found]


def test_a_share_shows_its_creators_in_the_order_they_were_shared(world):
    """The share keeps its creators' order (the client's page follows ``creator_ids``: JSONB
    does not keep a map's key order on PostgreSQL), each with what it shows."""
    new = share_three(world.open())
    opened = world.client().open_share(new.token)
    assert opened.creator_ids == IDS
    assert set(opened.content["creators"]) == set(IDS)


# --- cleanup ------------------------------------------------------------------------------------


def test_expired_and_revoked_shares_are_pruned_with_the_links_after_fpapi_link_keep_days(world):
    keep_s = 10 * DAY_S
    analyst = world.open(link_keep_s=keep_s)
    made_at = world.clock.now
    expired = share_three(analyst, days=1, title="One day")
    revoked = share_three(analyst, days=30, title="Revoked")
    lasting = share_three(analyst, days=30, title="Month")
    world.clock.now = made_at + 1 * DAY_S
    analyst.revoke_share(revoked.share.key)  # revoked as the first one expires
    world.clock.now = made_at + 1 * DAY_S + keep_s - 60  # expired, but not long enough
    analyst.prune_links()
    assert {s.title for s in analyst.shares()} == {"One day", "Revoked", "Month"}
    world.clock.now = made_at + 1 * DAY_S + keep_s + 2 * 3_600  # pruning runs hourly at most
    assert analyst.prune_links() == 2
    assert [s.title for s in analyst.shares()] == ["Month"]
    assert world.client().open_share(lasting.token).title == "Month"
    for gone in (expired, revoked):
        assert refusal(world.client(), gone.token) == SHARE_REFUSED


def test_a_share_record_is_what_the_store_gives_back(world):
    """What create_share returns is what the list holds and what the client opens."""
    new = share_three(world.open())
    assert isinstance(new.share, Share)
    [listed] = world.open().shares()
    opened = world.client().open_share(new.token)
    assert replace(listed, views=1, last_view_at=world.clock.now) == opened
    assert listed == new.share


def test_a_client_sees_no_more_of_a_creator_whose_consent_was_withdrawn(world):
    """While a withdrawn creator waits out FPAPI_REVOKED_PURGE_DAYS, the app shows nothing of
    them, and a share made before does not either."""
    acme = world.open()
    new = share_three(acme)
    acme.store.mark_consent_withdrawn(IDS[0], world.clock())
    shown = world.client().open_share(new.token)
    assert shown.creator_ids == IDS[1:3] and IDS[0] not in shown.content["creators"]


def test_a_campaign_share_keeps_no_fee_of_a_creator_it_does_not_show(world):
    acme = world.open()
    fees = ",".join(f"{cid}:100" for cid in (*IDS[:2], "not-shared-creator"))
    new = acme.create_share("campaign", "Winter", IDS[:2], {"fees": fees}, days=7)
    assert "not-shared-creator" not in new.share.content["spec"]["fees"]
    assert all(cid in new.share.content["spec"]["fees"] for cid in IDS[:2])
