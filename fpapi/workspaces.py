"""``python -m fpapi.workspaces``, as the README has it: runs :mod:`fpapi.commands.workspaces`.

Started by name, not imported, so that this entry point adds no dependency to its package.
"""

import runpy

if __name__ == "__main__":
    runpy.run_module("fpapi.commands.workspaces", run_name="__main__", alter_sys=True)
