"""Servers the browser tests start on loopback, and stop when they end: the app's helpers for
waiting and stopping, and a real OpenID Connect provider (``oidc-provider-mock``)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import string
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers import free_port

POLL_S = 0.3


def wait_until_up(process: subprocess.Popen, url: str, log_path: Path, *, timeout_s: float) -> None:
    """Return once ``url`` answers 200; raise with the server's log if it exits or hangs."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[2]} exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(POLL_S)
    stop(process)
    raise RuntimeError(f"{url} did not answer in {timeout_s} s:\n{log_path.read_text()}")


def stop_all(*processes: subprocess.Popen | None) -> None:
    """Stop each server that was started (None for one that never was)."""
    for process in processes:
        if process is not None:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class OidcProvider:
    process: subprocess.Popen
    issuer: str
    log_path: Path

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def start_oidc_provider(users: list[dict[str, object]], log_path: Path) -> OidcProvider:
    """``oidc-provider-mock`` on a free loopback port, with one button per predefined user
    (each user's ``sub`` is the button's text)."""
    port = free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for claims in users:
        args += ["--user-claims", json.dumps(claims)]
    log_file = log_path.open("w")
    process = subprocess.Popen(args, stdout=log_file, stderr=subprocess.STDOUT)
    provider = OidcProvider(process, f"http://127.0.0.1:{port}", log_path)
    wait_until_up(process, provider.metadata_url, log_path, timeout_s=30)
    return provider


@dataclass(frozen=True)
class AuthSecrets:
    """An ``[auth]`` section for one app port; the secrets are fresh per test run."""

    home: Path
    client_secret: str
    cookie_secret: str


def write_auth_home(home: Path, *, app_port: int, provider: OidcProvider) -> AuthSecrets:
    """A HOME whose ``~/.streamlit/secrets.toml`` configures sign-in against ``provider``."""
    client_secret, cookie_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    folder = home / ".streamlit"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "creator-insights-studio"\n'
        f'client_secret = "{client_secret}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
    return AuthSecrets(home, client_secret, cookie_secret)


NGINX_TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "default.conf.template"


def start_nginx(folder: Path, *, port: int, replicas: list[str]) -> subprocess.Popen:
    """Debian's nginx on 127.0.0.1:``port`` with the deployment's own template in front of two
    replicas (``host:port`` each); everything it writes stays in ``folder``."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        raise RuntimeError("nginx is not installed: apt-get install nginx (scripts/test.sh does).")
    folder.mkdir(parents=True, exist_ok=True)
    snippet = string.Template(NGINX_TEMPLATE.read_text()).safe_substitute(
        STUDIO_LISTEN=f"127.0.0.1:{port}",
        STUDIO_REPLICA_1=replicas[0],
        STUDIO_REPLICA_2=replicas[1],
    )
    access_log = folder / "access.log"  # the template's path is the packages' own
    (folder / "studio.conf").write_text(
        snippet.replace("/var/log/nginx/access.log", str(access_log))
    )
    temp_paths = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log {folder / "access.log"};
{temp_paths}
    include {folder / "studio.conf"};
}}
"""
    )
    log_path = folder / "stdout.log"
    process = subprocess.Popen(
        [nginx, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf"),
         "-g", "daemon off;"],
        stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_until_up(
        process, f"http://127.0.0.1:{port}/_stcore/health", folder / "error.log", timeout_s=30
    )
    return process
