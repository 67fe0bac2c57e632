"""Pledges through the API: public reads; a pledge, its grant and its withdrawal through the
resources services (the web forms' rules, the same permission predicates, the same audit
events), If-Match on changes, problem+json with field-level details, nothing stored on a
refusal. Money is a decimal string with its currency."""

import datetime as dt

import pytest
from django.utils import timezone

from sizes.audit.models import AuditEvent
from sizes.resources.models import Pledge, PledgeStatus
from sizes.resources.tests.builders import pledge

from .test_writes import problem, send

API = "/api/v1"


def pledge_body(world, funder, **overrides) -> dict:
    return {
        "zone": world.zone.slug,
        "organisation": funder.slug,
        "kind": "money",
        "title": "Active parks fund",
        "amount": {"amount": "15000.50", "currency": "GBP"},
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "conditions": "Spent on free activities.",
    } | overrides


def _state():
    return (
        list(Pledge.objects.order_by("pk").values_list("pk", "version", "status", "title")),
        AuditEvent.objects.exclude(action__endswith=".refused").count(),
    )


def test_public_reads(client, world, funder):
    public = pledge(world.council_signer, world.zone, funder)
    hidden = pledge(world.council_signer, world.zone, funder, title="Quiet", visibility="partners")
    items = client.get(f"{API}/pledges", {"zone": world.zone.slug}).json()["items"]
    assert [i["id"] for i in items] == [public.pk]
    one = client.get(f"{API}/pledges/{public.pk}")
    assert one.status_code == 200 and one["ETag"] == f'"{public.version}"'
    data = one.json()
    assert data["amount"] == {"amount": "15000.00", "currency": "GBP"}
    assert data["status"] == "pledged" and data["grant_ref"] == f"SIZES-{public.pk}"
    assert data["organisation"] == funder.slug and data["granted_amount"] is None
    problem(client.get(f"{API}/pledges/{hidden.pk}"), 404, "pledge_not_found")
    assert "Quiet" not in client.get(f"{API}/pledges").content.decode()
    assert client.get(f"{API}/pledges", {"organisation": "nobody"}).json()["items"] == []


