"""Deletion: anyone, signed in or not, checks a deletion code (``/deletion?code=CODE``).

It says when the creator connected and when their data was deleted, and nothing else: the
receipt holds no name, handle or id.
"""

from __future__ import annotations

import streamlit as st

from components.frame.workspace import open_public_workspace
from components.ui.forget import deletion_sentence

UNAVAILABLE = "Deletion codes cannot be checked right now. Try again later."

st.title("Deletion")
asked = st.query_params.get("code") or st.text_input(
    "Deletion code", max_chars=40, placeholder="the code you were given"
)
if asked:
    ws = open_public_workspace(UNAVAILABLE)
    st.write(deletion_sentence(ws.deletion(asked)))
else:
    st.write("Enter the deletion code you were given to see when the data was deleted.")
