"""Pooled information through the API: public reads; writes with a token through the
resources services (same rules, permission checks and audit as the web forms), If-Match on
changes, problem+json with field-level details, nothing stored on a refusal."""

import pytest

from sizes.audit.models import AuditEvent
from sizes.resources.models import Asset, Budget, Objective, Plan
from sizes.resources.tests.builders import asset, budget, objective, plan

from .test_writes import problem, send

API = "/api/v1"


def budget_body(world, **overrides) -> dict:
    return {
        "zone": world.zone.slug,
        "organisation": world.council.slug,
        "service": "Parks maintenance",
        "kind": "redirected",
        "amount": {"amount": "120000.00", "currency": "GBP"},
        "financial_year": "2025-26",
        "zone_share": {"amount": "15000.50", "currency": "GBP"},
        "share_basis": "Share of park area in the zone.",
    } | overrides


def test_public_reads_of_every_kind(client, world):
    made = {
        "budgets": budget(world.council_signer, world.zone, world.council),
        "assets": asset(world.council_signer, world.zone, world.council),
        "objectives": objective(world.council_signer, world.zone, world.council),
        "plans": plan(world.council_signer, world.zone, world.council),
    }
    hidden = objective(
        world.council_signer, world.zone, world.council, title="Secret", visibility="partners"
    )
    for path, record in made.items():
        items = client.get(f"{API}/{path}", {"zone": world.zone.slug}).json()["items"]
        assert [i["id"] for i in items] == [record.pk], path
        one = client.get(f"{API}/{path}/{record.pk}")
        assert one.status_code == 200 and one["ETag"] == f'"{record.version}"'
        assert one.json()["organisation"] == world.council.slug
        assert client.get(f"{API}/{path}", {"organisation": "nobody"}).json()["items"] == []
    assert client.get(f"{API}/assets/{made['assets'].pk}").json()["lat"] == pytest.approx(52.4193)
    assert client.get(f"{API}/plans/{made['plans'].pk}").json()["document"] is None
    problem(client.get(f"{API}/objectives/{hidden.pk}"), 404, "objective_not_found")
    assert "Secret" not in client.get(f"{API}/objectives").content.decode()


