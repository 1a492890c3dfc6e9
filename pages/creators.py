"""Creators: The roster of verified creators."""

from __future__ import annotations

import streamlit as st

st.title("Creators")
st.write("The roster of verified creators.")
st.info("This page is not built yet.")
