"""The "service not available" page (database unreachable, docs/reliability.md section 5) meets
WCAG 2.2 AA, starts GOV.UK Frontend and loads nothing from elsewhere, like every other page."""

import socket
import sqlite3

import psycopg
import pytest
from django.db import connections

pytestmark = pytest.mark.browser


def _refused(vendor: str):
    if vendor == "postgresql":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        psycopg.connect(host="127.0.0.1", port=port, user="x", connect_timeout=3)
    sqlite3.connect("file:/no/such/directory/sizes.sqlite3?mode=rw", uri=True)


def test_service_unavailable_page_is_accessible(page, page_problems, axe_check, monkeypatch):
    wrapper_class = type(connections["default"])
    vendor = connections["default"].vendor

    def failing_cursor(self, *args, **kwargs):
        with self.wrap_database_errors:  # the driver's real error, as Django raises it
            _refused(vendor)

    # On the class, so the live server's own thread (its own connection) fails too.
    monkeypatch.setattr(wrapper_class, "_cursor", failing_cursor)
    response = page.goto("/zones/", wait_until="load", timeout=90_000)
    assert response is not None and response.status == 503
    page.wait_for_load_state("networkidle")
    assert "not available at the moment" in page.inner_text("h1")
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    axe_check(page, "the 503 page")
    # Chromium logs the page's own 503 status as a console error: that one is meant.
    page_problems.console_errors[:] = [
        e for e in page_problems.console_errors if "status of 503" not in e
    ]
    assert not page_problems.summary()
    monkeypatch.undo()
    assert page.goto("/zones/").status == 200
