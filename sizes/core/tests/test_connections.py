"""Database connections are kept between requests on SQLite as on PostgreSQL (issue 9: opening
a SQLite connection, with its pragmas and the schema read, cost about 1.5 ms of CPU, as much as
a whole lookup). Health checks stay on, so a broken connection is replaced (test_unavailable);
the durability tests restore and write from other processes while a server keeps its
connections."""

from django.conf import settings


def test_connections_are_kept_between_requests():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
