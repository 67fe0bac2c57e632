"""The CSP middleware that reuses its header (sizes/core/csp.py) gives every response exactly the
header django-csp's own middleware gives it, and follows changed settings at once."""

import re

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from sizes.core.csp import CSPMiddleware

pytestmark = pytest.mark.django_db

DJANGO_CSP = "csp.middleware.CSPMiddleware"
OURS = "sizes.core.csp.CSPMiddleware"
PATHS = ["/", "/zones/", "/api/v1/zones", "/api/v1/lookup?lat=52.43&lon=-1.93", "/no-such-page/"]


def _with_django_csp(settings):
    return [DJANGO_CSP if m == OURS else m for m in settings.MIDDLEWARE]


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


def _without_nonce(header: str) -> str:
    return re.sub(r"'nonce-[^']+'", "'nonce-N'", header)


@pytest.mark.parametrize("path", PATHS)
def test_each_response_gets_the_header_django_csp_gives(client, settings, path):
    assert OURS in settings.MIDDLEWARE
    for _ in range(2):  # the second time from what was kept
        ours = client.get(path)
        with override_settings(MIDDLEWARE=_with_django_csp(settings)):
            theirs = client.get(path)
        assert _without_nonce(ours[HEADER]) == _without_nonce(theirs[HEADER])
        assert ("'nonce-" in ours[HEADER]) == ("'nonce-" in theirs[HEADER])
        assert HEADER_REPORT_ONLY not in ours and HEADER_REPORT_ONLY not in theirs


def test_a_page_with_a_nonce_gets_a_new_one_every_time(client):
    first, second = (client.get("/")[HEADER] for _ in range(2))
    assert "'nonce-" in first and first != second
    # and a response without one does not carry a stale nonce
    assert "'nonce-" not in client.get("/api/v1/zones")[HEADER]


def test_changed_settings_are_followed_at_once(client, settings):
    before = client.get("/api/v1/zones")[HEADER]
    changed = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "https://tiles.example"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=changed,
        CONTENT_SECURITY_POLICY_REPORT_ONLY={"DIRECTIVES": {"script-src": [SELF, NONCE]}},
    ):
        response = client.get("/api/v1/zones")
        assert _directives(response[HEADER]) == {
            "default-src 'self'",
            "img-src 'self' https://tiles.example",
        }
        # (django-csp adds the default default-src itself)
        assert _directives(response[HEADER_REPORT_ONLY]) == {
            "default-src 'self'",
            "script-src 'self'",
        }
    assert client.get("/api/v1/zones")[HEADER] == before


def _respond(response: HttpResponse) -> HttpResponse:
    middleware = CSPMiddleware(lambda request: response)
    request = RequestFactory().get("/anything")
    middleware.process_request(request)
    return middleware.process_response(request, response)


def test_a_response_with_its_own_policy_goes_through_django_csp():
    response = HttpResponse()
    response._csp_update = {"img-src": ["https://maps.example"]}
    header = _respond(response)[HEADER]
    assert "img-src 'self' data: https://maps.example" in header
    # and the next plain response is not affected
    assert "maps.example" not in _respond(HttpResponse())[HEADER]


def test_exempt_and_already_set_headers_are_left_alone():
    exempt = HttpResponse()
    exempt._csp_exempt = True
    assert HEADER not in _respond(exempt)
    own = HttpResponse()
    own[HEADER] = "default-src 'none'"
    assert _respond(own)[HEADER] == "default-src 'none'"


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    middleware = CSPMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/anything")
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse())
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)
