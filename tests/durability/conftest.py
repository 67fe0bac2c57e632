"""Scratch databases for tests that run SIZes in other processes (servers, commands killed
mid-way, backups): each test gets a database of its own that a subprocess can open, on the same
engine as the test run (a SQLite file, or a PostgreSQL database beside the test database).

pytest-django's SQLite test database lives in memory, where no other process can see it, so
these tests do not use it: they migrate one template per session, copy it for each test, run
`python -m sizes.cli ...` against the copy, and read the results with plain SQL.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR).parent
PYTHON = sys.executable
GUNICORN = Path(sys.executable).with_name("gunicorn")
POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
_counter = itertools.count(1)


def _pg_settings() -> dict:
    return settings.DATABASES["default"]


def _pg_url(name: str) -> str:
    db = _pg_settings()
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def _pg_connect(name: str):
    import psycopg

    db = _pg_settings()
    return psycopg.connect(
        dbname=name,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or "5432",
        autocommit=True,
    )


def _pg_admin(sql: str) -> None:
    with _pg_connect("postgres") as conn:
        conn.execute(sql)


@dataclass
class ScratchDb:
    """One database another process can open: a SQLite file or a PostgreSQL database."""

    name: str  # the file path (SQLite) or the database name (PostgreSQL)
    data_dir: Path
    vendor: str = "postgresql" if POSTGRES else "sqlite"

    @property
    def url(self) -> str:
        return _pg_url(self.name) if self.vendor == "postgresql" else f"sqlite:///{self.name}"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIZES_FAULT")}
        env.update(
            DATABASE_URL=self.url,
            SIZES_DATA_DIR=str(self.data_dir),
            SECRET_KEY=settings.SECRET_KEY,
            DJANGO_SETTINGS_MODULE="sizes.settings",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PYTHONUNBUFFERED="1",
        )
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.update(extra)
        return env

    def sizes(self, *args: str, env: dict | None = None, timeout: float = 300, check=True):
        """Run `sizes ARGS` (this checkout's code) against this database."""
        return self._run([PYTHON, "-m", "sizes.cli", *args], env, timeout, check)

    def python(self, code: str, *, env: dict | None = None, timeout: float = 300, check=True):
        """Run Python code with Django set up against this database."""
        prelude = "import django\ndjango.setup()\n"
        return self._run([PYTHON, "-c", prelude + textwrap.dedent(code)], env, timeout, check)

    def python_json(self, code: str, **kwargs):
        """Run code that prints one JSON value as its last line; return that value."""
        out = self.python(code, **kwargs).stdout.strip().splitlines()
        return json.loads(out[-1])

    def _run(self, argv, env, timeout, check) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - our own interpreter and code
            argv,
            cwd=ROOT,
            env=env or self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(argv[:4])} exited {result.returncode}:\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
            )
        return result

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Plain SQL on this database from the test process (placeholders: %s)."""
        if self.vendor == "postgresql":
            with _pg_connect(self.name) as conn:
                return conn.execute(sql, params).fetchall()
        conn = sqlite3.connect(self.name)
        try:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            conn.close()

    def count(self, table: str) -> int:
        return self.query(f'SELECT COUNT(*) FROM "{table}"')[0][0]  # noqa: S608 - our table names

    def tables(self) -> list[str]:
        if self.vendor == "postgresql":
            rows = self.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        else:
            rows = self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            )
        return [r[0] for r in rows]

    def audit_verify(self) -> str:
        return self.sizes("audit", "verify").stdout.strip()


class Databases:
    """Makes scratch databases: empty, migrated, or with the demo loaded."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.made: list[ScratchDb] = []
        self._templates: dict[str, ScratchDb] = {}

    def _base(self) -> str:
        name = _pg_settings()["NAME"]
        return name[5:] if name.startswith("test_") else name

    def empty(self, tag: str = "db", *, vendor: str | None = None) -> ScratchDb:
        """A database with no tables, on the engine of this test run (or `vendor`)."""
        n = next(_counter)
        data_dir = self.tmp / f"{tag}{n}"
        data_dir.mkdir(parents=True)
        vendor = vendor or ("postgresql" if POSTGRES else "sqlite")
        if vendor == "postgresql":
            name = f"{self._base()[:40]}_dur_{tag[:8]}{n}"
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _pg_admin(f'CREATE DATABASE "{name}"')
        else:
            name = str(data_dir / "sizes.sqlite3")
        db = ScratchDb(name=name, data_dir=data_dir, vendor=vendor)
        self.made.append(db)
        return db

    def _copy(self, template: ScratchDb, tag: str) -> ScratchDb:
        db = self.empty(tag)
        if POSTGRES:
            _pg_admin(f'DROP DATABASE "{db.name}"')
            _pg_admin(f'CREATE DATABASE "{db.name}" TEMPLATE "{template.name}"')
        else:
            src, dst = sqlite3.connect(template.name), sqlite3.connect(db.name)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
        return db

    def migrated(self, tag: str = "mig") -> ScratchDb:
        if "migrated" not in self._templates:
            template = self.empty("tmig")
            template.sizes("migrate", "-v0")
            self._templates["migrated"] = template
        return self._copy(self._templates["migrated"], tag)

    def demo(self, tag: str = "demo") -> ScratchDb:
        """A copy of a database with the Stirchley and Cotteridge demo loaded."""
        if "demo" not in self._templates:
            template = self.migrated("tdemo")
            template.python(
                """
                from sizes.demo.loader import load_demo
                load_demo()
                """,
                env=template.env(SIZES_DEMO_PASSWORD="durability-tests-2026"),
            )
            self._templates["demo"] = template
        return self._copy(self._templates["demo"], tag)

    def drop_all(self) -> None:
        for db in self.made:
            if db.vendor == "postgresql":
                try:
                    _pg_admin(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
                except Exception as exc:  # noqa: BLE001 - report, keep dropping the others
                    print(f"could not drop {db.name}: {exc}", file=sys.stderr)
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def scratch(tmp_path_factory):
    databases = Databases(tmp_path_factory.mktemp("durability"))
    try:
        yield databases
    finally:
        databases.drop_all()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving SIZes on a scratch database, on a free loopback port."""

    def __init__(self, db: ScratchDb, *, workers: int = 3, env: dict | None = None):
        self.db = db
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = db.data_dir / f"gunicorn-{self.port}.log"
        self.log = self.log_path.open("w+")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn
            [
                str(GUNICORN),
                "sizes.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
            ],
            env=env or db.env(),
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(self.base + "/zones/", timeout=20)  # noqa: S310
                return
            except urllib.error.HTTPError:
                return  # it answered: it is up
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"gunicorn on {self.base} did not start:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()[-5000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture
def serve():
    """Start gunicorn on a scratch database: `serve(db, workers=3)`; stopped after the test."""
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed beside {sys.executable}")
    servers: list[Server] = []

    def start(db: ScratchDb, **kwargs) -> Server:
        server = Server(db, **kwargs)
        servers.append(server)
        server.wait_ready()
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()
