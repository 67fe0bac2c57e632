"""Prepared statements on PostgreSQL, for the few reads that run on every request of the
busiest kind (the place lookup, issue 9).

PostgreSQL plans every statement it is sent. For the lookup's read (five tables joined on
primary keys) planning takes about 0.3 ms of the server's CPU, six times the 0.05 ms of running
it: measured with pgbench on the 10,000-zone benchmark database, 0.49 ms a query sent as text
against 0.11 ms prepared (bench/notes.md). A prepared statement is planned a few times and then
keeps a generic plan for the life of the connection.

Django turns psycopg's prepared statements off (its cursors bind parameters on the client, and
it sets the connection's `prepare_threshold` to None). `cursor(conn)` gives Django's own cursor
(the connection's health checked first, queries logged and counted, errors made Django's, in
the current transaction) with, inside it, a psycopg cursor that binds on the server and
prepares each statement it runs. Other reads are unchanged: Django's cursors never
prepare.

`SIZES_PG_PREPARE_LOOKUPS=false` turns it off, for a connection pooler that cannot keep
prepared statements (PgBouncer before 1.21 in transaction mode, or with
`max_prepared_statements = 0`). After a migration that changes the type of a column these
statements read, restart the server (as after any deployment): a statement prepared before it
would be refused ("cached plan must not change result type").
"""

from __future__ import annotations

import functools

from django.conf import settings

# Never prepare a statement just because it has been seen this often: only those asked for.
_ONLY_WHEN_ASKED = 2**31 - 1


class _Shown:
    """What Django's query log reads from a psycopg cursor (`cursor._query.query`)."""

    __slots__ = ("query",)

    def __init__(self, query: bytes):
        self.query = query


@functools.cache
def _preparing_cursor():
    """The cursor class (made on first use: a site on SQLite never imports psycopg)."""
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Binds parameters on the server and prepares every statement it runs (psycopg
        keeps them per connection, up to its `prepared_max`, and reuses them by their text)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            done = super().execute(query, params, prepare=True, binary=binary)
            if self._query is None:
                # psycopg keeps the statement's text only when it sends it as text, and
                # Django's log (connection.queries, CaptureQueriesContext) shows that text.
                self._query = _Shown(str(query).encode())
            return done

    return PreparingCursor


def enabled(conn) -> bool:
    return conn.vendor == "postgresql" and getattr(settings, "SIZES_PG_PREPARE_LOOKUPS", True)


def cursor(conn):
    """A cursor on `conn` whose statements are prepared, on PostgreSQL when enabled; else the
    connection's ordinary cursor. Use it as `with cursor(conn) as c: c.execute(sql, params)`.
    Statements must use %s placeholders (bound on the server, never pasted into the text)."""
    wrapped = conn.cursor()  # Django's own way: health check, connection, wrapper, logging
    if not enabled(conn):
        return wrapped
    plain = wrapped.cursor
    raw = plain.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    wrapped.cursor = _preparing_cursor()(raw)
    plain.close()
    return wrapped
