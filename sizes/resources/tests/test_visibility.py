"""Partners-only records never appear in public pages, exports or data; partners see them."""

import datetime as dt

import pytest
from django.test import Client

from sizes.resources import selectors, services
from sizes.resources.models import Asset, Budget, Objective, Plan, Pledge
from sizes.resources.tests import builders as b

pytestmark = pytest.mark.django_db

SECRET = "Zebra-secret"


@pytest.fixture
def records(zone, council, council_signer, funder, funder_member):
    """One public and one partners-only record of every type; the hidden ones carry SECRET."""
    b.budget(council_signer, zone, council, service="Open budget")
    b.budget(council_signer, zone, council, service=f"{SECRET} budget", visibility="partners")
    b.asset(council_signer, zone, council, name="Open park")
    b.asset(council_signer, zone, council, name=f"{SECRET} asset", visibility="partners",
            lat="52.42", lon="-1.93")  # fmt: skip
    b.objective(council_signer, zone, council, title="Open objective")
    b.objective(council_signer, zone, council, title=f"{SECRET} objective", visibility="partners")
    b.plan(council_signer, zone, council, title="Open plan")
    hidden_plan = b.plan(
        council_signer, zone, council, title=f"{SECRET} plan", visibility="partners",
        document=b"%PDF-1.4 secret",
    )  # fmt: skip
    b.pledge(funder_member, zone, funder, title="Open pledge")
    hidden = b.pledge(funder_member, zone, funder, title=f"{SECRET} pledge", visibility="partners")
    services.pledge_grant(
        actor=funder_member, pledge=hidden, granted_on=dt.date(2025, 5, 1), granted_amount="10"
    )
    return {"plan": hidden_plan}


MODELS = [Budget, Asset, Objective, Plan, Pledge]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_selectors_hide_partners_only_from_the_public_and_outsiders(
    records, zone, model, resident, outsider
):
    for user in (None, resident, outsider):
        qs = selectors.records_visible_to(model, user, zone)
        assert qs.count() == 1 and all(r.is_public for r in qs)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_selectors_show_partners_only_to_partners_and_admins(
    records, zone, model, community_signer, council_admin
):
    for user in (community_signer, council_admin):
        assert selectors.records_visible_to(model, user, zone).count() == 2


def test_funder_sees_its_own_partners_only_pledge(records, zone, funder_member):
    titles = {p.title for p in selectors.pledges_visible_to(funder_member, zone)}
    assert f"{SECRET} pledge" in titles
    assert selectors.budgets_visible_to(funder_member, zone).count() == 1


def _public_outputs(client, zone, council):
    urls = [
        f"/zones/{zone.slug}/resources/",
        f"/zones/{zone.slug}/export/budgets.csv",
        f"/zones/{zone.slug}/export/360giving.json",
        f"/zones/{zone.slug}/export/openreferral.json",
        f"/zones/{zone.slug}/export/datapackage.json",
        f"/api/v1/zones/{zone.slug}/export/360giving.json",
        f"/api/v1/zones/{zone.slug}/export/openreferral.json",
        f"/api/v1/zones/{zone.slug}/export/budgets.csv",
        f"/zones/{zone.slug}/assets.geojson",
        f"/organisations/{council.slug}/resources/",
        "/funders/",
    ]
    return {url: client.get(url) for url in urls}


def test_no_public_page_or_export_shows_partners_only_records(records, zone, council, outsider):
    anonymous = _public_outputs(Client(), zone, council)
    c = Client()
    c.force_login(outsider)
    signed_in = _public_outputs(c, zone, council)
    for responses in (anonymous, signed_in):
        for url, response in responses.items():
            body = b"".join(response) if response.streaming else response.content
            assert response.status_code in (200, 404), url
            assert SECRET.encode() not in body, url
        page = responses[f"/zones/{zone.slug}/resources/"].content.decode()
        for word in ("Open budget", "Open park", "Open objective", "Open plan", "Open pledge"):
            assert word in page
    # the only grant is partners-only: there is nothing to publish
    assert anonymous[f"/zones/{zone.slug}/export/360giving.json"].status_code == 404


def test_partners_see_partners_only_records_on_pages_but_exports_stay_public(
    records, zone, council, community_signer
):
    c = Client()
    c.force_login(community_signer)
    page = c.get(f"/zones/{zone.slug}/resources/").content.decode()
    for kind in ("budget", "asset", "objective", "plan", "pledge"):
        assert f"{SECRET} {kind}" in page
    csv_body = c.get(f"/zones/{zone.slug}/export/budgets.csv").content.decode()
    assert SECRET not in csv_body


def test_partners_only_plan_document_is_not_served_to_the_public(
    records, zone, community_signer, outsider
):
    url = f"/zones/{zone.slug}/plans/{records['plan'].pk}/document.pdf"
    assert Client().get(url).status_code == 404
    c = Client()
    c.force_login(outsider)
    assert c.get(url).status_code == 404
    c.force_login(community_signer)
    response = c.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_draft_zone_records_are_hidden_even_when_public(zone, council, council_signer, resident):
    b.budget(council_signer, zone, council)
    zone.status = "draft"
    zone.save(update_fields=["status"])
    assert selectors.budgets_visible_to(None, zone).count() == 0
    assert selectors.budgets_visible_to(resident, zone).count() == 0
    assert Client().get(f"/zones/{zone.slug}/export/budgets.csv").status_code == 404


@pytest.mark.parametrize("status", ["draft", "proposed", "declared", "dissolved", "withdrawn"])
def test_records_of_a_zone_in_hand_follow_the_zones_visibility_rule(
    records, zone, status, steward, resident, outsider, community_signer, council_admin,
    site_admin,
):  # fmt: skip
    """Given the zone, its visibility is decided without a subquery: the same records as
    reading them across every zone the person may see (the subquery's way), whoever asks."""
    from django.contrib.auth.models import AnonymousUser

    zone.status = status
    zone.save(update_fields=["status"])
    people = [None, AnonymousUser(), steward, resident, outsider, community_signer,
              council_admin, site_admin]  # fmt: skip
    for model in MODELS:
        for user in people:
            in_hand = sorted(r.pk for r in selectors.records_visible_to(model, user, zone))
            everywhere = sorted(
                r.pk for r in selectors.records_visible_to(model, user) if r.zone_id == zone.pk
            )
            assert in_hand == everywhere, (model.__name__, status, user)
    # The rule has teeth: the public sees a draft's records not at all, its steward does.
    zone.status = "draft"
    zone.save(update_fields=["status"])
    assert not selectors.records_visible_to(Budget, None, zone).exists()
    assert selectors.records_visible_to(Budget, steward, zone).count() == 1  # the public one


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_member_organisations_given_give_the_same_records(
    records, zone, model, resident, community_signer, council_admin, funder_member
):
    from sizes.resources.permissions import member_org_ids

    for user in (None, resident, community_signer, council_admin, funder_member):
        given = selectors.records_visible_to(model, user, zone, member_orgs=member_org_ids(user))
        assert sorted(r.pk for r in given) == sorted(
            r.pk for r in selectors.records_visible_to(model, user, zone)
        )
