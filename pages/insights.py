"""Insights: One creator's first-party Instagram insights."""

from __future__ import annotations

import streamlit as st

st.title("Insights")
st.write("One creator's first-party Instagram insights.")
st.info("This page is not built yet.")