def test_pledge_money_then_grant_it(client, world, funder, funder_token):
    response = send(client, "post", f"{API}/pledges", pledge_body(world, funder), funder_token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Location"] == f"/api/v1/pledges/{data['id']}" and response["ETag"] == '"1"'
    assert data["amount"] == {"amount": "15000.50", "currency": "GBP"}
    assert data["period_start"] == "2026-04-01" and data["status"] == "pledged"
    p = Pledge.objects.get(pk=data["id"])
    assert p.created_by == world.council_signer and p.organisation == funder
    assert p.grant_ref == f"SIZES-{p.pk}"
    assert AuditEvent.objects.filter(
        action="pledge.created", object_id=str(p.pk), actor=world.council_signer
    ).exists()

    url = f"{API}/pledges/{p.pk}/grant"
    today = timezone.localdate().isoformat()
    grant = {"granted_on": today, "granted_amount": {"amount": "12000", "currency": "GBP"}}
    problem(send(client, "post", url, grant, funder_token), 428, "precondition_required")
    ok = send(client, "post", url, grant, funder_token, HTTP_IF_MATCH=response["ETag"])
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == '"2"'
    assert ok.json()["status"] == "granted" and ok.json()["granted_on"] == today
    assert ok.json()["granted_amount"] == {"amount": "12000.00", "currency": "GBP"}
    p.refresh_from_db()
    assert (p.status, p.granted_amount, p.version) == (PledgeStatus.GRANTED, 12000, 2)
    assert AuditEvent.objects.filter(
        action="pledge.granted", object_id=str(p.pk), actor=world.council_signer
    ).exists()
    # A granted pledge is no longer open: neither granted again nor withdrawn.
    before = _state()
    problem(send(client, "post", url, grant, funder_token, HTTP_IF_MATCH='"2"'), 409,
            "pledge_not_open")  # fmt: skip
    problem(send(client, "post", f"{API}/pledges/{p.pk}/withdraw", {"reason": "x"}, funder_token,
                 HTTP_IF_MATCH='"2"'), 409, "pledge_not_open")  # fmt: skip
    assert _state() == before
    # The grant is in the zone's 360Giving package.
    package = client.get(f"{API}/zones/{world.zone.slug}/export/360giving.json").json()
    assert [g["amountAwarded"] for g in package["grants"]] == [12000]


def test_pledge_expertise_then_withdraw_it(client, world, funder, funder_token):
    body = pledge_body(world, funder, kind="expertise", amount=None, expertise_days="5",
                       expertise_kind="Evaluation design")  # fmt: skip
    response = send(client, "post", f"{API}/pledges", body, funder_token)
    assert response.status_code == 201, response.content
    assert response.json()["expertise_days"] == "5.0" and response.json()["amount"] is None
    pk = response.json()["id"]
    url = f"{API}/pledges/{pk}/withdraw"
    problem(send(client, "post", url, {"reason": "Budget cut."}, funder_token), 428,
            "precondition_required")  # fmt: skip
    problem(send(client, "post", url, {"reason": "Budget cut."}, funder_token,
                 HTTP_IF_MATCH='"7"'), 409, "version_conflict")  # fmt: skip
    problem(send(client, "post", url, {"reason": "  "}, funder_token, HTTP_IF_MATCH='"1"'), 400,
            "reason_required")  # fmt: skip
    assert Pledge.objects.get(pk=pk).status == PledgeStatus.PLEDGED
    ok = send(client, "post", url, {"reason": "Budget cut."}, funder_token, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "withdrawn" and ok.json()["withdrawn_reason"] == "Budget cut."
    assert AuditEvent.objects.filter(
        action="pledge.withdrawn", object_id=str(pk), actor=world.council_signer
    ).exists()


@pytest.mark.parametrize(
    ("change", "status", "code", "fields"),
    [
        ({"amount": None}, 400, "amount_required", {"amount"}),
        ({"amount": {"amount": "-5", "currency": "XXQ"}, "title": "",
          "period_start": "2027-01-01", "period_end": "2026-01-01"},
         400, "invalid", {"amount", "currency", "title"}),
        ({"amount": {"amount": "NaN", "currency": "GBP"}}, 400, "amount_invalid", {"amount"}),
        ({"kind": "expertise", "expertise_days": "0.1", "expertise_kind": ""}, 400, "invalid",
         {"expertise_days", "expertise_kind"}),
        ({"kind": "gift"}, 422, "body_invalid", {"kind"}),
        ({"amount": {"amount": 12.5, "currency": "GBP"}}, 422, "body_invalid", {"amount.amount"}),
        ({"zone": "nowhere"}, 404, "zone_not_found", set()),
        ({"organisation": "nobody"}, 404, "organisation_not_found", set()),
    ],
)  # fmt: skip
def test_bad_pledges_store_nothing(client, world, funder, funder_token, change, status, code,
                                   fields):  # fmt: skip
    before = _state()
    body = problem(
        send(client, "post", f"{API}/pledges", pledge_body(world, funder, **change),
             funder_token),
        status, code,
    )  # fmt: skip
    assert fields <= {e["field"] for e in body.get("errors", [])}
    assert _state() == before


def test_bad_grants_store_nothing(client, world, funder, funder_token):
    p = pledge(world.council_signer, world.zone, funder)
    url = f"{API}/pledges/{p.pk}/grant"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    cases = [
        ({"granted_on": tomorrow, "granted_amount": {"amount": "10", "currency": "GBP"}}, 400,
         "granted_on_future", "granted_on"),
        ({"granted_on": "2026-01-01"}, 400, "granted_amount_required", "granted_amount"),
        ({"granted_on": "2026-01-01", "granted_amount": {"amount": "10", "currency": "EUR"}},
         400, "currency_mismatch", "granted_amount.currency"),
        ({"granted_amount": {"amount": "10", "currency": "GBP"}}, 422, "body_invalid",
         "granted_on"),
    ]  # fmt: skip
    before = _state()
    for body, status, code, field in cases:
        got = problem(send(client, "post", url, body, funder_token, HTTP_IF_MATCH='"1"'), status,
                      code)  # fmt: skip
        assert field in {e["field"] for e in got["errors"]}, got
    problem(send(client, "post", url, {"granted_on": "2026-01-01"}, funder_token,
                 HTTP_IF_MATCH='"one"'), 400, "if_match_invalid")  # fmt: skip
    problem(client.post(url, "granted_on=2026-01-01", content_type="text/plain",
                        HTTP_AUTHORIZATION=f"Bearer {funder_token}", HTTP_IF_MATCH='"1"'),
            415, "media_type_unsupported")  # fmt: skip
    assert _state() == before


def test_tokens_act_only_for_their_organisations(
    client, world, funder, funder_token, council_token, community_token
):
    mine = pledge(world.council_signer, world.zone, funder)
    quiet = pledge(world.council_signer, world.zone, funder, title="Quiet", visibility="partners")
    before = _state()
    # The council's token (same person!) does not act for the funder.
    problem(send(client, "post", f"{API}/pledges", pledge_body(world, funder), council_token),
            403, "token_scope")  # fmt: skip
    for record, status, code in ((mine, 403, "token_scope"), (quiet, 404, "pledge_not_found")):
        for action, body in (("grant", {"granted_on": "2026-01-01",
                                        "granted_amount": {"amount": "1", "currency": "GBP"}}),
                             ("withdraw", {"reason": "Taken over."})):  # fmt: skip
            problem(send(client, "post", f"{API}/pledges/{record.pk}/{action}", body,
                         community_token, HTTP_IF_MATCH='"1"'), status, code)  # fmt: skip
    problem(send(client, "post", f"{API}/pledges/999999/withdraw", {"reason": "x"}, funder_token,
                 HTTP_IF_MATCH='"1"'), 404, "pledge_not_found")  # fmt: skip
    # Without a token, or with a revoked one: 401.
    problem(send(client, "post", f"{API}/pledges", pledge_body(world, funder)), 401,
            "token_missing")  # fmt: skip
    problem(send(client, "post", f"{API}/pledges/{mine.pk}/withdraw", {"reason": "x"},
                 "sizes_not-a-token", HTTP_IF_MATCH='"1"'), 401, "token_missing")  # fmt: skip
    assert _state() == before


def test_revoked_token_is_refused(client, world, funder, funder_token):
    from sizes.api.models import ApiToken
    from sizes.api.services import token_revoke

    token = ApiToken.objects.get(name="Grants system")
    token_revoke(actor=world.council_signer, token=token)
    before = _state()
    problem(send(client, "post", f"{API}/pledges", pledge_body(world, funder), funder_token), 401,
            "token_missing")  # fmt: skip
    assert _state() == before


def test_the_services_permission_check_still_applies(client, world, funder, funder_token):
    """The token acts for the funder, but the person has left it: the service's own predicate
    (the web form's) refuses, and the refused attempt on the pledge is audited."""
    p = pledge(world.council_signer, world.zone, funder)
    funder.memberships.filter(user=world.council_signer).delete()
    before = _state()
    problem(send(client, "post", f"{API}/pledges", pledge_body(world, funder), funder_token), 403,
            "forbidden")  # fmt: skip
    problem(send(client, "post", f"{API}/pledges/{p.pk}/withdraw", {"reason": "x"}, funder_token,
                 HTTP_IF_MATCH='"1"'), 403, "forbidden")  # fmt: skip
    assert _state() == before
    assert AuditEvent.objects.filter(action="pledge.refused", object_id=str(p.pk)).exists()


def test_only_funders_and_experts_pledge(client, world, council_token):
    """The council is a partner, not a funder: the same rule as the web form refuses it."""
    body = pledge_body(world, world.council)
    before = _state()
    problem(send(client, "post", f"{API}/pledges", body, council_token), 403, "forbidden")
    assert _state() == before
