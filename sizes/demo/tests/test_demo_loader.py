import pytest
from django.core.management import call_command

from sizes.audit.services import audit_verify
from sizes.partners.models import Organisation
from sizes.zones.models import Zone, ZoneStatus
from sizes.zones.selectors import zone_declaration_problems

pytestmark = pytest.mark.django_db


def test_demo_loads_every_state_and_is_idempotent(capsys):
    call_command("demo", "--no-serve")
    statuses = dict(Zone.objects.values_list("slug", "status"))
    assert statuses == {
        "stirchley-and-cotteridge-health-and-well-being": ZoneStatus.DECLARED,
        "pershore-road-stirchley-safer-busier-high-street": ZoneStatus.PROPOSED,
        "bournville-lane-job-support-pilot": ZoneStatus.DISSOLVED,
        "cotteridge-school-streets": ZoneStatus.WITHDRAWN,
    }
    counts = (Zone.objects.count(), Organisation.objects.count())
    call_command("demo", "--no-serve")
    assert (Zone.objects.count(), Organisation.objects.count()) == counts
    assert "0 zone(s)" in capsys.readouterr().out
    assert audit_verify().ok


def test_seed_zone_has_the_real_partners_and_outcomes():
    call_command("demo", "--no-serve")
    zone = Zone.objects.get(slug="stirchley-and-cotteridge-health-and-well-being")
    kinds = set(zone.partnerships.values_list("organisation__kind", flat=True))
    assert {"council", "health", "residents", "voluntary"} <= kinds
    assert "Friends of Cotteridge Park" in zone.partnerships.values_list(
        "organisation__name", flat=True
    )
    assert zone.outcomes.count() == 3
    assert zone.review_date > zone.declared_on


def test_proposed_demo_zone_shows_why_it_cannot_be_declared_yet():
    call_command("demo", "--no-serve")
    zone = Zone.objects.get(slug="pershore-road-stirchley-safer-busier-high-street")
    codes = {p.code for p in zone_declaration_problems(zone=zone)}
    assert {"consultation_open", "unresolved_objection", "no_community_agreement"} <= codes
    assert zone.consultation_days_left() == 30


def test_seed_zone_has_variations_in_every_state_the_issue_asks_for():
    from sizes.variations.models import Variation

    call_command("demo", "--no-serve")
    zone = Zone.objects.get(slug="stirchley-and-cotteridge-health-and-well-being")
    # The four of the variations demo; an idea the engagement demo adopts adds a proposed one.
    titles = {
        "Park pavilion opens early for health walks": "active",
        "GP practices refer patients straight to Active Parks sessions": "active",
        "Free parking at the park for walk leaders": "ended",
        "Community groups book park rooms without a deposit": "proposed",
    }
    found = dict(
        Variation.objects.filter(zone=zone, title__in=titles).values_list("title", "status")
    )
    assert found == titles
    for v in Variation.objects.filter(zone=zone):
        assert v.accountable_name and v.applies_to and v.guaranteed and v.outcomes.exists()


def test_demo_zone_is_the_union_of_the_two_real_wards_and_b30_2aa_resolves():
    from shapely.geometry import shape
    from shapely.ops import unary_union

    from sizes.geo.models import ReferenceArea, ZoneBoundary
    from sizes.geo.selectors import lookup_postcode

    call_command("demo", "--no-serve")
    zone = Zone.objects.get(slug="stirchley-and-cotteridge-health-and-well-being")
    core = shape(ZoneBoundary.objects.current().get(zone=zone).core)
    wards = unary_union(
        [
            shape(a.geometry)
            for a in ReferenceArea.objects.filter(code__in=["E05011172", "E05011129"])
        ]
    )
    assert core.symmetric_difference(wards).area < 1e-6 * wards.area
    hits = lookup_postcode("B30 2AA")
    assert any(h.zone == zone and h.membership == "core" for h in hits.in_force)
