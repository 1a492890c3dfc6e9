"""Where a workspace's parts come from, opened from the settings and nowhere else: the API
(the embedded sandbox when none is configured), the store (the team database or the data
folder's) and the insight cache. The Streamlit side keeps what these open in its shared
resources; the commands open them through :func:`fpapi.workspace.core.open_workspace`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import replace
from pathlib import Path

from fpapi.errors import SettingsError
from fpapi.sandbox import embedded_sandbox
from fpapi.storage.cache import InsightCache, Shelf
from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.datadir import ensure_private_dir
from fpapi.storage.sql_cache import SqlShelf
from fpapi.storage.sql_store import SqlStore
from fpapi.storage.store import Store
from fpapi.workspace.settings import SANDBOX_CACHE_LABEL, Settings

__all__ = ["cache_label", "open_cache", "open_store", "share_secret", "with_api"]


def with_api(settings: Settings) -> Settings:
    """These settings with an API to call: the embedded sandbox when none is configured."""
    if not settings.uses_sandbox:
        return settings
    sandbox = embedded_sandbox()
    return replace(settings, base_url=sandbox.base_url, token=sandbox.token)


def cache_label(settings: Settings) -> str:
    """What the insight cache is keyed by: the configured API, or one label for the sandbox
    (it moves port every start; its creators stay the same). Of the settings as configured,
    before :func:`with_api`."""
    return settings.base_url or SANDBOX_CACHE_LABEL


def open_store(settings: Settings) -> Store:
    """The roster these settings name: the team database, or the data folder's."""
    if settings.database_url:
        return SqlStore(settings.database_url, pending_ttl_s=settings.link_ttl_s)
    return DataFolderStore(settings.data_dir / "store", pending_ttl_s=settings.link_ttl_s)


def open_cache(settings: Settings, label: str) -> InsightCache:
    """The insight cache these settings name, for the API ``label`` names."""
    shelf: Shelf | Path = (
        SqlShelf(settings.database_url) if settings.database_url else settings.data_dir / "insights"
    )
    return InsightCache(shelf, api_base_url=label, ttl_s=settings.cache_ttl_s)


SECRET_KEY_FILE = "secret_key"  # noqa: S105 (the file's name, not a secret)


def share_secret(settings: Settings) -> bytes:
    """The server secret share links are signed with: FPAPI_SECRET_KEY; with a team database
    it must be set (every replica signs alike), on one machine it is generated once into the
    data folder (mode 0600) and read back from there."""
    if settings.secret_key:
        return settings.secret_key.encode()
    if settings.database_url:
        raise SettingsError(
            "Sharing with clients needs FPAPI_SECRET_KEY with a team database, the same on "
            "every replica: generate one with python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))' and restart the app."
        )
    folder = ensure_private_dir(settings.data_dir)
    path = folder / SECRET_KEY_FILE
    if not path.exists():  # written whole, then linked in: a reader never sees half of it
        draft = folder / f".{SECRET_KEY_FILE}.{secrets.token_hex(8)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another session made it first: theirs is the one
        finally:
            draft.unlink()
    return path.read_bytes().strip()
