"""Writes with a token go through the variations services: same rules, same permissions, same
audit trail as the web forms; every refusal is problem+json and stores nothing."""

import json

import pytest
from django.utils import timezone

from sizes.audit.models import AuditEvent
from sizes.variations.models import Variation, VariationStatus
from sizes.variations.tests.builders import variation_fields

from .conftest import bearer

API = "/api/v1"


def body_for(world, **overrides) -> dict:
    data = variation_fields(world.zone.outcomes.get(), timezone.localdate())
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    data.update(
        zone=world.zone.slug, owner=world.council.slug, title="Bins emptied on Sundays",
        standard_rule="Bins are emptied on weekdays only",
    )  # fmt: skip
    data.update(overrides)
    return data


def send(client, method, url, data=None, token=None, **headers):
    kwargs = {"content_type": "application/json"} | headers
    if token:
        kwargs |= bearer(token)
    return getattr(client, method)(url, json.dumps(data) if data is not None else None, **kwargs)


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    return response.json()


def test_propose_through_the_service(client, world, council_token):
    before = Variation.objects.count()
    response = send(client, "post", f"{API}/variations", body_for(world), council_token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Location"] == f"/api/v1/variations/{data['id']}"
    assert response["ETag"] == '"1"'
    v = Variation.objects.get(pk=data["id"])
    assert Variation.objects.count() == before + 1
    assert v.status == VariationStatus.PROPOSED and v.created_by == world.council_signer
    assert AuditEvent.objects.filter(
        action="variation.proposed", object_id=str(v.pk), actor=world.council_signer
    ).exists()


def test_rules_are_the_services_rules(client, world, council_token):
    before = Variation.objects.count()
    body = problem(
        send(client, "post", f"{API}/variations", body_for(world, title="  ", outcomes=[]),
             council_token),
        400, "variation_invalid",
    )  # fmt: skip
    assert {"title", "outcomes"} <= {e["field"] for e in body["errors"]}
    assert Variation.objects.count() == before


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"subject": "weather"}, 422, "body_invalid"),
        ({"start_date": "next tuesday"}, 422, "body_invalid"),
        ({"outcomes": "all"}, 422, "body_invalid"),
        ({"scope": "sub_area", "sub_area": {"type": "Polygon", "coordinates": [[[0, 0]]]}},
         400, "geometry_invalid"),
        ({"scope": "sub_area", "sub_area": {"type": "Point", "coordinates": [500, 0]}},
         400, None),
        ({"zone": "no-such-zone"}, 404, "zone_not_found"),
    ],
)  # fmt: skip
def test_bad_bodies_store_nothing(client, world, council_token, change, status, code):
    before = (Variation.objects.count(), AuditEvent.objects.count())
    response = send(client, "post", f"{API}/variations", body_for(world, **change), council_token)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    if code:
        assert response.json()["code"].startswith(code.split("_")[0])
    assert (Variation.objects.count(), AuditEvent.objects.count()) == before


def test_wrong_content_type_is_415(client, world, council_token):
    response = client.post(
        f"{API}/variations", "title=x", content_type="text/plain", **bearer(council_token)
    )
    problem(response, 415, "media_type_unsupported")


def test_missing_or_bad_token_is_401(client, world):
    for headers in ({}, bearer("sizes_not-a-real-token"), {"HTTP_AUTHORIZATION": "Basic eDp5"}):
        response = send(client, "post", f"{API}/variations", body_for(world), **headers)
        problem(response, 401, "token_missing")
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_other_organisations_objects_are_403(client, world, community_token):
    before = Variation.objects.count()
    problem(send(client, "post", f"{API}/variations", body_for(world), community_token),
            403, "token_scope")  # fmt: skip
    problem(
        send(client, "post", f"{API}/variations/{world.proposed.pk}/agree", None, community_token),
        403, "token_scope",
    )  # fmt: skip
    assert Variation.objects.count() == before
    world.proposed.refresh_from_db()
    assert world.proposed.owner_agreed_by is None


def test_token_scope_does_not_widen_the_persons_rights(client, world, other_org):
    """A token scoped to an organisation its person may not act for (e.g. membership since
    removed) still gets the service's own refusal."""
    from sizes.api.services import token_create
    from sizes.partners.models import Membership

    _, secret = token_create(actor=world.council_signer, name="Old", organisations=[world.council])
    Membership.objects.filter(user=world.council_signer, organisation=world.council).delete()
    problem(send(client, "post", f"{API}/variations", body_for(world), secret), 403, "forbidden")


def test_update_needs_if_match(client, world, council_token):
    v = world.proposed
    url = f"{API}/variations/{v.pk}"
    fields = {k: val for k, val in body_for(world).items() if k not in ("zone", "owner")}
    fields["start_date"] = v.start_date.isoformat()
    problem(send(client, "put", url, fields, council_token), 428, "precondition_required")
    problem(send(client, "put", url, fields, council_token, HTTP_IF_MATCH='"999"'),
            409, "version_conflict")  # fmt: skip
    problem(send(client, "put", url, fields, council_token, HTTP_IF_MATCH="soon"),
            400, "if_match_invalid")  # fmt: skip
    v.refresh_from_db()
    assert v.title != fields["title"]
    etag = client.get(url)["ETag"]
    response = send(client, "put", url, fields, council_token, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Bins emptied on Sundays"
    assert response["ETag"] == f'"{v.version + 1}"'
    # The same version again is now stale: a lost update is refused, not overwritten.
    problem(send(client, "put", url, fields, council_token, HTTP_IF_MATCH=etag),
            409, "version_conflict")  # fmt: skip


def test_transitions(client, world, council_token):
    created = send(client, "post", f"{API}/variations", body_for(world), council_token).json()
    url = f"{API}/variations/{created['id']}"
    agreed = send(client, "post", url + "/agree", None, council_token)
    assert agreed.status_code == 200 and agreed.json()["owner_agreed"]
    assert agreed.json()["status"] == "proposed"  # the steward has not agreed yet
    problem(send(client, "post", url + "/activate", None, council_token), 409,
            "invalid_transition")  # fmt: skip
    problem(send(client, "post", url + "/end", {"reason": "x"}, council_token, HTTP_IF_MATCH='"1"'),
            409, "version_conflict")  # fmt: skip
    ended = send(client, "post", url + "/end", {"reason": "Not needed after all."}, council_token)
    assert ended.status_code == 200 and ended.json()["status"] == "withdrawn"
    problem(send(client, "post", url + "/end", {"reason": "again"}, council_token), 409,
            "invalid_transition")  # fmt: skip


def test_agree_and_activate(client, world, council_token):
    from sizes.variations import services

    created = send(client, "post", f"{API}/variations", body_for(world), council_token).json()
    url = f"{API}/variations/{created['id']}"
    send(client, "post", url + "/agree", None, council_token)
    # The steward agrees on the web (a token acts for organisations, not for stewards).
    services.variation_agree(actor=world.steward, variation=Variation.objects.get(pk=created["id"]))
    version = client.get(url).json()["version"]
    active = send(client, "post", url + "/activate", None, council_token,
                  HTTP_IF_MATCH=f'"{version}"')  # fmt: skip
    assert active.status_code == 200, active.content
    assert active.json()["status"] == "active"
    assert active.json()["activated_on"] == timezone.localdate().isoformat()
