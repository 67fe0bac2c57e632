"""Django admin goes through the services: it cannot break the rules."""

import datetime as dt

import pytest
from django.utils import timezone

from sizes.zones.models import Zone, ZoneStatus
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


def test_admin_cannot_declare_a_zone_that_breaks_the_rules(admin_client):
    zone = ZoneFactory(status=ZoneStatus.PROPOSED, consultation_ends=timezone.localdate())
    response = admin_client.post(
        "/admin/zones/zone/",
        {"action": "declare", "_selected_action": [zone.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "This zone cannot be declared yet." in text
    assert "The public consultation is not over yet." in text
    assert "At least one council partner must agree" in text
    assert Zone.objects.get(pk=zone.pk).status == ZoneStatus.PROPOSED


def test_admin_declares_a_zone_when_the_rules_hold(admin_client, ready_zone):
    admin_client.post(
        "/admin/zones/zone/", {"action": "declare", "_selected_action": [ready_zone.pk]}
    )
    assert Zone.objects.get(pk=ready_zone.pk).status == ZoneStatus.DECLARED


def _form(zone, **overrides):
    data = {
        "name": zone.name,
        "summary": zone.summary,
        "intention": zone.intention,
        "review_date": zone.review_date.isoformat(),
        "theme_names": "Housing, Tenants' voice",
        "version": zone.version,
    }
    data.update(overrides)
    return data


def test_admin_edit_goes_through_the_service_and_is_audited(admin_client, ready_zone):
    from sizes.audit.models import AuditEvent

    admin_client.post(f"/admin/zones/zone/{ready_zone.pk}/change/", _form(ready_zone, name="New"))
    zone = Zone.objects.get(pk=ready_zone.pk)
    assert zone.name == "New"
    assert zone.version == ready_zone.version + 1
    assert sorted(t.name for t in zone.themes.all()) == ["Housing", "Tenants' voice"]
    assert AuditEvent.objects.filter(action="zone.updated", object_id=str(zone.pk)).exists()


def test_admin_stale_edit_is_refused_and_changes_nothing(admin_client, ready_zone):
    Zone.objects.filter(pk=ready_zone.pk).update(version=ready_zone.version + 1)
    response = admin_client.post(
        f"/admin/zones/zone/{ready_zone.pk}/change/",
        _form(ready_zone, name="Overwrite"),
        follow=True,
    )
    assert "Someone else changed this" in response.content.decode()
    assert Zone.objects.get(pk=ready_zone.pk).name == "Ready zone"


def test_admin_cannot_move_a_declared_zones_review_date(admin_client, ready_zone):
    Zone.objects.filter(pk=ready_zone.pk).update(status=ZoneStatus.DECLARED)
    later = ready_zone.review_date + dt.timedelta(days=30)
    response = admin_client.post(
        f"/admin/zones/zone/{ready_zone.pk}/change/",
        _form(ready_zone, review_date=later.isoformat()),
        follow=True,
    )
    assert "review date changes only at a review" in response.content.decode()
    assert Zone.objects.get(pk=ready_zone.pk).review_date == ready_zone.review_date


def test_admin_pages_render(admin_client, ready_zone):
    for url in [
        "/admin/",
        "/admin/zones/zone/",
        f"/admin/zones/zone/{ready_zone.pk}/change/",
        "/admin/zones/zone/add/",
        "/admin/partners/partnership/",
        "/admin/audit/auditevent/",
        "/admin/partners/membership/",
    ]:
        assert admin_client.get(url).status_code == 200, url
