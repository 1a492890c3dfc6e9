"""Streamlit and plotly pieces that pages compose; the only package that imports both.

frame/     what every page shares: access gate, menu, sidebar, session state, the
           workspace a page opens (components.frame.workspace), the charts' loader
ui/        each page's widgets, one module a page
figures/   plotly figures from an analysis report (pure: no Streamlit)
exports/   the files an analyst downloads: HTML reports, CSV, XLSX (pure: no Streamlit)
text.py    the sentences and formats they all share
"""
