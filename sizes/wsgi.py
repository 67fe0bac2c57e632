"""WSGI entry point, as served by `sizes serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sizes.settings")
application = get_wsgi_application()


def _warm() -> None:
    """Load the URL conf now rather than on the first request, then keep everything made so far
    out of the garbage collector's full collections (sizes/core/gcfreeze.py)."""
    from django.urls import get_resolver

    from sizes.core import gcfreeze

    get_resolver().url_patterns  # noqa: B018 - loads every URL module
    gcfreeze.enable()


_warm()
