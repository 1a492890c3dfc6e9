"""Reading the studio's Prometheus metrics in tests: always through prometheus_client's own
text parser, as Prometheus would read them."""

from __future__ import annotations

from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from fpapi import metrics

Scrape = dict[str, Metric]


def parse(text: str) -> Scrape:
    """A scrape's families by name (a counter's without its ``_total``)."""
    return {family.name: family for family in text_string_to_metric_families(text)}


def scrape() -> Scrape:
    """This process's metrics, rendered as ``/metrics`` serves them, and parsed."""
    body, _ = metrics.render()
    return parse(body.decode())


def sample(families: Scrape, name: str, **labels: str) -> float:
    """The value of the sample ``name`` with exactly these labels; 0 if there is none."""
    for family in families.values():
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return 0.0


def grew(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    """How much the sample went up between two scrapes."""
    return sample(after, name, **labels) - sample(before, name, **labels)
