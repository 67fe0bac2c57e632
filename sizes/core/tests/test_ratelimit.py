"""Rate limits (sizes/core/ratelimit.py): past a limit, pages answer 429 with a GOV.UK page and
the API with problem+json, both with `Retry-After`; the view does not run; the limit lifts when
its window ends; a limit of 0 is no limit."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from sizes.api.services import token_create
from sizes.engagement.models import Suggestion
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2027, 3, 3, 12, 0, 10, tzinfo=dt.UTC)


def _assert_page_429(response):
    assert response.status_code == 429, response.status_code
    wait = int(response["Retry-After"])
    assert 0 < wait <= 3601
    body = response.content.decode()
    assert "Too many attempts" in body and "Try again in" in body


ACCOUNT_FORMS = ["accounts:sign-in", "accounts:sign-up", "engagement:password-reset"]


@pytest.mark.parametrize("name", ACCOUNT_FORMS)
def test_account_forms_are_limited_per_ip(client, settings, name):
    settings.SIZES_ACCOUNT_RATE_LIMIT_PER_IP = 2
    url = reverse(name)
    with time_machine.travel(NOON, tick=False):
        for _ in range(2):
            assert client.post(url, {}).status_code != 429
        _assert_page_429(client.post(url, {}))
        # Another address is not affected, and reading the page never counts.
        assert client.post(url, {}, REMOTE_ADDR="10.9.8.7").status_code != 429
        assert client.get(url).status_code == 200
    # The next hour, the first address may try again.
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        assert client.post(url, {}).status_code != 429


def _public_write_urls(zone) -> list[str]:
    return [
        reverse("engagement:suggestion-new"),
        reverse("engagement:suggestion-support", args=[999999]),
        reverse("engagement:idea-new", args=[zone.slug]),
    ]


def test_suggestions_supports_and_ideas_are_limited_per_account(client, settings, resident):
    settings.SIZES_RATE_LIMIT_PER_ACCOUNT = 1
    zone = ZoneFactory(status="proposed")
    with time_machine.travel(NOON, tick=False):
        client.force_login(resident)  # (a session made before travelling would have expired)
        for url in _public_write_urls(zone):
            assert client.post(url, {}).status_code != 429, url
            _assert_page_429(client.post(url, {"place": "x", "why": "y"}))
    assert not Suggestion.objects.exists()


def test_suggestions_supports_and_ideas_are_limited_per_ip(client, settings):
    settings.SIZES_RATE_LIMIT_PER_IP = 1
    zone = ZoneFactory(status="proposed")
    for url in _public_write_urls(zone):
        client.force_login(UserFactory())
        assert client.post(url, {}).status_code != 429, url
        client.force_login(UserFactory())  # another account, same address
        _assert_page_429(client.post(url, {}))


def test_a_limit_of_zero_is_no_limit(client, settings):
    settings.SIZES_ACCOUNT_RATE_LIMIT_PER_IP = 0
    for _ in range(5):
        assert client.post(reverse("accounts:sign-up"), {}).status_code == 400


def test_comment_refused_with_retry_after(client, settings, resident):
    settings.SIZES_RATE_LIMIT_PER_ACCOUNT = 1
    zone = ZoneFactory(status="proposed")
    client.force_login(resident)
    url = reverse("engagement:comment-add", args=["zone", zone.pk])
    assert client.post(url, {"body": "First."}).status_code == 302
    r = client.post(url, {"body": "Second."})
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert "Try again in" in r.content.decode()


# --- API ---------------------------------------------------------------------------------------


def _assert_api_429(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 429 and body["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 61
    assert "Retry-After" in body["detail"]


def test_api_reads_are_limited_per_ip(client, settings):
    settings.SIZES_API_RATE_PER_IP = 3
    with time_machine.travel(NOON, tick=False):
        for _ in range(3):
            assert client.get("/api/v1/zones").status_code == 200
        _assert_api_429(client.get("/api/v1/zones"))
        _assert_api_429(client.get("/api/v1/openapi.json"))
        _assert_api_429(client.post("/api/v1/sroi/calculate", "{}", "application/json"))
        assert client.get("/api/v1/zones", REMOTE_ADDR="10.1.2.3").status_code == 200
        assert client.get(reverse("zones:register")).status_code == 200  # pages are not
    with time_machine.travel(NOON + dt.timedelta(minutes=1), tick=False):
        assert client.get("/api/v1/zones").status_code == 200


def _token() -> str:
    org = OrganisationFactory()
    user = MembershipFactory(organisation=org).user
    return token_create(actor=user, name="Case system", organisations=[org])[1]


def test_api_is_limited_per_token_not_per_ip_with_a_token(client, settings):
    settings.SIZES_API_RATE_PER_IP = 1
    settings.SIZES_API_RATE_PER_TOKEN = 2
    first, second = _token(), _token()
    with time_machine.travel(NOON, tick=False):
        assert client.get("/api/v1/zones").status_code == 200
        _assert_api_429(client.get("/api/v1/zones"))  # anonymous: this address is spent
        for _ in range(2):
            r = client.get("/api/v1/zones", HTTP_AUTHORIZATION=f"Bearer {first}")
            assert r.status_code == 200
        _assert_api_429(client.get("/api/v1/zones", HTTP_AUTHORIZATION=f"Bearer {first}"))
        r = client.get("/api/v1/zones", HTTP_AUTHORIZATION=f"Bearer {second}")
        assert r.status_code == 200
        # A token that is not one counts against the address, so it cannot dodge the limit.
        bogus = client.get("/api/v1/zones", HTTP_AUTHORIZATION="Bearer sizes_made_up")
        _assert_api_429(bogus)


def test_api_documents_429(client):
    doc = json.loads(client.get("/api/v1/openapi.json").content)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            response = operation["responses"].get("429")
            assert response, f"{method.upper()} {path} does not document 429"
            assert "application/problem+json" in response["content"]
            assert "Retry-After" in response.get("headers", {})


def test_rate_limited_page_is_a_plain_error_page(client, settings):
    """The 429 page is the site's own GOV.UK page, with the time to wait in minutes."""
    settings.SIZES_ACCOUNT_RATE_LIMIT_PER_IP = 1
    client.post(reverse("accounts:sign-in"), {})
    r = client.post(reverse("accounts:sign-in"), {})
    body = r.content.decode()
    assert "govuk-heading-l" in body and "minute" in body
