"""The PostgreSQL health check without a round trip (sizes/core/postgresql/base.py): an idle,
healthy connection is usable without asking the server; one the server has closed (here by
`pg_terminate_backend`, as a restart does) is found unusable, and the next request reconnects
by itself and answers."""

import tempfile
import time

import psycopg
import pytest
from django.conf import settings
from django.core.signals import request_started
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangosWrapper

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the check is the PostgreSQL backend's"
)


def test_the_site_uses_this_backend():
    assert settings.DATABASES["default"]["ENGINE"] == "sizes.core.postgresql"
    assert type(connections["default"]).__module__ == "sizes.core.postgresql.base"


def sent_while(action) -> tuple:
    """What libpq traces on the connection (messages both ways) while `action` runs."""
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        try:
            result = action()
        finally:
            pgconn.untrace()
        trace.seek(0)
        return result, trace.read()


@pytest.mark.django_db
def test_a_healthy_idle_connection_is_usable_without_asking_the_server():
    connection.ensure_connection()
    usable, traced = sent_while(connection.is_usable)
    assert usable is True and traced == b""
    # Django's own check asks the server, which is what this saves.
    usable, traced = sent_while(lambda: DjangosWrapper.is_usable(connections["default"]))
    assert usable is True and b"SELECT 1" in traced


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_usable_and_a_closed_one_is_not(client):
    connection.ensure_connection()
    assert connection.is_usable()
    pid = connection.connection.info.backend_pid
    dsn = connection.connection.info.dsn
    with psycopg.connect(dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's goodbye reaches our socket shortly after.
    deadline = time.monotonic() + 10
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()
    # A new request: Django checks the connection before its first query, drops the dead one
    # and opens another; the lookup answers as usual.
    request_started.send(sender=None)
    response = client.get("/api/v1/lookup", {"lat": 52.43, "lon": -1.92})
    assert response.status_code == 200, response.content
    assert connection.connection.info.backend_pid != pid
    assert connection.is_usable()
    connection.close()
