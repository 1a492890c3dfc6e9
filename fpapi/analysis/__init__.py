"""Analysis of insight responses: tidy frames, metrics, reports, comparisons and exports (pure)."""
