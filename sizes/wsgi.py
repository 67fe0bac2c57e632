"""WSGI entry point, as served by `sizes serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sizes.settings")
application = get_wsgi_application()
