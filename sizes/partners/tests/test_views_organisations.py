"""Organisation pages: list, one organisation, joining, deciding requests, adding."""

import pytest
from django.urls import reverse

from sizes.partners.models import Membership, Organisation
from sizes.zones.models import ZoneStatus
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def html(response) -> str:
    return response.content.decode()


def test_list_shows_kind(client, council, community):
    r = client.get(reverse("partners:organisations"))
    assert r.status_code == 200
    body = html(r)
    assert "Test City Council" in body and "Voluntary or community group" in body
    assert body.count("<h1") == 1 and "Add an organisation" not in body


def test_organisation_page_lists_visible_zones(client, ready_zone, council):
    draft = ZoneFactory(name="Hidden draft", status=ZoneStatus.DRAFT)
    PartnershipFactory(zone=draft, organisation=council)
    r = client.get(reverse("partners:organisation", args=[council.slug]))
    assert r.status_code == 200
    body = html(r)
    assert "Ready zone" in body and "Hidden draft" not in body and "Agreed" in body
    assert "Ask to join" not in body  # anonymous
    assert client.get(reverse("partners:organisation", args=["nope"])).status_code == 404


def test_join_and_decide(client, community, community_signer, resident):
    client.force_login(resident)
    page = reverse("partners:organisation", args=[community.slug])
    assert "Ask to join Friends of Test Park" in html(client.get(page))
    r = client.post(reverse("partners:organisation-join", args=[community.slug]))
    assert r.status_code == 302
    m = Membership.objects.get(user=resident)
    assert m.status == "requested"
    r = client.post(reverse("partners:organisation-join", args=[community.slug]))
    assert r.status_code == 400 and "You have already asked to join" in html(r)
    decide = reverse("partners:membership-decide", args=[community.slug, m.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403

    client.force_login(community_signer)
    body = html(client.get(page))
    assert "Approve, with signing rights" in body and "resident" in body
    r = client.post(decide, {"decision": "bogus"})
    assert r.status_code == 400 and "Choose whether to approve or decline." in html(r)
    r = client.post(decide, {"decision": "approve_sign"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == "approved" and m.can_sign


def test_decide_a_request_of_another_organisation_is_404(client, council, community):
    m = MembershipFactory(organisation=council, status="requested", can_sign=False)
    client.force_login(UserFactory(is_council_admin=True))
    r = client.post(
        reverse("partners:membership-decide", args=[community.slug, m.pk]), {"decision": "decline"}
    )
    assert r.status_code == 404


def test_create_organisation(client, resident, council_admin):
    page = reverse("partners:organisation-create")
    assert client.get(page).status_code == 302
    client.force_login(resident)
    assert client.get(page).status_code == 403
    client.force_login(council_admin)
    r = client.get(page)
    assert r.status_code == 200
    for label in ("Organisation name", "What kind of organisation is it?", "Website (optional)"):
        assert label in html(r)
    r = client.post(page, {"name": "", "kind": "spaceship", "website": "not a url"})
    assert r.status_code == 400
    body = html(r)
    assert "Enter the organisation&#39;s name." in body
    assert "Choose what kind of organisation it is." in body
    assert "Enter a website address" in body
    assert not Organisation.objects.exists()
    r = client.post(page, {"name": "Stirchley Residents", "kind": "residents"})
    assert r.status_code == 302
    r = client.post(page, {"name": "stirchley residents", "kind": "residents"})
    assert r.status_code == 400 and 'href="#id_name"' in html(r)
    assert "already exists" in html(r)
    assert Organisation.objects.count() == 1
