"""A worker's memory (issue 9: under 300 MB at 10,000 zones, with ~110 MB before any zone is
read): heavy libraries needed by a few pages only are imported where they are used, not when
the app starts. A fresh interpreter configured like a gunicorn worker (Django set up, every URL
module loaded) must not have them in `sys.modules`."""

import json
import os
import subprocess
import sys

from django.conf import settings

# Each is imported inside the function that needs it: PDFs (reportlab, which brings PIL),
# iCalendar feeds (icalendar, dateutil), file imports (charset_normalizer); and libraries no
# request path should need at start-up at all.
LAZY = [
    "reportlab",
    "PIL",
    "icalendar",
    "charset_normalizer",
    "statsmodels",
    "scipy",
    "pandas",
    "matplotlib",
    "pypdf",
]

SCRIPT = """
import json, sys
import django
django.setup()
import sizes.urls
from django.urls import get_resolver
get_resolver().url_patterns
from sizes.wsgi import application
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _worker_modules(database_url: str) -> set[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sizes.settings", "DATABASE_URL": database_url}
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True,
        timeout=120,
    )  # fmt: skip
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_worker_starts_without_the_heavy_libraries(tmp_path):
    loaded = _worker_modules(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    assert "django" in loaded and "ninja" in loaded and "shapely" in loaded  # the test works
    assert sorted(set(LAZY) & loaded) == []
    # On SQLite, not even the PostgreSQL driver.
    assert "psycopg" not in loaded


def test_with_postgresql_the_driver_is_loaded_for_its_errors():
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        from sizes.core.unavailable import DATABASE_UNAVAILABLE_ERRORS

        assert all("psycopg" not in c.__module__ for c in DATABASE_UNAVAILABLE_ERRORS)
        return
    from sizes.core.unavailable import DATABASE_UNAVAILABLE_ERRORS

    assert any(c.__module__.startswith("psycopg") for c in DATABASE_UNAVAILABLE_ERRORS)
