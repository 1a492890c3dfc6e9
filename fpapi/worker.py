"""``python -m fpapi.worker``, as the README has it: runs :mod:`fpapi.commands.worker`.

Started by name, not imported, so that this entry point adds no dependency to its package.
"""

import runpy

if __name__ == "__main__":
    runpy.run_module("fpapi.commands.worker", run_name="__main__", alter_sys=True)
