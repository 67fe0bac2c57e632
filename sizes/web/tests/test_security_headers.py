"""Every kind of response carries the security headers, and no template brings back inline
script or style (the browser test, tests/browser/test_content_security_policy.py, proves the
same in Chromium; this one runs without a browser)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

import sizes

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(sizes.__file__).parent.glob("*/jinja2/**/*.html"))


@pytest.mark.parametrize(
    "path",
    ["/", "/zones/", "/api/v1/zones", "/static/sizes/sizes.css", "/no-such-page/", "/admin/login/"],
)
def test_every_kind_of_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    if not path.startswith("/static/"):  # whitenoise answers before the framing middleware
        assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_one_inline_script_carries_this_responses_nonce(client):
    response = client.get(reverse("web:home"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    page = response.content.decode()
    inline = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", page)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert inline == [f'<script nonce="{nonce}">']
    # A new nonce every time, so a page cannot be replayed with an injected script.
    again = client.get(reverse("web:home"))["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again


def test_the_template_list_is_not_empty():
    assert len(TEMPLATES) >= 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: "/".join(p.parts[-3:]))
def test_no_template_has_inline_script_or_style(template):
    text = template.read_text()
    problems = []
    for tag in re.findall(r"<script\b[^>]*>", text):
        if "src=" not in tag and 'type="application/json"' not in tag:
            problems.append(f"inline script: {tag}")
    problems += [f"<style> element: {m}" for m in re.findall(r"<style\b[^>]*>", text)]
    problems += [f"style attribute: {m}" for m in re.findall(r"\sstyle\s*=\s*[\"']", text)]
    problems += [f"event handler: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
    problems += [f"javascript: URL: {m}" for m in re.findall(r"javascript:", text, re.I)]
    assert not problems, problems
