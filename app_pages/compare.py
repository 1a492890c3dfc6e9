"""Compare creators: Several creators side by side."""

from __future__ import annotations

import streamlit as st

st.title("Compare creators")
st.write("Several creators side by side.")
st.info("This page is not built yet.")
