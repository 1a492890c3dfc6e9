"""Run the real app with ``streamlit run`` and drive it in Debian's Chromium via Playwright.

Playwright's own browser download does not work here, so the browser is Debian's
``chromium-headless-shell`` on the PATH. If it is missing the tests fail (never skip): a
browser test that cannot run is red.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from fpapi.storage.data_folder import DataFolderStore
from fpapi.storage.records import Creator
from tests.browser.servers import (
    free_port,
    start_oidc_provider,
    stop,
    wait_until_up,
    write_auth_home,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
STARTUP_TIMEOUT_S = 60
# The tests drive Debian's chromium-headless-shell: Chromium's own headless build (the one
# Playwright itself runs headless), from the same Debian source as `chromium`, without the desktop
# browser's window and UI processes. The tests time nothing (the benchmarks drive the full
# `chromium`, as an analyst's browser), so they take the build that spends least CPU per page.
CHROMIUM = "chromium-headless-shell"
# What every Chromium here is started with (the benchmarks' too): without the background
# networking flags, Chromium's calls to Google's hosts are refused by this closed network.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
# The tests' own: one renderer process for every tab of the app, so a page opened after another
# reuses its process and the scripts V8 already compiled there, where a fresh process would
# compile Streamlit's and plotly's JavaScript again. Measured on the insights page, per load
# (CPU of the browser, the app and the test): 2.5-2.9 s with chromium, 2.0-2.3 s with the
# headless shell, 1.7 s with the headless shell and this limit; the browser suite on 2 cores:
# 245 s -> 191 s. Not for the benchmarks: an analyst's new tab gets no such head start.
TEST_CHROMIUM_FLAGS = [*CHROMIUM_FLAGS, "--renderer-process-limit=1"]


class RunningApp:
    def __init__(self, process: subprocess.Popen, url: str, data_dir: Path, log_path: Path):
        self.process, self.url, self.data_dir, self.log_path = process, url, data_dir, log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_app(
    data_dir: Path,
    log_path: Path,
    extra_env: dict[str, str] | None = None,
    *,
    port: int | None = None,
    base_path: str = "",
    entry: str = "serve.py",
) -> RunningApp:
    """``streamlit run serve.py`` (or ``entry``: ``app.py``, as a Streamlit host starts it) on a
    free port (or ``port``), under ``base_path`` (a prefix, as behind a proxy that serves the
    app under one) when given."""
    port = port or free_port()
    url = f"http://localhost:{port}" + (f"/{base_path}" if base_path else "")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FPAPI_")}
    env.update({"FPAPI_DATA_DIR": str(data_dir), "FPAPI_PUBLIC_URL": url, **(extra_env or {})})
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", entry, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.baseUrlPath", base_path,
         "--logger.level", "debug"],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_until_up(process, f"{url}/_stcore/health", log_path, timeout_s=STARTUP_TIMEOUT_S)
    return RunningApp(process, url, data_dir, log_path)


@contextlib.contextmanager
def running_app(
    data_dir: Path, log_path: Path, extra_env: dict[str, str] | None = None, **options: Any
) -> Iterator[RunningApp]:
    """``start_app``, stopped when the block ends, passing or failing."""
    running = start_app(data_dir, log_path, extra_env, **options)
    try:
        yield running
    finally:
        stop(running.process)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on the embedded sandbox, with its own data directory, for the whole session."""
    base = tmp_path_factory.mktemp("app")
    with running_app(base / "data", base / "streamlit.log") as running:
        yield running


