"""The commands, each ``python -m``: ``fpapi.refresh`` (scheduled refresh and alerts),
``fpapi.migrate`` (a data folder into the team database) and ``fpapi.sandbox.seed`` (a demo
roster at agency scale). Each opens the workspace core from the app's settings, as a page
does; the short modules at those names only start these."""
