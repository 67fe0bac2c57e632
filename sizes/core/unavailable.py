"""When the database cannot be reached, say so: 503 with Retry-After, never a 500 or a trace.

PostgreSQL stopped or restarting, the network to it cut, SQLite busy past its timeout
("database is locked"): every request that needs the database then fails with a plain page
("the service is not available at the moment, try again in a few minutes"), or with an RFC 9457
problem+json 503 under /api/. Nothing needs restarting afterwards: Django drops a connection that
failed (CONN_HEALTH_CHECKS, and `errors_occurred` at the end of each request) and opens a new
one for the next request, so the service resumes by itself once the database is back.

Three places call `database_unavailable`: `DatabaseUnavailableMiddleware` (errors in views and
templates), the API's exception handlers (errors inside ninja operations) and `handler500`
(errors raised in other middleware, such as a session save).
"""

from __future__ import annotations

import logging
import sqlite3

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger("sizes.unavailable")

# Seconds a client should wait before trying again.
RETRY_AFTER_SECONDS = 60

_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    sqlite3.OperationalError,
    sqlite3.InterfaceError,
)
# The driver's own classes, in case one escapes Django's error wrapper. Only with PostgreSQL
# configured: on SQLite the driver (9 MB) stays out of every worker's memory (issue 9).
if any("postgresql" in db.get("ENGINE", "") for db in settings.DATABASES.values()):
    try:
        import psycopg

        _ERRORS += (psycopg.OperationalError, psycopg.InterfaceError)
    except ImportError:  # pragma: no cover - psycopg is in requirements.lock
        pass

DATABASE_UNAVAILABLE_ERRORS = _ERRORS

TITLE = "Sorry, the service is not available at the moment"
DETAIL = "The service is not available at the moment. Try again in a few minutes."


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE_ERRORS)


def _anonymous_unless_known(request) -> None:
    """The page layout asks whether someone is signed in; finding out needs the database
    (the session), so anyone not already known is shown the signed-out layout."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import empty

    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        request.user = AnonymousUser()


def database_unavailable(request, exc: BaseException | None = None):
    """The 503 answer for `request`: problem+json under /api/, a page everywhere else."""
    first_line = (str(exc).strip().splitlines() or [""])[0]
    logger.error(
        "Database unavailable, answered 503 to %s %s: %s: %s",
        request.method, request.path, type(exc).__name__, first_line,
    )  # fmt: skip
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        from sizes.api.problems import problem_response

        return problem_response(
            status=503, code="service_unavailable", detail=DETAIL, headers=headers
        )
    _anonymous_unless_known(request)
    response = render(request, "web/unavailable.html", {"title": TITLE}, status=503)
    for key, value in headers.items():
        response[key] = value
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 when a view or its template fails because the database is unreachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        return database_unavailable(request, exception)
