"""A real PostgreSQL for the tests: Debian's server binaries, a cluster in a temp folder, on a
free loopback port, stopped when the test session ends.

PostgreSQL refuses to run as root, and CI runs as root: then every server command runs as the
``postgres`` system user (``runuser -u postgres``), and the folder is handed to that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from fpapi.storage.database import new_engine
from tests.helpers import free_port

SUPERUSER = "postgres"
TEMPLATE = "studio_template"  # the app's schema, migrated once per cluster


def server_binary(name: str) -> str:
    """``initdb``, ``pg_ctl``, ``psql``... from Debian's versioned folder (the newest), else
    the PATH (Debian's /usr/bin ones are wrappers that look for clusters of their own)."""
    versioned = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version, reverse=True)
    found = next(iter(versioned), None) or shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"PostgreSQL's {name} was not found: install Debian's postgresql-15 "
            "(scripts/test.sh does)."
        )
    return found


def _version(path: str) -> int:
    return int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0


class Postgres:
    """One throwaway cluster; ``url(database)`` is what FPAPI_DATABASE_URL would be."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="studio-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self._template_made = False
        self._admin: psycopg.Connection | None = None
        self._running = False
        if self._as_postgres:
            shutil.chown(self.root, user="postgres")
        password_file = self.root / "password"
        password_file.write_text(self.password)
        if self._as_postgres:
            shutil.chown(password_file, user="postgres")
        self._run(
            server_binary("initdb"),
            "-D", str(self.data),
            "-U", SUPERUSER,
            "--pwfile", str(password_file),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
            "-E", "UTF8",
        )  # fmt: skip
        password_file.unlink()

    def _run(self, *command: str) -> str:
        done = subprocess.run(
            [*self._as_postgres, *command], capture_output=True, text=True, cwd=self.root
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> Postgres:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            server_binary("pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "start",
        )  # fmt: skip
        self._running = True
        return self

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        self._running = False
        self._run(server_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = SUPERUSER) -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = SUPERUSER) -> str:
        """Run SQL as the superuser over the local socket."""
        psql = server_binary("psql")
        return self._run(
            psql, "-h", str(self.root), "-p", str(self.port), "-U", SUPERUSER,
            "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql,
        )  # fmt: skip

    def admin(self) -> psycopg.Connection:
        """The superuser's connection (autocommit), opened once: a database is made or dropped
        in milliseconds, where a ``psql`` process as the postgres user takes tens."""
        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.url(), autocommit=True)
        return self._admin

    def create_database(self, name: str, *, template: str | None = None) -> str:
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self.admin().execute(create)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of ``url`` (one of this cluster's), closing its connections: a
        test's database is gone once it ends, so the cluster stays small."""
        if not self._running:
            return  # stopped at the session's end: the cluster goes, its databases with it
        name = url.rsplit("/", 1)[1]
        self.admin().execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def fresh_database(self) -> str:
        """A new, empty database of its own; its URL."""
        return self.create_database(f"test_{uuid.uuid4().hex[:12]}")

    def migrated_database(self) -> str:
        """A new database of its own at the newest schema, as the app would have made it: a
        copy of one migrated once per cluster (copying a template takes milliseconds, making
        the tables and stamping them tens); its URL."""
        if not self._template_made:
            new_engine(self.create_database(TEMPLATE)).dispose()
            self._template_made = True
        return self.create_database(f"test_{uuid.uuid4().hex[:12]}", template=TEMPLATE)

    def dump(self, database: str) -> str:
        """Everything in ``database``, as pg_dump prints it (schema and rows)."""
        pg_dump = server_binary("pg_dump")
        return self._run(
            pg_dump, "-h", str(self.root), "-p", str(self.port), "-U", SUPERUSER, database
        )
