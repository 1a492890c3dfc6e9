from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from fpapi import FirstPartyClient
from fpapi.sandbox import Knobs, embedded_sandbox
from fpapi.workspace.headlines import settle
from tests.backends import NAMES as BACKENDS
from tests.backends import Backend
from tests.helpers import Clock
from tests.postgres import Postgres

FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def vendor_insights() -> dict[str, Any]:
    """The vendor page's insights sample, rebuilt as JSON (a fresh copy per test)."""
    return copy.deepcopy(load_fixture("vendor_insights.json"))


@pytest.fixture
def vendor_verify() -> dict[str, Any]:
    return copy.deepcopy(load_fixture("vendor_verify.json"))


@pytest.fixture(scope="session")
def sandbox():
    """One sandbox on loopback for the whole run: the app's own embedded one, which the pages
    under AppTest call too; tests reset its knobs."""
    return embedded_sandbox()


@pytest.fixture
def clean_sandbox(sandbox):
    """The shared sandbox with every knob off (faults, moved numbers, revoked consent), before
    and after the test."""
    sandbox.knobs = Knobs()
    yield sandbox
    sandbox.knobs = Knobs()


@pytest.fixture(autouse=True)
def first_fetches_done():
    """A creator who joins has their numbers fetched in the background: a test ends only
    once the fetches it started are done, so none writes into the next test's folders."""
    yield
    assert settle(timeout_s=60), "a background first fetch still ran 60 s after the test"


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """A fresh data directory and no configured API: the app runs on the embedded sandbox."""
    for name in ("FPAPI_BASE_URL", "FPAPI_TOKEN", "FPAPI_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FPAPI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(clean_sandbox):
    """A client of the shared sandbox that never sleeps between retries."""
    with FirstPartyClient(clean_sandbox.base_url, clean_sandbox.token, sleep=lambda _: None) as api:
        yield api


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL (Debian's) for the whole run, on a free loopback port."""
    server = Postgres().start()
    yield server
    server.remove()


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    """The store and cache suites run on each: local folder, SQLite, PostgreSQL."""
    postgres = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    chosen = Backend.make(request.param, tmp_path, postgres)
    yield chosen
    chosen.close()


# Hypothesis: a fixed seed and a bounded number of examples in CI; "long" by hand.
settings.register_profile(
    "ci", max_examples=200, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
settings.register_profile(
    "long", max_examples=3_000, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
