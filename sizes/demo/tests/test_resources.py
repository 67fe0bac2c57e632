import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sizes.partners.models import Organisation
from sizes.resources import exports
from sizes.resources.models import Asset, Budget, Pledge, PledgeStatus
from sizes.resources.schemas import validate_360giving, validate_openreferral
from sizes.resources.selectors import zone_pooled_summary
from sizes.zones.models import Zone

pytestmark = pytest.mark.django_db

SLUG = "stirchley-and-cotteridge-health-and-well-being"


def test_demo_resources_load_and_are_idempotent():
    from sizes.demo import resources

    # Pass whether or not load_demo already calls resources.load (the lead wires it in).
    call_command("demo", "--no-serve")
    today = timezone.localdate()  # the date load_demo uses too
    resources.load(today=today)
    zone = Zone.objects.get(slug=SLUG)
    counts = (Budget.objects.count(), Asset.objects.count(), Pledge.objects.count())
    assert counts[0] >= 6 and counts[1] >= 4 and counts[2] == 2
    assert set(resources.load(today=today).values()) == {0}
    assert (Budget.objects.count(), Asset.objects.count(), Pledge.objects.count()) == counts
    # budgets from at least three partners over two financial years
    pairs = set(Budget.objects.filter(zone=zone).values_list("organisation__name", "period_start"))
    orgs = {o for o, _ in pairs}
    assert {"Birmingham City Council", "NHS Birmingham and Solihull",
            "Friends of Cotteridge Park"} <= orgs  # fmt: skip
    for org in orgs:
        assert len({p for o, p in pairs if o == org}) == 2
    assert len({s for _, s in pairs}) == 2
    park = Asset.objects.get(zone=zone, name="Cotteridge Park")
    assert park.area and Asset.objects.get(name="Cotteridge Park pavilion").lat is not None
    grant = Pledge.objects.get(zone=zone, status=PledgeStatus.GRANTED)
    assert grant.organisation.name == "Birmingham Community Foundation (demo)"
    assert grant.organisation.memberships.filter(user__username="funder.demo").exists()
    summary = zone_pooled_summary(zone=zone)
    council = Organisation.objects.get(name="Birmingham City Council")
    assert summary[council.pk] == {"budget", "asset", "objective", "plan"}
    assert validate_360giving(exports.grants_360giving(zone)) == []
    assert validate_openreferral(exports.openreferral(zone)) == []
    page = Client().get(f"/zones/{SLUG}/resources/").content.decode()
    assert "Cotteridge Park pavilion" in page and "Active Parks small grant" in page
    assert "Falls and frailty data" not in page  # partners only
