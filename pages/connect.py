"""Connect a creator: Create a verification link for a creator, send it, and bring the token back."""

from __future__ import annotations

import streamlit as st

st.title("Connect a creator")
st.write("Create a verification link for a creator, send it, and bring the token back.")
st.info("This page is not built yet.")
