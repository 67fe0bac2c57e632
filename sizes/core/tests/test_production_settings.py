"""Production settings (SIZES_HTTPS=true): `manage.py check --deploy` is clean, and the settings
it turns on are the ones docs/reliability.md promises. Each runs in a fresh process, because
settings are read from the environment once, at start-up."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from csp.constants import NONCE

ROOT = Path(__file__).resolve().parents[3]


def _env(tmp_path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SIZES_", "SECURE_"))
        # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' conftest for their live server;
        # check --deploy rightly refuses it, and a real deployment never has it.
        and k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        SIZES_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="sizes.example.org",
        DJANGO_SETTINGS_MODULE="sizes.settings",
    )
    env.update(extra)
    return env


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _env(tmp_path, SIZES_HTTPS="true"),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def test_check_deploy_fails_without_production_settings(tmp_path):
    """Control: the same check with HTTPS off names what is missing, so the test above can
    fail."""
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output, output


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SESSION_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
         "X_FRAME_OPTIONS", "DEBUG"]
print(json.dumps({n: getattr(s, n) for n in names}))
"""


def _settings(tmp_path, **env) -> dict:
    result = _run(["-c", PRINT_SETTINGS], _env(tmp_path, **env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_turn_on_https_only_cookies_and_hsts(tmp_path):
    s = _settings(tmp_path, SIZES_HTTPS="true")
    assert s["SECURE_SSL_REDIRECT"] and s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] and s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["DEBUG"] is False


def test_plain_http_demo_sends_no_hsts_and_plain_cookies(tmp_path):
    s = _settings(tmp_path)
    assert s["SECURE_HSTS_SECONDS"] == 0 and not s["SECURE_SSL_REDIRECT"]
    assert not s["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize(
    ("tile_url", "origin"),
    [
        ("", []),
        ("https://tiles.example.org/{z}/{x}/{y}.png", ["https://tiles.example.org"]),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", ["https://*.tile.example.org"]),
    ],
)
def test_csp_allows_images_only_from_here_and_the_tile_server(tile_url, origin):
    from sizes.settings import _origin

    assert _origin(tile_url) == origin


def test_csp_is_strict(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'", NONCE]  # the nonce: GOV.UK's one inline script
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"][:2] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]
    assert all("unsafe" not in v for values in directives.values() for v in map(str, values))
