"""Plotly figures from an analysis report: pure builders, no Streamlit."""
