"""Keep the database's query-planner statistics up to date (the daily tick calls `refresh`).

SQLite gathers no statistics by itself, and without them its planner guesses. For the
variations register it guessed wrong: it read every variation of the subject shown and sorted
them all (22 ms at 100,000 variations) instead of walking the zones in name order through the
index `zone_name` and stopping after one page (0.1 ms). `ANALYZE` took 0.25 s on a 600 MB
SQLite database with 10,000 zones and 100,000 variations (bench/notes.md). PostgreSQL's
autovacuum analyses tables as they change; an `ANALYZE` there costs little and catches up after
a day of heavy writes.
"""

from __future__ import annotations

import time

from django.db import connections


def refresh(using: str = "default") -> float:
    """Gather fresh planner statistics for every table; returns the seconds it took."""
    start = time.perf_counter()
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start
