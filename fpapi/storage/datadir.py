"""The one data directory that holds the insight cache and the store, readable by its owner only."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "creator-insights-studio"
PRIVATE_DIR_MODE = 0o700


def default_data_dir() -> Path:
    """A per-user directory outside the repo: ``$XDG_DATA_HOME`` or ``~/.local/share``."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / APP_DIR_NAME


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` if needed and make it readable by its owner only; any parent folder
    created on the way is private too (existing parents are left as they are)."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        folder.chmod(PRIVATE_DIR_MODE)
    if (path.stat().st_mode & 0o777) != PRIVATE_DIR_MODE:
        path.chmod(PRIVATE_DIR_MODE)
    return path
