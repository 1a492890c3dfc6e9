"""Forget a creator: ``python -m fpapi.forget CREATOR_ID`` or ``python -m fpapi.forget @handle``.

Deletes everything the app holds about the creator in every client workspace, as the "Forget
this creator" button does (:meth:`fpapi.workspace.core.Workspace.forget_creator`), and prints
the deletion code to give the creator: ``/deletion?code=CODE`` then confirms it to anyone.
Configured like the app. Exit status: 0 forgotten, 1 no such creator, 2 a configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence

from fpapi.commands import CONFIG_ERROR, command_workspace
from fpapi.errors import StudioError
from fpapi.workspace.core import Workspace

__all__ = ["main"]

COMMAND_ACTOR = "forget command"
NOT_FOUND, OK = 1, 0


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fpapi.forget", description=__doc__)
    parser.add_argument("creator", help="the creator's id, or their handle as @handle")
    args = parser.parse_args(argv)
    ws = command_workspace(environ, COMMAND_ACTOR)
    if ws is None:
        return CONFIG_ERROR
    try:
        asked = args.creator.strip()
        found = _find(ws, asked)
        if found is not None:
            where, creator_id = found
            deletion = where.forget_creator(creator_id)
        else:  # on no roster: removed before, its history or cache may be left
            left = None if asked.startswith("@") else ws.forget_anywhere(asked)
            if left is None:
                print(f"Nothing of a creator {asked!r} is held by this app.", file=sys.stderr)
                return NOT_FOUND
            deletion = left
    except StudioError as err:
        print(str(err), file=sys.stderr)
        return CONFIG_ERROR
    finally:
        ws.close()
    print(
        f"Forgot the creator and everything the app held about them. Deletion code: "
        f"{deletion.code} (the creator can check it at /deletion?code={deletion.code})."
    )
    return OK


def _find(ws: Workspace, asked: str) -> tuple[Workspace, str] | None:
    """A workspace (an admin's view of it) whose roster has the creator, by id or @handle,
    and their id."""
    for name in ws.open_to:
        here = ws.switch_to(name)
        creator = (
            next(iter(here.creators_with_handles([asked])), None)
            if asked.startswith("@")
            else here.creator(asked)
        )
        if creator is not None:
            return here, creator.creator_id
    return None


if __name__ == "__main__":
    sys.exit(main())
