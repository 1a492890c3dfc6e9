"""The container recipe (Dockerfile, compose.yaml) holds together. These machines have the
Docker client only (no engine, no Compose plugin), so no image is built here: Debian's
docker-compose validates compose.yaml (it needs no engine), and the nginx template compose
mounts is the one tests/browser/test_team.py runs for real. The requirements files, which the
image, the scripts and Streamlit's hosts install, pin what pyproject.toml declares."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import yaml

from tests.browser.servers import NGINX_TEMPLATE

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_postgres_two_replicas_and_nginx():
    services = compose()["services"]
    assert set(services) == {"db", "app1", "app2", "nginx"}
    assert services["app1"] == services["app2"]  # two copies of one replica
    replica = services["app1"]
    assert replica["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    database_url = replica["environment"]["FPAPI_DATABASE_URL"]
    assert database_url.startswith("postgresql://studio:") and database_url.endswith(
        "@db:5432/studio"
    )
    nginx = services["nginx"]
    assert nginx["environment"]["STUDIO_REPLICA_1"] == "app1:8501"
    assert nginx["environment"]["STUDIO_REPLICA_2"] == "app2:8501"
    source, target, _ = nginx["volumes"][0].split(":")
    assert (ROOT / source).resolve() == NGINX_TEMPLATE  # what the nginx test runs
    assert target == "/etc/nginx/templates/default.conf.template"
    assert set(re.findall(r"\$\{(STUDIO_[A-Z_0-9]+)\}", NGINX_TEMPLATE.read_text())) == {
        name for name in nginx["environment"]
    }


def test_every_secret_comes_from_the_environment_and_is_required():
    replica = compose()["services"]["app1"]["environment"]
    for name in ("FPAPI_TOKEN", "FPAPI_BASE_URL", "STREAMLIT_SERVER_COOKIE_SECRET"):
        assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", replica[name]), name
    assert ":?" in replica[
        "FPAPI_DATABASE_URL"
    ] and "password" not in COMPOSE.read_text().lower().replace("postgres_password", "")
    secrets_file = compose()["secrets"]["streamlit_secrets"]["file"]
    assert secrets_file == "./.streamlit/secrets.toml"
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text()


def test_the_image_copies_what_exists_installs_from_requirements_and_serves_serve_py():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
    assert "--require-hashes -r requirements.txt" in dockerfile
    assert 'CMD ["python", "-m", "streamlit", "run", "serve.py"]' in dockerfile
    assert "USER studio" in dockerfile
    rules = [
        line
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line and line[0] != "#"
    ]
    assert rules[0] == "*"  # nothing reaches a build unless listed...
    assert not any("secrets" in rule or "data" in rule for rule in rules if rule.startswith("!"))


def pins(name: str) -> dict[str, str]:
    """A requirements file's packages and versions; fails on any line that is not a pinned
    package with its sha256 hashes (an index, find-links or path names the machine that wrote
    the file, and pip warns about it on every other)."""
    logical = (ROOT / name).read_text().replace("\\\n", " ").splitlines()
    found = {}
    for line in logical:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"([a-z0-9-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)\s*", line)
        assert match, f"{name}: {line}"
        found[match[1]] = match[2]
    return found


def test_the_requirements_pin_what_pyproject_declares_with_hashes_and_no_machine_paths():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(requirements: list[str]) -> set[str]:  # "Authlib>=1.9,<2" -> "authlib"
        return {
            re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~; ]", r)[0]).lower() for r in requirements
        }

    app, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert names(project["dependencies"]) <= set(app)
    assert names(project["optional-dependencies"]["dev"]) <= set(dev)
    assert app.items() <= dev.items()  # the tests run the versions the app ships


def test_the_example_env_file_names_every_variable_compose_requires():
    required = set(re.findall(r"\$\{([A-Z_0-9]+):\?", COMPOSE.read_text()))
    example = (ROOT / "deploy" / "team.env.example").read_text()
    named = set(re.findall(r"^([A-Z_0-9]+)=", example, flags=re.MULTILINE))
    assert required and required <= named, required - named
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


def compose_config(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``docker-compose config`` on a copy of the recipe, as a team would run it."""
    docker_compose = shutil.which("docker-compose")
    assert docker_compose, "Debian's docker-compose is missing (scripts/test.sh installs it)"
    shutil.copy(COMPOSE, folder / "compose.yaml")
    (folder / "deploy" / "nginx").mkdir(parents=True)
    shutil.copy(NGINX_TEMPLATE, folder / "deploy" / "nginx")
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "secrets.toml").write_text("")
    return subprocess.run(
        [docker_compose, "config"], cwd=folder, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )  # fmt: skip


def test_docker_compose_accepts_the_file_filled_from_the_example(tmp_path):
    example = (ROOT / "deploy" / "team.env.example").read_text()
    env = dict(re.findall(r"^([A-Z_0-9]+)=(.*)$", example, flags=re.MULTILINE))
    env = {name: value or f"example-{name.lower()}" for name, value in env.items()}
    done = compose_config(tmp_path, env)
    assert done.returncode == 0, done.stderr
    rendered = yaml.safe_load(done.stdout)
    assert set(rendered["services"]) == {"db", "app1", "app2", "nginx"}
    assert rendered["services"]["app2"]["environment"]["FPAPI_DATABASE_URL"] == (
        f"postgresql://studio:{env['POSTGRES_PASSWORD']}@db:5432/studio"
    )


def test_docker_compose_refuses_to_start_without_the_api_token(tmp_path):
    done = compose_config(tmp_path, {"POSTGRES_PASSWORD": "pw"})
    assert done.returncode != 0 and "set FPAPI_" in done.stderr


def test_the_app_listens_on_loopback_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert "serve.py" in (ROOT / "scripts" / "run.sh").read_text()  # the header-sending entry
