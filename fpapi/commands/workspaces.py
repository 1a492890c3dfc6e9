"""Client workspaces from the command line, for whoever runs the app (an admin by definition):

    python -m fpapi.workspaces list
    python -m fpapi.workspaces create NAME
    python -m fpapi.workspaces add NAME EMAIL --role analyst|viewer
    python -m fpapi.workspaces remove NAME EMAIL

Configured like the app (the environment, then ``[fpapi]`` in ``.streamlit/secrets.toml``), on
the data folder or the team database it names. Each change goes through the workspace core, as
the /admin page's do, and is recorded in that workspace's activity list. Exit status: 0 done,
1 refused (a sentence says why), 2 a configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence

from fpapi.commands import CONFIG_ERROR, command_workspace
from fpapi.errors import StudioError
from fpapi.workspace.core import Workspace
from fpapi.workspace.members import DEFAULT_WORKSPACE, MEMBER_ROLES, REMOVED

__all__ = ["main"]

COMMAND_ACTOR = "workspaces command"
REFUSED, OK = 1, 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m fpapi.workspaces", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every workspace, its members and their roles")
    create = commands.add_parser("create", help="create a workspace")
    create.add_argument("name")
    add = commands.add_parser("add", help="add a member, or change their role")
    add.add_argument("name")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=[role.value for role in MEMBER_ROLES])
    remove = commands.add_parser("remove", help="take a member out of a workspace")
    remove.add_argument("name")
    remove.add_argument("email")
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = _parser().parse_args(argv)
    ws = command_workspace(environ, COMMAND_ACTOR)
    if ws is None:
        return CONFIG_ERROR
    try:
        print(_run(ws, args))
    except StudioError as err:
        print(str(err), file=sys.stderr)
        return REFUSED
    finally:
        ws.close()
    return OK


def _run(ws: Workspace, args: argparse.Namespace) -> str:
    if args.command == "create":
        return f"Created the workspace {ws.create_workspace(args.name)}."
    if args.command == "add":
        member = ws.set_member(args.name, args.email, args.role)
        return f"{member.email} is {member.role} in {member.workspace}."
    if args.command == "remove":
        removed = ws.remove_member(args.name, args.email)
        verb = "Removed" if removed else "Nothing to do:"
        return (
            f"{verb} {args.email.strip().lower()} {'from' if removed else 'is not in'} {args.name}."
        )
    return _listing(ws)


def _listing(ws: Workspace) -> str:
    lines = []
    for found, rows in ws.workspace_listing():
        lines.append(found.name)
        for member in rows:
            role = "removed (kept out)" if member.role == REMOVED else member.role
            lines.append(f"  {member.email}  {role}")
        if found.name == DEFAULT_WORKSPACE:
            lines.append("  (and everyone the allow-lists let in, with their list's role)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
