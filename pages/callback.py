"""Verification: This page finishes a creator's verification when their browser comes back from the consent screen."""

from __future__ import annotations

import streamlit as st

st.title("Verification")
st.write(
    "This page finishes a creator's verification when their browser comes back from the consent screen."
)
st.info("This page is not built yet.")
