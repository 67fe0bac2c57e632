"""Measurements through the API: steward work, with a token made for it; the outcomes service
(its rules, permission check and audit) decides; refusals store nothing."""

import json

import pytest

from sizes.api.models import ApiToken
from sizes.api.services import token_create
from sizes.audit.models import AuditEvent
from sizes.core.errors import NotAllowed
from sizes.outcomes.models import Measurement
from sizes.outcomes.tests.helpers import indicator

from .conftest import bearer
from .test_writes import problem

API = "/api/v1"


@pytest.fixture
def ind(world):
    return indicator(world.steward, world.zone, outcome=world.zone.outcomes.get())


def post(client, ind, body, token=None):
    headers = bearer(token) if token else {}
    return client.post(
        f"{API}/indicators/{ind.pk}/measurements", json.dumps(body),
        content_type="application/json", **headers,
    )  # fmt: skip


def test_steward_records_then_corrects(client, world, ind, steward_token):
    first = post(client, ind, {"period": "2025", "value": "41.5"}, steward_token)
    assert first.status_code == 201, first.content
    assert first.json() | {"recorded_at": None} == {
        "indicator": ind.pk, "zone": world.zone.slug, "period": "2025",
        "period_start": "2025-01-01", "period_end": "2025-12-31", "value": "41.5",
        "area_code": "", "method": "measured", "illustrative": False, "recorded_at": None,
    }  # fmt: skip
    again = post(client, ind, {"period": "2025", "value": "42"}, steward_token)
    assert again.status_code == 200 and again.json()["value"] == "42"
    assert Measurement.objects.get(indicator=ind).value == 42
    actions = list(
        AuditEvent.objects.filter(actor=world.steward, action__startswith="measurement.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["measurement.recorded", "measurement.corrected"]
    # And the public reads show it.
    outcomes = client.get(f"{API}/zones/{world.zone.slug}/outcomes").json()
    values = [m["value"] for o in outcomes["outcomes"] for i in o["indicators"]
              for m in i["measurements"]]  # fmt: skip
    assert values == ["42"]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"period": "someday", "value": "1"}, 400, None, "period"),
        ({"period": "2025", "value": "lots"}, 400, None, "value"),
        ({"period": "2025", "value": "1", "unit": "miles"}, 400, "unit_mismatch", "unit"),
        ({"period": "2025", "value": "1", "area_code": "E99999999"}, 400, "area_unknown",
         "area_code"),
        ({"period": "2025", "value": 1.5}, 422, "body_invalid", "value"),
    ],
)  # fmt: skip
def test_bad_measurements_store_nothing(client, ind, steward_token, body, status, code, field):
    response = post(client, ind, body, steward_token)
    assert response.status_code == status, response.content
    data = response.json()
    if code:
        assert data["code"] == code
    assert field in {e["field"] for e in data["errors"]}
    assert not Measurement.objects.exists()


def test_who_may_record(client, world, ind, council_token, steward_token):
    body = {"period": "2025", "value": "1"}
    # A partner's token (not made for steward work): refused, whoever made it.
    problem(post(client, ind, body, council_token), 403, "token_scope")
    # A steward-work token of someone who is not this zone's steward: the service refuses.
    world.zone.stewards.add(world.council_signer)
    _, other = token_create(
        actor=world.council_signer, name="x", organisations=[], stewardship=True
    )
    world.zone.stewards.remove(world.council_signer)
    problem(post(client, ind, body, other), 403, "forbidden")
    problem(post(client, ind, body), 401, "token_missing")
    problem(
        client.post(f"{API}/indicators/999999/measurements", json.dumps(body),
                    content_type="application/json", **bearer(steward_token)),
        404, "indicator_not_found",
    )  # fmt: skip
    assert not Measurement.objects.exists()


def test_only_stewards_make_steward_tokens(client, world):
    with pytest.raises(NotAllowed):
        token_create(actor=world.council_signer, name="x", organisations=[], stewardship=True)
    # The account page offers steward work only to stewards, and a steward with no
    # organisation can still make a token for it.
    client.force_login(world.council_signer)
    assert "Steward work" not in client.get("/account/tokens/").content.decode()
    client.force_login(world.steward)
    page = client.get("/account/tokens/").content.decode()
    assert "Steward work" in page
    made = client.post("/account/tokens/", {"name": "Evidence", "stewardship": "on"})
    assert made.status_code == 201
    token = ApiToken.objects.get(user=world.steward)
    assert token.stewardship and not token.organisations.exists()
    assert "steward work" in client.get("/account/tokens/").content.decode()
    refused = client.post("/account/tokens/", {"name": "Nothing"})
    assert refused.status_code == 400
    assert "or steward work" in refused.content.decode()