def test_create_budget_through_the_service(client, world, council_token):
    response = send(client, "post", f"{API}/budgets", budget_body(world), council_token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Location"] == f"/api/v1/budgets/{data['id']}" and response["ETag"] == '"1"'
    assert data["amount"] == {"amount": "120000.00", "currency": "GBP"}
    assert data["zone_share"] == {"amount": "15000.50", "currency": "GBP"}
    assert data["period_start"] == "2025-04-01" and data["period_end"] == "2026-03-31"
    b = Budget.objects.get(pk=data["id"])
    assert b.created_by == world.council_signer and b.organisation == world.council
    assert AuditEvent.objects.filter(
        action="budget.created", object_id=str(b.pk), actor=world.council_signer
    ).exists()
    # The same budget again breaks the service's rule (one per service, period and kind).
    problem(send(client, "post", f"{API}/budgets", budget_body(world), council_token), 409,
            "duplicate")  # fmt: skip


@pytest.mark.parametrize(
    ("change", "status", "code", "fields"),
    [
        ({"zone_share_percent": "10"}, 400, "share_both", {"zone_share_amount"}),
        (
            {"amount": {"amount": "-5", "currency": "XXQ"}, "share_basis": "",
             "zone_share": {"amount": "1", "currency": "XXQ"}},
            400, "invalid", {"amount", "currency", "share_basis"},
        ),
        ({"zone_share": {"amount": "1", "currency": "EUR"}}, 400, "currency_mismatch",
         {"zone_share.currency"}),
        ({"kind": "gift"}, 422, "body_invalid", {"kind"}),
        ({"amount": {"amount": 12.5, "currency": "GBP"}}, 422, "body_invalid", {"amount.amount"}),
        ({"zone": "nowhere"}, 404, "zone_not_found", set()),
    ],
)  # fmt: skip
def test_bad_budgets_store_nothing(client, world, council_token, change, status, code, fields):
    before = Budget.objects.count(), AuditEvent.objects.count()
    body = problem(
        send(client, "post", f"{API}/budgets", budget_body(world, **change), council_token),
        status, code,
    )  # fmt: skip
    assert fields <= {e["field"] for e in body.get("errors", [])}
    assert (Budget.objects.count(), AuditEvent.objects.count()) == before


def test_tokens_act_only_for_their_organisations(client, world, council_token, community_token):
    # The community's token cannot add the council's budget...
    problem(send(client, "post", f"{API}/budgets", budget_body(world), community_token), 403,
            "token_scope")  # fmt: skip
    # ...nor change the council's records; a partners-only one is not even admitted to.
    public = objective(world.council_signer, world.zone, world.council)
    private = objective(
        world.council_signer, world.zone, world.council, title="Inner", visibility="partners"
    )
    body = {"title": "Taken over", "summary": "x"}
    for record, status, code in (
        (public, 403, "token_scope"),
        (private, 404, "objective_not_found"),
    ):
        problem(
            send(client, "put", f"{API}/objectives/{record.pk}", body, community_token,
                 HTTP_IF_MATCH='"1"'),
            status, code,
        )  # fmt: skip
        record.refresh_from_db()
        assert record.title != "Taken over" and record.version == 1
    # Without a token: 401.
    problem(send(client, "post", f"{API}/objectives", body), 401, "token_missing")


def test_the_services_permission_check_still_applies(client, world, council_token):
    """A token scoped to the council cannot write for a zone where the council is no partner:
    the service's own check refuses it."""
    world.zone.partnerships.filter(organisation=world.council).delete()
    problem(send(client, "post", f"{API}/budgets", budget_body(world), council_token), 403,
            "forbidden")  # fmt: skip
    assert not Budget.objects.filter(zone=world.zone).exists()


@pytest.mark.parametrize("kind", ["assets", "objectives", "plans"])
def test_create_and_update_with_if_match(client, world, council_token, kind):
    model = {"assets": Asset, "objectives": Objective, "plans": Plan}[kind]
    if kind == "assets":
        body = {"kind": "room", "name": "Community room", "description": "Seats 30.",
                "lat": 52.40, "lon": -1.86, "contact_route": "The library desk."}  # fmt: skip
    else:
        body = {"title": "Walk more", "summary": "Weekly walks.", "link": "https://example.org/p"}
    created = send(client, "post", f"{API}/{kind}",
                   body | {"zone": world.zone.slug, "organisation": world.council.slug},
                   council_token)  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = body | ({"name": "Big room"} if kind == "assets" else {"title": "Walk further"})
    url = f"{API}/{kind}/{pk}"
    problem(send(client, "put", url, changed, council_token), 428, "precondition_required")
    ok = send(client, "put", url, changed, council_token, HTTP_IF_MATCH=created["ETag"])
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == '"2"' and ok.json()["version"] == 2
    stale = send(client, "put", url, body, council_token, HTTP_IF_MATCH='"1"')
    problem(stale, 409, "version_conflict")
    record = model.objects.get(pk=pk)
    assert record.version == 2
    assert (record.name if kind == "assets" else record.title) in ("Big room", "Walk further")
    assert (
        AuditEvent.objects.filter(
            action=f"{kind[:-1]}.updated", object_id=str(pk), actor=world.council_signer
        ).count()
        == 1
    )


def test_asset_area_must_be_valid_geojson(client, world, council_token):
    body = {"zone": world.zone.slug, "organisation": world.council.slug, "kind": "park",
            "name": "Park", "description": "Green.",
            "area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}}  # fmt: skip
    response = send(client, "post", f"{API}/assets", body, council_token)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["area"]
    assert not Asset.objects.exists()


def test_sroi_calculator_is_an_operation(client, db):
    from sizes.api.api import api

    assert "/api/v1/sroi/calculate" in api.get_openapi_schema()["paths"]
    good = {
        "investments": [{"partner": "Council", "money": "10000"}],
        "outcomes": [{"name": "Walks", "stakeholder": "Residents", "quantity": 100,
                      "proxy": {"value": 250}, "duration_years": 2, "deadweight_pct": 20}],
    }  # fmt: skip
    r = client.post(f"{API}/sroi/calculate", good, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["sroi_ratio"] > 1
    bad = good | {"outcomes": [{"name": "", "proxy": {"value": "x"}}]}
    body = problem(client.post(f"{API}/sroi/calculate", bad, content_type="application/json"),
                   400, "sroi_invalid")  # fmt: skip
    assert "outcomes[0].proxy.value" in {e["field"] for e in body["errors"]}
    problem(client.post(f"{API}/sroi/calculate", good | {"investments": []},
                        content_type="application/json"), 400, "sroi_ratio_undefined")  # fmt: skip
    problem(client.post(f"{API}/sroi/calculate", "{nope", content_type="application/json"),
            400, "request_invalid")  # fmt: skip


def test_zone_exports_are_operations(client, world):
    from sizes.api.api import api

    paths = api.get_openapi_schema()["paths"]
    budget(world.council_signer, world.zone, world.council)
    slug = world.zone.slug
    csv = client.get(f"{API}/zones/{slug}/export/budgets.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "Parks maintenance" in csv.content.decode()
    ref = client.get(f"{API}/zones/{slug}/export/openreferral.json")
    assert ref.status_code == 200 and ref.json()["organizations"]
    problem(client.get(f"{API}/zones/{slug}/export/360giving.json"), 404, "grants_not_found")
    problem(client.get(f"{API}/zones/nowhere/export/budgets.csv"), 404, "zone_not_found")
    for name in ("360giving.json", "openreferral.json", "budgets.csv"):
        assert f"/api/v1/zones/{{slug}}/export/{name}" in paths
