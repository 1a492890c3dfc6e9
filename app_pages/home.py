"""Home: what the app does, and the next step for a first-time analyst."""

from __future__ import annotations

import streamlit as st

from components.frame.loaders import recent_alerts
from components.frame.pages import link
from components.frame.workspace import open_workspace
from components.ui.demo import render_demo_offer
from components.ui.forget import retention_policy
from components.ui.refresh_status import render_refresh_status
from components.ui.roster import render_what_changed

st.title("Creator Insights Studio")
st.write(
    "Vet and compare social-media creators on their own first-party Instagram insights. "
    "A creator consents through a verification link; the app then charts their follower "
    "trend, engagement, content quality, top posts and look-alike creators, and puts several "
    "creators side by side."
)

ws = open_workspace()
if ws.on_sandbox and ws.may_change:
    render_demo_offer(ws)  # before the counts, so they include what it added
counts, links = ws.roster_counts(), ws.links()

pending = sum(1 for link in links if link.status == "pending")
left, middle, right = st.columns(3)
left.metric("Creators on the roster", counts.total)
middle.metric("Links waiting for a creator", pending)
right.metric("Links created", len(links))

render_refresh_status(ws.refresh_progress(), ws.data_age())

alerts = recent_alerts(ws)
on_roster = ws.creators([alert.creator_id for alert in alerts])
render_what_changed(alerts, {c.creator_id for c in on_roster})

st.subheader("How it works")
with st.container(border=True):
    st.markdown("**1. Connect a creator.** Create a verification link and send it to the creator.")
    link("connect", "Create a verification link")
with st.container(border=True):
    st.markdown(
        "**2. The creator consents.** They open the link, connect their account, and land back "
        "on this app, which verifies them and adds them to the roster."
    )
    link("creators", "See the roster")
with st.container(border=True):
    st.markdown("**3. Vet and compare.** Open a creator's insights, or compare several.")
    link("insights", "Open insights")
    link("compare", "Compare creators")

st.caption(retention_policy(ws.settings))
