"""Database unreachable (server down, connection refused, SQLite locked): every interface answers
503 with Retry-After, a plain page or problem+json, never a 500 or a stack trace; the next
request after the database is back succeeds with nothing restarted.

The errors are real: a refused connection from the database driver in use, or a real SQLite
lock, raised through Django's own error wrapper where the connection's cursor is opened. The
outage of a running PostgreSQL server under load is `make soak` (see docs/reliability.md).
"""

import socket
import sqlite3

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import OperationalError, connection, connections
from django.test import RequestFactory

from sizes.core.unavailable import RETRY_AFTER_SECONDS
from sizes.web.views import server_error
from tests.factories import UserFactory

PAGES = ["/", "/zones/", "/variations/"]
API = ["/api/v1/zones", "/api/v1/variations"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def refused_connection():
    """What the driver raises when the database server is not there."""
    if connection.vendor == "postgresql":
        psycopg.connect(host="127.0.0.1", port=_closed_port(), user="x", connect_timeout=3)
    else:
        sqlite3.connect("file:/no/such/directory/sizes.sqlite3?mode=rw", uri=True)
    raise AssertionError("the connection should have failed")


def locked_database(tmp_path):
    """SQLite's "database is locked": another connection holds an exclusive lock."""

    def fail():
        path = tmp_path / "locked.sqlite3"
        holder = sqlite3.connect(path, timeout=0)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            sqlite3.connect(path, timeout=0).execute("SELECT * FROM sqlite_master").fetchall()
        finally:
            holder.close()
        raise AssertionError("the database should have been locked")

    return fail


class Outage:
    """Between `begin()` and `end()` every new cursor on the default connection fails as the
    database would."""

    def __init__(self, fault, monkeypatch):
        self.wrapper = connections["default"]
        self.real_cursor = self.wrapper._cursor
        self.fault = fault
        self.monkeypatch = monkeypatch

    def failing_cursor(self, *args, **kwargs):
        with self.wrapper.wrap_database_errors:  # the driver's error becomes Django's, as in life
            self.fault()

    def begin(self):
        self.monkeypatch.setattr(self.wrapper, "_cursor", self.failing_cursor)

    def end(self):
        self.monkeypatch.setattr(self.wrapper, "_cursor", self.real_cursor)


@pytest.fixture(params=["refused", "locked"])
def outage(request, monkeypatch, tmp_path):
    if request.param == "locked" and connection.vendor != "sqlite":
        pytest.skip("SQLite's own lock: the SQLite run covers it")
    fault = refused_connection if request.param == "refused" else locked_database(tmp_path)
    return Outage(fault, monkeypatch)


def assert_no_internals(text: str) -> None:
    for leak in ("Traceback", "OperationalError", "refused", "locked", "sqlite", "psycopg"):
        assert leak not in text, leak


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_are_a_plain_503_then_recover(client, outage, path):
    outage.begin()
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "the service is not available at the moment" in html.lower()
    assert "Try again in a few minutes." in html
    assert "govuk-template" in html and "govuk-heading-l" in html  # the site's layout
    assert_no_internals(html)

    outage.end()
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_a_signed_in_person_gets_the_page_too(client, outage):
    """Finding out who is signed in needs the session, which is in the database."""
    client.force_login(UserFactory(username="someone"))
    outage.begin()
    response = client.get("/zones/")
    assert response.status_code == 503
    assert "Sign in" in response.content.decode()  # shown signed out: the session is unreadable
    outage.end()
    response = client.get("/zones/")
    assert response.status_code == 200
    assert "Your account" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", API)
def test_api_reads_are_problem_json_503_then_recover(client, outage, path):
    outage.begin()
    response = client.get(path)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["status"] == 503 and body["code"] == "service_unavailable"
    assert body["title"] == "Service Unavailable"
    assert "Try again in a few minutes" in body["detail"]
    assert_no_internals(response.content.decode())

    outage.end()
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_api_write_is_503_not_401_while_the_token_cannot_be_checked(client, outage):
    outage.begin()
    response = client.post(
        "/api/v1/variations", "{}", content_type="application/json",
        HTTP_AUTHORIZATION="Bearer sizes_not-checked-because-the-database-is-down",
    )  # fmt: skip
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    outage.end()
    response = client.post(
        "/api/v1/variations", "{}", content_type="application/json",
        HTTP_AUTHORIZATION="Bearer sizes_not-checked-because-the-database-is-down",
    )  # fmt: skip
    assert response.status_code == 401


@pytest.mark.parametrize(("path", "json"), [("/zones/", False), ("/api/v1/zones", True)])
def test_errors_outside_views_reach_the_500_handler_as_503(db, path, json):
    """A database error raised in middleware (a session save, say) goes to handler500."""
    request = RequestFactory().get(path)
    try:
        refused_connection_through_django()
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("application/problem+json" if json else "text/html")
    assert_no_internals(response.content.decode())


def refused_connection_through_django():
    with connections["default"].wrap_database_errors:
        refused_connection()


def test_other_errors_stay_500(db):
    request = RequestFactory().get("/zones/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_by_postgresql_is_replaced_by_itself(client):
    """The server ends our connection (as on a restart): that request is a 503; the next one
    gets a new connection from Django's own request hooks (CONN_HEALTH_CHECKS) and succeeds."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://...")
    assert client.get("/zones/").status_code == 200
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
        password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    response = client.get("/zones/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)

    # What the WSGI handler does around each request in a real server (the test client
    # leaves these hooks out): drop a connection that failed, before the next request.
    request_finished.send(sender=None)
    request_started.send(sender=None)
    assert client.get("/zones/").status_code == 200
    assert connection.connection.info.backend_pid != pid
