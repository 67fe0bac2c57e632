"""PostgreSQL exactly as Django has it, but for the connection health check.

With `CONN_HEALTH_CHECKS` Django asks the server `SELECT 1` before the first query of every
request that reuses a connection, so that a worker reconnects by itself after the database
restarts (docs/reliability.md, section 5). That is a round trip on every request: on the place
lookup, the busiest request, it was a tenth of the throughput under load (issue 9,
bench/notes.md).

Between requests a healthy connection is idle, and the server sends nothing on it unasked but
for a few messages: chiefly the error it sends as it closes the connection (a restart, a
terminated backend), after which the socket reads end-of-file. So: if nothing can be read from
the connection's socket, it is usable; if something can, Django's own check (`SELECT 1`) decides.
A connection that psycopg already knows is closed or broken is not usable. A server that went
away without a word (a network cut) is found by the first query, as it would be by `SELECT 1`.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        try:
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
            waiting = poller.poll(0)
        except (OSError, ValueError):
            return False
        if not waiting:
            return True
        return super().is_usable()  # something arrived: ask the server
