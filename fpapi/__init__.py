"""fpapi: a client for the vendor's First Party API, with its cache, store and sandbox.

Nothing in this package imports Streamlit: it could be published on its own. Its layers:

    api/        the vendor's API: the client and models of its answers
    analysis/   pure analysis of those answers: frames, metrics, reports, comparisons, exports
    storage/    what the app keeps: the insight cache and the store
    workspace/  the app's own flows: settings, access, the connect flow, the roster
    sandbox/    an emulator of the vendor's contract on loopback
    commands/   the python -m commands: refresh, worker, migrate, workspaces, forget, seed
    metrics.py  Prometheus metrics (the client, the cache and the queue count into it)
    errors.py   both error trees (the API's and the app's); redact.py keeps secrets out of text
"""

from __future__ import annotations

# The public API is exactly the public names of these three modules.
from fpapi import errors
from fpapi.api import client, models
from fpapi.api.client import *  # noqa: F403
from fpapi.api.models import *  # noqa: F403
from fpapi.errors import *  # noqa: F403
from fpapi.version import __version__

__all__ = [*client.__all__, *models.__all__, *errors.__all__, "__version__"]
