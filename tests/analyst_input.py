"""Hypothesis strategies for what an analyst types or links to: text pasted or typed into a
field, and the values of an address's query string."""

from __future__ import annotations

from hypothesis import strategies as st

ODD_TEXT = st.sampled_from(
    [
        "", " ", "%", "%%41", "%FF%FE", "token=%00&state=%0A", "?token=&state=",
        "http://localhost:8501/callback?token=%E2%82&state=%C0%AF",
        "http://localhost:8501/callback?token=a&token=b&state=c&state=d",
        "http://[::1", "http://localhost:99999/callback?token=x", "javascript:alert(1)",
        "<script>alert(1)</script>", "**bold** [link](http://evil.example)", "\u202egnp.exe",
        "a" * 100_000, "🙂" * 2_000, "\x00\x01\x02", "null", "None", "undefined",
    ]
)  # fmt: skip
ANY_TEXT = ODD_TEXT | st.text(max_size=300) | st.from_regex(r"https?://[\w.:@%\[\]/?=&#-]{0,80}")
# A query parameter's value: Streamlit gives a page the last one when a name repeats.
QUERY_VALUE = ANY_TEXT | st.lists(ANY_TEXT, min_size=2, max_size=3)