@pytest.fixture(scope="session")
def playwright():
    chromium = shutil.which(CHROMIUM)
    if chromium is None:
        pytest.fail(
            f"Debian's {CHROMIUM} is not on the PATH: install it with `apt-get install "
            f"{CHROMIUM}` (scripts/test.sh does this). Browser tests fail rather than skip "
            "without it."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        running.chromium_path = chromium
        yield running


@pytest.fixture(scope="session")
def browser(playwright):
    """A browser for tests that need a second visitor at once, each in a fresh context."""
    launched = playwright.chromium.launch(
        executable_path=playwright.chromium_path, args=TEST_CHROMIUM_FLAGS
    )
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def profile(playwright, tmp_path_factory):
    """One browser profile per test process, as an analyst's own browser keeps one: its HTTP
    cache and compiled-script cache outlive a tab, so a page after the first does not download
    and compile Streamlit's and plotly's JavaScript again (about half of Chromium's CPU per
    page load). Each test's tab starts with no cookies: see ``page``."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=playwright.chromium_path,
        args=TEST_CHROMIUM_FLAGS,
        viewport={"width": 1400, "height": 1000},
    )
    yield context
    context.close()


@pytest.fixture
def page(profile):
    """A new tab in the shared profile, as a fresh browser would open it: the cookies (sign-in
    included) of earlier tests cleared, and after the test what each site it opened kept
    (local and session storage, IndexedDB, service workers); only the caches of downloaded and
    compiled scripts stay."""
    profile.clear_cookies()
    tab = profile.new_page()
    opened: set[str] = set()
    tab.on("framenavigated", lambda frame: opened.add(_origin(frame.url)))
    yield tab
    profile.clear_cookies()
    _forget_sites(tab if not tab.is_closed() else profile.new_page(), opened - {""})
    tab.close()


SITE_DATA = "local_storage,session_storage,indexeddb,websql,service_workers,cache_storage"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def _forget_sites(tab, origins: set[str]) -> None:
    """Clear what ``origins`` kept in the profile (DevTools' Storage.clearDataForOrigin)."""
    if not origins:
        return
    cdp = tab.context.new_cdp_session(tab)
    try:
        for origin in origins:
            cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": SITE_DATA})
    finally:
        cdp.detach()


def wait_for_app(page, timeout_ms: int = 30_000) -> None:
    """Wait like Streamlit's own e2e suite: script not running, and no skeleton left."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms
    )
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
        timeout=timeout_ms,
    )


def screenshot(page, name: str, *, height: int | None = None) -> Path:
    """A full screenshot under artifacts/screenshots (git-ignored). The main container
    scrolls, so a tall viewport is what shows the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if height:
        page.set_viewport_size({"width": page.viewport_size["width"], "height": height})
        wait_for_app(page)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def consent(page, consent_url: str, *, account: str, app_url: str) -> None:
    """The creator's part: open the link, pick the sandbox account, press Allow, and land on
    the app's callback with the token already scrubbed from the address bar."""
    page.goto(consent_url)
    page.select_option("#account", account)
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{app_url}/callback**")
    wait_for_app(page)
    page.get_by_text("Thank you").wait_for()
    page.wait_for_function("() => !window.location.search.includes('token=')")


def create_link(page, app_url: str, *, label: str) -> str:
    """The analyst's part: create a labelled link on /connect; returns the consent URL."""
    page.goto(f"{app_url}/connect")
    wait_for_app(page)
    page.get_by_label("Label (optional)").fill(label)
    page.get_by_role("button", name="Create verification link").click()
    link = page.get_by_role("link", name="Open the verification link")
    link.wait_for()
    wait_for_app(page)
    return link.get_attribute("href")


def plotly_summaries(page) -> list[dict]:
    """For each drawn plotly chart: its title and how many points plotly actually computed."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
            title: ((el.layout && el.layout.title && el.layout.title.text) || '').replace(/<[^>]+>/g, ''),
            points: (el.calcdata || []).reduce((n, trace) => n + trace.filter(pt => pt && !pt.gap).length, 0),
        }))"""
    )


def sign_in(page, url: str, who: str) -> None:
    """Press "Sign in", pick ``who`` on the provider's page, and wait to be back."""
    page.goto(url)
    wait_for_app(page)
    page.locator("[data-testid='stMain']").get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=who, exact=True).click()
    page.wait_for_url(lambda address: address.split("?")[0] == f"{url}/")  # ws= may follow
    wait_for_app(page)


def sign_out(page, url: str, button) -> None:
    """Press "Sign out": the app clears its cookie and hands over to the provider's end-session
    page, which asks once more before sending the browser back to the app."""
    button.click()
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/")
    wait_for_app(page)


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def put_on_roster(data: Path, accounts: Iterable[Any]) -> None:
    """The sandbox ``accounts`` on the roster of the data folder ``data``, as if verified."""
    store = DataFolderStore(data / "store")
    for account in accounts:
        store.add_creator(
            Creator(
                account.creator_id, "instagram", name=account.name, username=account.username,
                platform_user_id=account.platform_user_id,
            )
        )  # fmt: skip
    store.close()


@contextlib.contextmanager
def signed_in_app(
    base: Path, who: list[str], env: dict[str, str], creators: tuple[Any, ...] = ()
) -> Iterator[RunningApp]:
    """The app with sign-in through a real OpenID Connect provider on loopback whose users are
    ``who`` (verified addresses), the sandbox ``creators`` (accounts) on its roster, and
    ``env`` (the allow-lists): everything in ``base``, stopped when the block ends."""
    users = [{"sub": email, "email": email, "email_verified": True} for email in who]
    provider = start_oidc_provider(users, base / "oidc.log")
    port = free_port()
    auth = write_auth_home(base / "home", app_port=port, provider=provider)
    put_on_roster(base / "data", creators)
    try:
        with running_app(
            base / "data", base / "streamlit.log", {"HOME": str(auth.home), **env}, port=port
        ) as running:
            yield running
    finally:
        stop(provider.process)
