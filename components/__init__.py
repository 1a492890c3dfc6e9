"""Streamlit and plotly pieces that pages compose; the only package that imports both."""
