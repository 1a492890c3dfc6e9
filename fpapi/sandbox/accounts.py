"""The sandbox's synthetic creators: a seeded pool from nano to mega, plus ugly ones, and YouTube
channels. Every account is built from its index and the pool seed alone, so the same id is
always the same creator.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

__all__ = [
    "POOL_SEED",
    "TIERS",
    "SandboxAccount",
    "account_for",
    "generated_account",
    "instagram_pool",
    "youtube_pool",
]

POOL_SEED = 20260101
NORMAL_CREATORS = 30
# The pool's "today": fixed so that the data never changes under a test.
AS_OF = date(2026, 11, 20)
_NAMESPACE = uuid.UUID("6f1c2a5e-3b1d-4c7e-9a51-0c2f4e7d8b90")

FIRST_NAMES = [
    "Aarav",
    "Lucía",
    "Chen",
    "Amara",
    "Mateo",
    "Priya",
    "Sofia",
    "Kenji",
    "Fatima",
    "Noah",
    "Zanele",
    "Léa",
    "Omar",
    "Ingrid",
    "Diego",
    "Mei",
    "Yusuf",
    "Ana",
    "Ravi",
    "Chloé",
    "Tomás",
    "Aisha",
    "Lars",
    "Nia",
    "Hiro",
    "Camila",
    "Emeka",
    "Sara",
    "Arjun",
    "Elif",
]
LAST_NAMES = [
    "Sharma",
    "García",
    "Wang",
    "Okafor",
    "Silva",
    "Nair",
    "Rossi",
    "Tanaka",
    "Haddad",
    "Müller",
    "Dlamini",
    "Dubois",
    "Farouk",
    "Larsen",
    "Fernández",
    "Lin",
    "Demir",
    "Costa",
    "Iyer",
    "Martin",
]
NICHES = [
    ("Travel", "travel", ["travel", "wanderlust", "travelgram", "explore", "roadtrip"]),
    ("Food & Drink", "food", ["foodie", "recipes", "homecooking", "streetfood", "brunch"]),
    ("Fitness", "fit", ["fitness", "workout", "gymlife", "running", "yoga"]),
    ("Beauty", "glow", ["skincare", "makeup", "beautytips", "glowup", "crueltyfree"]),
    ("Fashion", "style", ["ootd", "streetstyle", "fashion", "thrifted", "lookbook"]),
    ("Tech", "tech", ["tech", "gadgets", "unboxing", "setup", "coding"]),
    ("Parenting", "family", ["momlife", "parenting", "familytime", "toddler", "dadlife"]),
    ("Gaming", "play", ["gaming", "twitch", "esports", "retrogaming", "gamer"]),
    ("Art & Design", "studio", ["art", "illustration", "design", "sketchbook", "painting"]),
    ("Music", "sound", ["music", "singer", "cover", "producer", "livemusic"]),
]
CITIES = [
    ("Mumbai", "India"),
    ("Madrid", "Spain"),
    ("São Paulo", "Brazil"),
    ("Lagos", "Nigeria"),
    ("Paris", "France"),
    ("Tokyo", "Japan"),
    ("Dubai", "United Arab Emirates"),
    ("Berlin", "Germany"),
    ("Mexico City", "Mexico"),
    ("Toronto", "Canada"),
    ("Istanbul", "Turkey"),
    ("Cape Town", "South Africa"),
    ("London", "United Kingdom"),
]
BRANDS = [
    ("Lumen Skincare", "lumenskincare"),
    ("Kettle & Crumb", "kettleandcrumb"),
    ("Stride Athletics", "strideathletics"),
    ("Orbit Audio", "orbitaudio"),
    ("Nomad Luggage", "nomadluggage"),
    ("Verde Market", "verdemarket"),
    ("Pixel Forge", "pixelforge"),
    ("Aurora Threads", "aurorathreads"),
]
CAPTIONS = [
    "New week, new goals 💪 What are you working on?",
    "Nuevo vídeo: todo lo que aprendí este mes ✨",
    "आज का दिन बहुत खास था ❤️ धन्यवाद सबको!",
    "Que dia incrível! Obrigado por todo o carinho 🙌",
    "Petit moment de calme avant la tempête ☕️",
    "今日のお気に入り 📸 みんなはどう思う？",
    "شكراً لكل من دعمني هذا الشهر 🌙",
    "Behind the scenes of today's shoot 🎬",
    "Bugün harika bir gündü 🌞",
    "Saved the best for last — swipe to the end 👉",
]
# (followers low, high, vendor tier label) — weights give a realistic spread.
TIERS = [
    (1_000, 10_000, "Nano", 8),
    (10_000, 100_000, "Micro", 10),
    (100_000, 500_000, "Mid", 6),
    (500_000, 1_000_000, "Macro", 3),
    (1_000_000, 12_000_000, "Mega", 3),
]
# Typical engagement rate (percent) by tier, the centre of each creator's own rate.
TIER_ER = {"Nano": 2.0, "Micro": 0.8, "Mid": 0.6, "Macro": 0.45, "Mega": 0.35}


@dataclass(frozen=True)
class SandboxAccount:
    """One account a creator can connect on the sandbox's consent page."""

    index: int
    creator_id: str
    connector: str
    name: str
    username: str
    platform_user_id: str
    email: str
    kind: str = "normal"  # normal, or the name of an ugly shape

    def user_info(self) -> dict[str, Any]:
        if self.connector == "youtube":
            return {
                "name": self.name,
                "email": self.email,
                "yt_channel_id": self.platform_user_id,
                "yt_handle": self.username,
            }
        return {
            "name": self.name,
            "email": self.email,
            "ig_user_id": self.platform_user_id,
            "ig_username": self.username,
        }


