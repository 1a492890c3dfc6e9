"""A demo roster at agency scale: ``python -m fpapi.sandbox.seed --creators N``.

Puts N of the sandbox's generated creators (N up to 10,000; the same N creators every time) on
the roster of the client workspace ``--workspace NAME`` (``default`` without it; created when it
does not exist yet) in the store the environment configures, the data folder (``FPAPI_DATA_DIR``) or the team
database (``FPAPI_DATABASE_URL``), in one transaction. Each gets a label naming their tier and
niche, verification over the last 120 days, and for most of them tags and a pipeline status.
Creators already on the roster are left as they are, so seeding again, or with a larger N,
adds only the missing ones.

Their insights come from the sandbox when an analyst opens them (the app on the embedded
sandbox, or the sandbox process the app is configured against): the seed writes no fetch
history, so nothing on the roster claims a fetch that did not happen. With ``--fetch`` their
headline numbers are fetched right after (from the API the environment configures, else the
embedded sandbox; MAX_CONCURRENT_FETCHES at once, those with a fresh cached copy skipped), so
the roster shows followers and ER and sorts by them; a fetch that fails is named, and the exit
status is then 1 (the creators stay on the roster).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping, Sequence

from fpapi.errors import StudioError
from fpapi.sandbox.accounts import NICHES, generated_account, seeded_rng
from fpapi.sandbox.insights import size_of
from fpapi.storage.records import PIPELINE_STATUSES, Creator, Relationship
from fpapi.workspace.core import Workspace, open_workspace
from fpapi.workspace.headlines import FETCH_BATCH, HeadlineFetch, fetch_headlines
from fpapi.workspace.members import DEFAULT_WORKSPACE, Actor, workspace_name
from fpapi.workspace.settings import load_settings, secrets_files

__all__ = ["MAX_SEEDED", "main", "seeded_creators"]

MAX_SEEDED = 10_000
SEEDED_BY = "seed"
TAGS = ("q1 launch", "q3 launch", "gifting", "long term", "ugc", "events", "ambassador")
STATUS_WEIGHTS = (50, 20, 15, 10, 5)  # new, shortlisted, contacted, contracted, declined
DAYS_BACK = 120


def seeded_creators(count: int, *, now: float) -> list[tuple[Creator, Relationship | None]]:
    """The first ``count`` generated creators as roster entries, each with their tags and
    status (None for about a third: new, untagged)."""
    found: list[tuple[Creator, Relationship | None]] = []
    for number in range(count):
        account = generated_account(number)
        rng = seeded_rng("seed", number)
        tier, _ = size_of(account)
        verified_at = now - rng.uniform(0, DAYS_BACK) * 86_400
        creator = Creator(
            account.creator_id,
            account.connector,
            name=account.name,
            username=account.username,
            platform_user_id=account.platform_user_id,
            label=f"{tier} · {NICHES[account.index % len(NICHES)][0]}",
            verified_at=verified_at,
            added_by=SEEDED_BY,
            added_at=verified_at,
        )
        relationship = None
        if rng.random() > 0.35:
            tags = rng.sample(TAGS, k=rng.randint(0, 2))
            status = rng.choices(PIPELINE_STATUSES, weights=STATUS_WEIGHTS)[0]
            relationship = Relationship(
                account.creator_id, tags=tags, status=status, updated_at=verified_at
            )
        found.append((creator, relationship))
    return found


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fpapi.sandbox.seed", description=__doc__)
    parser.add_argument(
        "--creators", type=int, required=True, help=f"how many (1 to {MAX_SEEDED:,})"
    )
    parser.add_argument(
        "--workspace", default=DEFAULT_WORKSPACE, metavar="NAME",
        help="the client workspace whose roster gets them (created if needed; default: default)",
    )  # fmt: skip
    parser.add_argument(
        "--fetch", action="store_true",
        help="fetch their headline numbers right after, so the roster shows followers and ER",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if not 1 <= args.creators <= MAX_SEEDED:
        print(f"--creators must be from 1 to {MAX_SEEDED:,}.", file=sys.stderr)
        return 2
    try:
        settings = load_settings(os.environ if environ is None else environ, secrets_files())
        ws = open_workspace(settings, Actor(SEEDED_BY))
        name = workspace_name(args.workspace)
        if name not in ws.open_to:
            ws.create_workspace(name)
        ws = ws.switch_to(name)
        seeded = seeded_creators(args.creators, now=time.time())
        added = ws.add_new_creators(seeded)
    except (StudioError, OSError) as err:
        print(f"Could not seed the roster: {err}", file=sys.stderr)
        return 1
    where = "the team database" if settings.database_url else f"{settings.data_dir}"
    print(
        f"Added {added:,} demo creators to the roster of the workspace {name} in {where} "
        f"({args.creators - added:,} were on it already).",
        flush=True,
    )
    status = _fetch([creator.creator_id for creator, _ in seeded], ws) if args.fetch else 0
    ws.close()
    return status


def _fetch(creator_ids: list[str], ws: Workspace) -> int:
    """``--fetch``: the creators' headline numbers, with progress; 1 when any failed."""
    done = [0]

    def progress(batch: HeadlineFetch) -> None:
        done[0] += len(batch.fetched) + len(batch.failed)
        if len(creator_ids) > FETCH_BATCH:
            print(f"Fetched {done[0]:,} of {len(creator_ids):,}…", flush=True)

    started = time.monotonic()
    result = fetch_headlines(ws, creator_ids, on_batch=progress)
    print(
        f"Fetched the headline numbers of {len(result.fetched):,} creators in "
        f"{time.monotonic() - started:.1f} s."
    )
    if not result.failed:
        return 0
    reason = next(iter(result.failed.values()))
    print(
        f"The insights of {len(result.failed):,} creators could not be fetched ({reason}); they "
        "are on the roster, and their numbers are fetched when an analyst opens them, or by "
        "seeding again with --fetch.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
