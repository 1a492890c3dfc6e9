"""Fixtures of the page tests (AppTest); the helpers that drive pages are in apptest.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def vendor(app_env, clean_sandbox, monkeypatch):
    """The app configured against the sandbox as against a vendor's API (not in sandbox mode),
    with a short timeout, so a test can break it (``break_vendor``)."""
    monkeypatch.setenv("FPAPI_BASE_URL", clean_sandbox.base_url)
    monkeypatch.setenv("FPAPI_TOKEN", clean_sandbox.token)
    monkeypatch.setenv("FPAPI_TIMEOUT_S", "0.5")
    return clean_sandbox
