"""The app's configuration: environment first, then ``.streamlit/secrets.toml``'s ``[fpapi]`` table.

No base URL configured means "use the embedded sandbox". Pure: the caller passes the
environment and the secrets table, so this is tested without Streamlit.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fpapi.api.client import DEFAULT_PATHS, READ_TIMEOUT_S, ApiPaths
from fpapi.errors import SettingsError
from fpapi.links import DEFAULT_LINK_KEEP_S, DEFAULT_PENDING_TTL_S
from fpapi.storage.cache import DEFAULT_TTL_S
from fpapi.storage.database import valid_database_url
from fpapi.storage.datadir import default_data_dir
from fpapi.storage.records import DEFAULT_ACTIVITY_KEEP_S

__all__ = [
    "DEFAULT_PUBLIC_URL",
    "SANDBOX_CACHE_LABEL",
    "SETTINGS_TABLE",
    "Settings",
    "load_settings",
    "secrets_files",
    "setting_value",
]

DEFAULT_PUBLIC_URL = "http://localhost:8501"
DEFAULT_RETENTION_DAYS = 730  # two years: fetch history, activity, ended campaigns
DEFAULT_REVOKED_PURGE_DAYS = 0.0  # forget a creator as soon as the vendor says they withdrew
DEFAULT_SHARE_MAX_DAYS = 30.0
DEFAULT_REPORT_COLOR = "#1f6feb"
DEFAULT_ALERT_ER_DROP_PCT = 25.0
DEFAULT_ALERT_FOLLOWERS_PCT = 5.0
DEFAULT_ALERT_QUALITY_DROP_POINTS = 10.0
DAY_S = 86_400

# The embedded sandbox's cache label: it moves port every start, its creators stay the same.
SANDBOX_CACHE_LABEL = "sandbox://embedded"

# name in the environment -> what it is. In the [fpapi] secrets table a setting's key is its name
# without FPAPI_, in lower case (FPAPI_CACHE_TTL_S -> cache_ttl_s).
SETTINGS_TABLE: dict[str, str] = {
    "FPAPI_BASE_URL": "The vendor's API root, e.g. https://api.vendor.example/api/v1. Unset: the embedded sandbox.",
    "FPAPI_TOKEN": "The vendor's API token, sent as a Bearer token.",
    "FPAPI_PUBLIC_URL": f"Where analysts and creators reach this app; the callback is {{this}}/callback. Default {DEFAULT_PUBLIC_URL}.",
    "FPAPI_DATA_DIR": "Where the insight cache and the roster live. Default ~/.local/share/creator-insights-studio.",
    "FPAPI_DATABASE_URL": "A team's shared database, e.g. postgresql://studio:password@db:5432/studio: roster, links, shortlists, activity and insight cache, for every replica. Unset: the data folder.",
    "FPAPI_CACHE_TTL_S": f"How long fetched insights count as fresh, in seconds. Default {DEFAULT_TTL_S}.",
    "FPAPI_LINK_TTL_S": f"How long a verification link stays usable, in seconds. Default {DEFAULT_PENDING_TTL_S}.",
    "FPAPI_TIMEOUT_S": f"How long to wait for the API to answer one call, in seconds. Default {READ_TIMEOUT_S:.0f}.",
    "FPAPI_PATH_VERIFICATION_URL": f"Create Verification URL path. Default {DEFAULT_PATHS.verification_url}.",
    "FPAPI_PATH_VERIFY": f"Verify Creator path. Default {DEFAULT_PATHS.verify}.",
    "FPAPI_PATH_INSIGHTS": f"Insights path, with {{creator_id}}. Default {DEFAULT_PATHS.insights}.",
    "FPAPI_ALLOWED_REDIRECT_ORIGINS": "Other sites a creator may be sent back to (origins such as https://brand.example, comma-separated). Default: only FPAPI_PUBLIC_URL's.",
    "FPAPI_ACTIVITY_KEEP_DAYS": f"How long activity entries are kept, in days (pruned by age, never by count). Default {DEFAULT_ACTIVITY_KEEP_S // DAY_S}.",
    "FPAPI_LINK_KEEP_DAYS": f"How long finished and expired links are kept before they are pruned, in days. Default {DEFAULT_LINK_KEEP_S // DAY_S}.",
    "FPAPI_ADMIN_EMAILS": "Admins: like FPAPI_ALLOWED_EMAILS; they may do everything an analyst may, and manage who may do what.",
    "FPAPI_VIEWER_EMAILS": "Viewers: like FPAPI_ALLOWED_EMAILS; they read every page and download exports, and change nothing.",
    "FPAPI_ALLOWED_EMAILS": "Who may sign in: addresses and @domain entries, comma-separated, matched case-insensitively.",
    "FPAPI_ALERT_WEBHOOK_URL": "Where `python -m fpapi.refresh` posts each alert as JSON {\"text\": ...} (a Slack incoming webhook, say). Unset: alerts are only shown on the home page.",
    "FPAPI_ALERT_ER_DROP_PCT": f"Alert when ER falls by at least this share since the previous fetch, in percent. Default {DEFAULT_ALERT_ER_DROP_PCT:g}.",
    "FPAPI_ALERT_FOLLOWERS_PCT": f"Alert when followers rise or fall by at least this share since the previous fetch, in percent. Default {DEFAULT_ALERT_FOLLOWERS_PCT:g}.",
    "FPAPI_ALERT_QUALITY_DROP": f"Alert when the 0-100 profile quality score falls by at least this many points. Default {DEFAULT_ALERT_QUALITY_DROP_POINTS:g}.",
    "FPAPI_RETENTION_DAYS": f"How long fetch history, activity entries and ended campaigns are kept, in days; older ones are deleted whenever `python -m fpapi.refresh` runs. Default {DEFAULT_RETENTION_DAYS}.",
    "FPAPI_REVOKED_PURGE_DAYS": f"How many days after the vendor says a creator withdrew consent their data is forgotten. Default {DEFAULT_REVOKED_PURGE_DAYS:g}: at once.",
    "FPAPI_PRIVACY_CONTACT": "Where a creator asks for their data to be deleted (an e-mail address or a web address), told on the verification page. Default: none.",
    "FPAPI_SECRET_KEY": "The server secret share links are signed with (at least 32 characters; `python -c 'import secrets; print(secrets.token_urlsafe(48))'`). Required to share with a team database; on one machine it is generated once into the data folder. A secret: never logged.",
    "FPAPI_SHARE_MAX_DAYS": f"The longest a share link may last, in days (an analyst picks 1, 7 or 30, up to this). Default {DEFAULT_SHARE_MAX_DAYS:g}.",
    "FPAPI_REPORT_BRAND": "The agency's name at the top of campaign reports (HTML). Default: none.",
    "FPAPI_REPORT_COLOR": f"The agency's colour in campaign reports, as #RRGGBB. Default {DEFAULT_REPORT_COLOR}.",
    "FPAPI_SESSION_MAX_HOURS": "How long past its ID token's expiry a sign-in stays valid, in hours; then the analyst signs in again. Default 12.",
    "FPAPI_VENDOR_RPS": "The vendor's rate limit, in calls per second, shared through the team database by every worker on every host and by the app; a 429 with Retry-After pauses all of them. Unset: no shared limit (each process backs off on its own).",
    "FPAPI_ALLOW_ANONYMOUS": "true opens the app without sign-in at a non-loopback address: for a trusted network only.",
}  # fmt: skip


@dataclass(frozen=True)
class Settings:
    base_url: str | None
    token: str = field(repr=False, default="")
    public_url: str = DEFAULT_PUBLIC_URL
    data_dir: Path = field(default_factory=default_data_dir)
    cache_ttl_s: float = DEFAULT_TTL_S
    link_ttl_s: float = DEFAULT_PENDING_TTL_S
    timeout_s: float = READ_TIMEOUT_S
    paths: ApiPaths = DEFAULT_PATHS
    extra_redirect_origins: tuple[str, ...] = ()
    link_keep_s: float = DEFAULT_LINK_KEEP_S
    activity_keep_s: float = DEFAULT_ACTIVITY_KEEP_S
    database_url: str | None = field(repr=False, default=None)  # holds the database password
    alert_webhook_url: str | None = field(repr=False, default=None)  # a webhook URL is a secret
    report_brand: str = ""
    retention_s: float = DEFAULT_RETENTION_DAYS * DAY_S
    secret_key: str | None = field(repr=False, default=None)  # signs share links
    share_max_days: float = DEFAULT_SHARE_MAX_DAYS
    revoked_purge_s: float = DEFAULT_REVOKED_PURGE_DAYS * DAY_S
    privacy_contact: str = ""
    report_color: str = DEFAULT_REPORT_COLOR
    alert_er_drop_pct: float = DEFAULT_ALERT_ER_DROP_PCT
    alert_followers_pct: float = DEFAULT_ALERT_FOLLOWERS_PCT
    alert_quality_drop: float = DEFAULT_ALERT_QUALITY_DROP_POINTS
    vendor_rps: float | None = None  # one budget for every process (FPAPI_VENDOR_RPS)

    @property
    def on_queue(self) -> bool:
        """Whether refresh goes through the job queue: on a PostgreSQL team database."""
        return (self.database_url or "").startswith(("postgresql:", "postgres:", "postgresql+"))

    @property
    def uses_sandbox(self) -> bool:
        return not self.base_url

    @property
    def callback_url(self) -> str:
        return f"{self.public_url}/callback"

    @property
    def allowed_redirect_origins(self) -> tuple[str, ...]:
        """Where the platform may send a creator back to: this app, and any listed origin."""
        return (self.public_url, *self.extra_redirect_origins)


def setting_value(
    environ: Mapping[str, str], table: Mapping[str, Any], env_name: str
) -> str | None:
    """One setting as stripped text: the environment first, then its ``[fpapi]`` key; None if
    unset or blank."""
    raw: Any = environ.get(env_name)
    if raw is None or raw.strip() == "":
        raw = table.get(_secrets_key(env_name))
    if raw is None:
        return None
    text = str(raw).strip()
    return text or None


def _secrets_key(env_name: str) -> str:
    """A setting's key in the ``[fpapi]`` secrets table: ``FPAPI_CACHE_TTL_S`` -> ``cache_ttl_s``."""
    if env_name not in SETTINGS_TABLE:
        raise KeyError(f"{env_name} is not a setting: declare it in SETTINGS_TABLE.")
    return env_name.removeprefix("FPAPI_").lower()


