"""The files this session has built for download, bounded.

An export is built when its button is pressed (Streamlit's deferred download), and Streamlit
keeps each distinct file it is handed until the session moves on. A report pressed thirty
times was built thirty times, and one stamped with the time was thirty files: a replica grew
from 230 to 462 MB. Here each button's file is built once and handed over as the same bytes on
every press (so Streamlit keeps one file), and a session holds at most MAX_HELD files; the
oldest go first and are built again if pressed again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import streamlit as st

log = logging.getLogger(__name__)

MAX_HELD = 10
_SESSION_KEY = "cis.downloads"

Content = bytes | str


class Downloads:
    """Built files by the button that built them, newest last, at most ``max_held``."""

    def __init__(self, max_held: int = MAX_HELD) -> None:
        self.max_held = max_held
        self._held: OrderedDict[Hashable, Content] = OrderedDict()
        self._lock = threading.Lock()  # pressed from the server's request threads

    def __len__(self) -> int:
        return len(self._held)

    def file(self, key: Hashable, build: Callable[[], Content]) -> Content:
        """The file ``key`` names, built by ``build`` unless it is held already."""
        with self._lock:
            if key in self._held:
                self._held.move_to_end(key)
                return self._held[key]
        content = build()
        with self._lock:
            self._held[key] = content
            while len(self._held) > self.max_held:
                self._held.popitem(last=False)
        return content


def session_downloads() -> Downloads:
    """This session's files (kept in its session state: never shared between analysts)."""
    held = st.session_state.get(_SESSION_KEY)
    if not isinstance(held, Downloads):
        held = st.session_state[_SESSION_KEY] = Downloads()
    return held


# Files a signed-out client may fetch: the downloads of a share link's page. serve.py keeps
# /media/ for signed-in analysts; these ids (Streamlit names a file by a hash of its bytes, type
# and name) are let through. Streamlit's hash is internal: if it moves, the ids are not known,
# the files stay closed to clients, and the log says so.
MAX_PUBLIC = 512
_public: OrderedDict[str, None] = OrderedDict()
_public_lock = threading.Lock()


def offered_publicly(data: bytes, mimetype: str, file_name: str) -> bytes:
    """``data``, which a visitor without sign-in may now download (a share's CSV or HTML)."""
    try:
        from streamlit.runtime.memory_media_file_storage import _calculate_file_id
    except ImportError:
        log.warning("Streamlit's file ids moved: a share's downloads answer only the signed-in")
        return data
    file_id = _calculate_file_id(data, mimetype, file_name)
    with _public_lock:
        _public[file_id] = None
        _public.move_to_end(file_id)
        while len(_public) > MAX_PUBLIC:
            _public.popitem(last=False)
    return data


def is_public_media(path: str) -> bool:
    """Whether ``path`` (``.../media/<id>.<ext>``) is a file offered to clients."""
    file_id = path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
    with _public_lock:
        return file_id in _public
