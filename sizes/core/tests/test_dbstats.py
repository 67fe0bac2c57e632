"""The daily tick refreshes the planner's statistics (sizes/core/dbstats.py)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from sizes.core import dbstats
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _zone_name_statistics() -> list:
    """What the planner knows of zones' names: SQLite's sqlite_stat1 row for the index
    `zone_name`, PostgreSQL's pg_stats row for the column."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchall():
                return []
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'zone_name'")
        else:
            cursor.execute(
                "SELECT n_distinct FROM pg_stats "
                "WHERE tablename = 'zones_zone' AND attname = 'name'"
            )
        return cursor.fetchall()


def test_refresh_gathers_statistics_the_planner_reads():
    ZoneFactory.create_batch(5)
    with connection.cursor() as cursor:  # as on a database that was never analysed
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    if connection.vendor == "sqlite":
        assert _zone_name_statistics() == []
    seconds = dbstats.refresh()
    assert seconds >= 0
    stats = _zone_name_statistics()
    assert len(stats) == 1
    if connection.vendor == "sqlite":
        # "rows, rows per distinct name": 5 zones, every name different.
        assert stats[0][0].split()[:2] == ["5", "1"]
    else:
        assert stats[0][0] == -1  # every name different


def test_the_tick_command_refreshes_statistics():
    ZoneFactory.create_batch(3)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    out = StringIO()
    call_command("tick", stdout=out)
    assert "Database statistics refreshed in" in out.getvalue()
    assert len(_zone_name_statistics()) == 1
