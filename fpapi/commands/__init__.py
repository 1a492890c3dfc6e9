"""The commands, each ``python -m``: ``fpapi.refresh`` (scheduled refresh and alerts),
``fpapi.migrate`` (a data folder into the team database), ``fpapi.workspaces`` (client
workspaces and members), ``fpapi.forget`` (deleting a creator) and ``fpapi.sandbox.seed`` (a demo
roster at agency scale). Each opens the workspace core from the app's settings, as a page
does; the short modules at those names only start these."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping

from fpapi.errors import StudioError
from fpapi.workspace.core import Workspace, open_workspace
from fpapi.workspace.members import Actor
from fpapi.workspace.settings import load_settings, secrets_files

__all__ = ["CONFIG_ERROR", "add_concurrency", "command_workspace"]

CONFIG_ERROR = 2  # every command's exit status for a configuration it cannot use


def command_workspace(environ: Mapping[str, str] | None, actor: str) -> Workspace | None:
    """The workspace core for a command acting as ``actor`` (an admin, in ``default``),
    configured like the app (the environment, then ``[fpapi]`` in ``.streamlit/secrets.toml``);
    None once the configuration's problem is printed. Warnings are logged to stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(os.environ if environ is None else environ, secrets_files())
        return open_workspace(settings, Actor(actor))
    except (StudioError, OSError) as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return None


def add_concurrency(parser: argparse.ArgumentParser, default: int, what: str) -> None:
    """``--concurrency N``: how many ``what`` run at once."""
    parser.add_argument(
        "--concurrency", type=int, default=default, metavar="N",
        help=f"{what} at once (default {default})",
    )  # fmt: skip
