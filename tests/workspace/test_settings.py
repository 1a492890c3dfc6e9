from __future__ import annotations

from pathlib import Path

import pytest

from fpapi.errors import SettingsError
from fpapi.workspace.settings import DEFAULT_PUBLIC_URL, load_settings


def test_no_base_url_means_the_sandbox():
    settings = load_settings({})
    assert settings.uses_sandbox and settings.public_url == DEFAULT_PUBLIC_URL
    assert settings.callback_url == "http://localhost:8501/callback"
    assert "creator-insights-studio" in str(settings.data_dir)


def test_environment_wins_over_secrets(tmp_path):
    secrets = {
        "base_url": "https://from-secrets.example/v1",
        "token": "secret-token",
        "public_url": "https://app.example",
    }
    env = {"FPAPI_BASE_URL": "https://from-env.example/v1/", "FPAPI_DATA_DIR": str(tmp_path)}
    settings = load_settings(env, secrets)
    assert settings.base_url == "https://from-env.example/v1"
    assert settings.token == "secret-token" and settings.public_url == "https://app.example"
    assert settings.data_dir == Path(tmp_path)


def test_the_token_never_shows_in_repr():
    settings = load_settings({"FPAPI_BASE_URL": "https://x.example", "FPAPI_TOKEN": "tok-SECRET-1"})
    assert "tok-SECRET-1" not in repr(settings)


def test_paths_are_configurable():
    settings = load_settings({"FPAPI_PATH_INSIGHTS": "/v2/ig/{creator_id}/stats"})
    assert settings.paths.insights == "/v2/ig/{creator_id}/stats"


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"FPAPI_BASE_URL": "ftp://x"}, "absolute http(s) URL"),
        ({"FPAPI_BASE_URL": "https://x.example"}, "FPAPI_TOKEN is not"),
        ({"FPAPI_CACHE_TTL_S": "soon"}, "number of seconds"),
        ({"FPAPI_PATH_INSIGHTS": "/insights"}, "{creator_id}"),
        ({"FPAPI_LINK_TTL_S": "0"}, "more than 0"),
        ({"FPAPI_LINK_TTL_S": "nan"}, "number of seconds"),
        ({"FPAPI_PUBLIC_URL": "localhost:8501"}, "FPAPI_PUBLIC_URL"),
        ({"FPAPI_LINK_KEEP_DAYS": "a month"}, "FPAPI_LINK_KEEP_DAYS must be a number of days"),
        ({"FPAPI_ALLOWED_REDIRECT_ORIGINS": "brand.example"}, "FPAPI_ALLOWED_REDIRECT_ORIGINS"),
    ],
)
def test_bad_values_say_what_to_fix(env, words):
    with pytest.raises(SettingsError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_settings(env)


def test_link_keeping_and_extra_redirect_origins_are_read():
    settings = load_settings(
        {"FPAPI_LINK_KEEP_DAYS": "7", "FPAPI_ALLOWED_REDIRECT_ORIGINS": " https://a.example/ , "}
    )
    assert settings.link_keep_s == 7 * 86_400
    assert settings.allowed_redirect_origins == (DEFAULT_PUBLIC_URL, "https://a.example")


@pytest.mark.parametrize(
    "url",
    ["mysql://root:hunter2@db/studio", "not a url hunter2", "postgresql+asyncpg://u:hunter2@h/db"],
)
def test_an_unusable_database_url_is_refused_without_echoing_it(url):
    with pytest.raises(SettingsError, match="FPAPI_DATABASE_URL") as raised:
        load_settings({"FPAPI_DATABASE_URL": url})
    assert "hunter2" not in str(raised.value)


def test_the_database_url_never_shows_in_repr():
    settings = load_settings({"FPAPI_DATABASE_URL": "postgresql://studio:hunter2@db:5432/studio"})
    assert settings.database_url and "hunter2" not in repr(settings)