def load_settings(environ: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> Settings:
    """Read every setting, the environment winning over ``secrets``; raise SettingsError if bad."""
    table = secrets or {}

    def value(env_name: str) -> str | None:
        return setting_value(environ, table, env_name)

    def amount(env_name: str, default: float, *, unit: str = "seconds") -> float:
        return _amount(env_name, value(env_name), default, unit=unit)

    def days_in_s(env_name: str, default_days: float) -> float:
        """A setting given in days, as seconds."""
        return amount(env_name, default_days, unit="days") * DAY_S

    base_url = value("FPAPI_BASE_URL")
    if base_url is not None:
        _require_http_url("FPAPI_BASE_URL", base_url)
        base_url = base_url.rstrip("/")
    token = value("FPAPI_TOKEN") or ""
    if base_url and not token:
        raise SettingsError(
            "FPAPI_BASE_URL is set but FPAPI_TOKEN is not. Set the vendor's API token in the "
            "environment or in .streamlit/secrets.toml, or unset FPAPI_BASE_URL to use the sandbox."
        )
    public_url = (value("FPAPI_PUBLIC_URL") or DEFAULT_PUBLIC_URL).rstrip("/")
    _require_http_url("FPAPI_PUBLIC_URL", public_url)
    data_dir_text = value("FPAPI_DATA_DIR")
    data_dir = Path(data_dir_text).expanduser() if data_dir_text else default_data_dir()
    ttl = amount("FPAPI_CACHE_TTL_S", DEFAULT_TTL_S)
    link_ttl = amount("FPAPI_LINK_TTL_S", DEFAULT_PENDING_TTL_S)
    if link_ttl <= 0:
        raise SettingsError("FPAPI_LINK_TTL_S must be more than 0 seconds.")
    timeout = amount("FPAPI_TIMEOUT_S", READ_TIMEOUT_S)
    if timeout <= 0:
        raise SettingsError("FPAPI_TIMEOUT_S must be more than 0 seconds.")
    paths = ApiPaths(
        verification_url=value("FPAPI_PATH_VERIFICATION_URL") or DEFAULT_PATHS.verification_url,
        verify=value("FPAPI_PATH_VERIFY") or DEFAULT_PATHS.verify,
        insights=value("FPAPI_PATH_INSIGHTS") or DEFAULT_PATHS.insights,
    )
    if "{creator_id}" not in paths.insights:
        raise SettingsError("FPAPI_PATH_INSIGHTS must contain {creator_id}.")
    origins = tuple(
        origin.strip().rstrip("/")
        for origin in (value("FPAPI_ALLOWED_REDIRECT_ORIGINS") or "").split(",")
        if origin.strip()
    )
    for origin in origins:
        _require_http_url("FPAPI_ALLOWED_REDIRECT_ORIGINS", origin)
    link_keep_s = days_in_s("FPAPI_LINK_KEEP_DAYS", DEFAULT_LINK_KEEP_S / DAY_S)
    activity_keep_s = days_in_s("FPAPI_ACTIVITY_KEEP_DAYS", DEFAULT_ACTIVITY_KEEP_S / DAY_S)
    database_url = value("FPAPI_DATABASE_URL")
    webhook = value("FPAPI_ALERT_WEBHOOK_URL")
    parts = urlsplit(webhook or "")
    if webhook is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise SettingsError(  # the URL itself is a secret: never echoed
            "FPAPI_ALERT_WEBHOOK_URL must be an absolute http(s) URL (a Slack incoming webhook's "
            "address, say)."
        )
    color = value("FPAPI_REPORT_COLOR") or DEFAULT_REPORT_COLOR
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        raise SettingsError(f"FPAPI_REPORT_COLOR must be a colour such as #1f6feb, not {color!r}.")
    return Settings(
        report_brand=(value("FPAPI_REPORT_BRAND") or "")[:80],
        retention_s=days_in_s("FPAPI_RETENTION_DAYS", DEFAULT_RETENTION_DAYS),
        revoked_purge_s=days_in_s("FPAPI_REVOKED_PURGE_DAYS", DEFAULT_REVOKED_PURGE_DAYS),
        privacy_contact=(value("FPAPI_PRIVACY_CONTACT") or "").strip()[:200],
        secret_key=_secret_key(value("FPAPI_SECRET_KEY")),
        share_max_days=_share_max_days(value("FPAPI_SHARE_MAX_DAYS")),
        report_color=color,
        alert_webhook_url=webhook,
        alert_er_drop_pct=amount(
            "FPAPI_ALERT_ER_DROP_PCT", DEFAULT_ALERT_ER_DROP_PCT, unit="percent"
        ),
        alert_followers_pct=amount(
            "FPAPI_ALERT_FOLLOWERS_PCT", DEFAULT_ALERT_FOLLOWERS_PCT, unit="percent"
        ),
        alert_quality_drop=amount(
            "FPAPI_ALERT_QUALITY_DROP", DEFAULT_ALERT_QUALITY_DROP_POINTS, unit="points"
        ),
        database_url=valid_database_url(database_url) if database_url else None,
        vendor_rps=_vendor_rps(value("FPAPI_VENDOR_RPS")),
        base_url=base_url,
        token=token,
        public_url=public_url,
        data_dir=data_dir,
        cache_ttl_s=ttl,
        link_ttl_s=link_ttl,
        timeout_s=timeout,
        paths=paths,
        extra_redirect_origins=origins,
        link_keep_s=link_keep_s,
        activity_keep_s=activity_keep_s,
    )


def _vendor_rps(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    calls = _amount("FPAPI_VENDOR_RPS", text, 0.0, unit="calls per second")
    if calls <= 0:
        raise SettingsError("FPAPI_VENDOR_RPS must be a number of calls per second above 0.")
    return calls


def _share_max_days(text: str | None) -> float:
    days = _amount("FPAPI_SHARE_MAX_DAYS", text, DEFAULT_SHARE_MAX_DAYS, unit="days")
    if days < 1:
        raise SettingsError("FPAPI_SHARE_MAX_DAYS must be at least 1 day.")
    return days


def _secret_key(text: str | None) -> str | None:
    """FPAPI_SECRET_KEY, if set: long enough to sign with (never echoed)."""
    if text is None or not text.strip():
        return None
    if len(text.strip()) < 32:
        raise SettingsError(
            "FPAPI_SECRET_KEY must be at least 32 characters: generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )
    return text.strip()


def _amount(name: str, text: str | None, default: float, *, unit: str = "seconds") -> float:
    """A non-negative amount of ``unit``; SettingsError naming the setting and unit if not."""
    if not text:
        return default
    try:
        amount = float(text)
    except ValueError:
        amount = -1.0
    if amount < 0 or amount != amount:
        raise SettingsError(f"{name} must be a number of {unit}, not {text!r}.")
    return amount


def _require_http_url(name: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            f"{name} must be an absolute http(s) URL such as https://example.com, not {url!r}."
        )


def secrets_files() -> dict[str, Any]:
    """The ``[fpapi]`` table of secrets.toml, the project's over the home folder's: what a
    command (not the app: Streamlit reads them for it) passes to ``load_settings``."""
    table: dict[str, Any] = {}
    for path in (Path.home() / ".streamlit" / "secrets.toml", Path(".streamlit/secrets.toml")):
        if not path.is_file():
            continue
        try:
            found = tomllib.loads(path.read_text(encoding="utf-8")).get("fpapi", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise SettingsError(f"{path} is not valid TOML.") from err  # contents never shown
        if isinstance(found, dict):
            table.update(found)
    return table