UGLY_KINDS = ["hostile", "all_nulls", "sections_missing", "empty", "quirky"]


def _creator_id(connector: str, index: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{POOL_SEED}:{connector}:{index}"))


def seeded_rng(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, (POOL_SEED, *parts))).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def identity(index: int) -> tuple[str, str]:
    rng = seeded_rng("identity", index)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    niche = NICHES[index % len(NICHES)]
    ascii_first = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    handle = f"{ascii_first.lower()}.{niche[1]}{index}"
    return f"{first} {last}", handle


def _account(
    connector: str,
    index: int,
    name: str,
    handle: str,
    platform_user_id: str,
    *,
    kind: str = "normal",
    mailbox: str | None = None,
    creator_id: str | None = None,
) -> SandboxAccount:
    return SandboxAccount(
        index=index,
        creator_id=creator_id or _creator_id(connector, index),
        connector=connector,
        name=name,
        username=handle,
        platform_user_id=platform_user_id,
        email=f"{(mailbox or handle).replace('.', '_')}@example.com",
        kind=kind,
    )


@cache
def instagram_pool() -> tuple[SandboxAccount, ...]:
    """Every Instagram creator the sandbox can verify: normal ones first, then the ugly ones."""
    accounts = []
    for index in range(NORMAL_CREATORS + len(UGLY_KINDS)):
        kind = "normal" if index < NORMAL_CREATORS else UGLY_KINDS[index - NORMAL_CREATORS]
        name, handle = identity(index)
        if kind == "hostile":
            name, handle = "<script>alert('name')</script> **Bold** Name", "hostile.markup"
        elif kind != "normal":
            handle = f"{kind.replace('_', '.')}.creator"
            name = f"{kind.replace('_', ' ').title()} Creator"
        user_id = str(17_841_400_000_000_000 + index * 7919)
        accounts.append(_account("instagram", index, name, handle, user_id, kind=kind))
    return tuple(accounts)


@cache
def youtube_pool() -> tuple[SandboxAccount, ...]:
    """YouTube channels: they verify, but this API has no insights call for them."""
    accounts = []
    for index in range(6):
        name, handle = identity(100 + index)
        channel_id = f"UC{hashlib.sha256(handle.encode()).hexdigest()[:22]}"
        username = f"@{handle.replace('.', '')}"
        accounts.append(_account("youtube", index, name, username, channel_id, mailbox=handle))
    return tuple(accounts)


# Generated creators, as many as a demo roster wants (python -m fpapi.sandbox.seed): the id
# carries the creator's number, so the sandbox knows any of them from the id alone.
GENERATED_PREFIX = "5eed0000-0000-4000-8000-"
GENERATED_FIRST_INDEX = 1_000  # their identities and insights start past the pools'
MAX_GENERATED = 16**12


def generated_account(number: int) -> SandboxAccount:
    """The generated Instagram creator ``number`` (0, 1, ...): the same one every time."""
    if not 0 <= number < MAX_GENERATED:
        raise ValueError(f"A generated creator's number is from 0 to {MAX_GENERATED - 1}.")
    index = GENERATED_FIRST_INDEX + number
    name, handle = identity(index)
    user_id = str(17_841_500_000_000_000 + number * 7919)
    return _account("instagram", index, name, handle, user_id,
                    creator_id=f"{GENERATED_PREFIX}{number:012x}")  # fmt: skip


def account_for(creator_id: str) -> SandboxAccount | None:
    """The account behind a creator id: one of the pools', or a generated one."""
    known = _pool_by_id().get(creator_id)
    if known is not None:
        return known
    number = creator_id.removeprefix(GENERATED_PREFIX)
    if creator_id.startswith(GENERATED_PREFIX) and re.fullmatch("[0-9a-f]{12}", number):
        return generated_account(int(number, 16))
    return None


@cache
def _pool_by_id() -> dict[str, SandboxAccount]:
    return {a.creator_id: a for a in (*instagram_pool(), *youtube_pool())}
