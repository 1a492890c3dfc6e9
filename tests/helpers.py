"""Helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import diskcache
import numpy as np

from components.frame.plotly_view import CHART_COMPONENT

# The KPIs an analyst reads at the top of every insights page.
KPI_LABELS = (
    "Followers",
    "Engagement rate",
    "Posts per week",
    "Effective follower rate",
    "Median views",
    "Profile quality",
)


class Clock:
    """A clock the test moves by hand: ``clock.now += 3600``."""

    def __init__(self, now: float = 5_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def charts_of(at: Any) -> list[dict]:
    """Every plotly figure an AppTest run drew (components/frame/plotly_view.py), as its JSON."""
    return [
        json.loads(json.loads(element.proto.json)["figure"])
        for element in at.get("bidi_component")
        if element.proto.component_name.endswith(CHART_COMPONENT)
    ]


def plotly_values(array: Any) -> list[float]:
    """A plotly JSON array, plain or typed ({"dtype", "bdata"})."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def write_older_store(folder: Path, records: dict[str, Any]) -> None:
    """Records as an older version's store kept them: a JSON diskcache, each under its key
    (``creator|<id>``, ``link|<key>``, ...)."""
    with diskcache.Cache(str(folder), disk=diskcache.JSONDisk) as raw:
        for key, value in records.items():
            raw.set(key, value)
