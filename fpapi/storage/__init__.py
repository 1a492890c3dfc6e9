"""What the app keeps: the insight cache and the store (roster, links, shortlists, activity)."""
