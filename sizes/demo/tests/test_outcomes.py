import datetime as dt

import pytest
from django.core.management import call_command

from sizes.demo.outcomes import HEALTH_RANK, SLUG, load
from sizes.outcomes.grades import zone_grade
from sizes.outcomes.models import Indicator, Measurement, SROIAnalysis
from sizes.outcomes.selectors import indicator_comparison, latest_figure
from sizes.zones.models import Zone

pytestmark = pytest.mark.django_db


def test_demo_evidence_loads_once_with_real_imd_and_a_did():
    call_command("demo", "--no-serve")
    today = dt.date.today()
    load(today=today)  # the demo may already call it (wired into load_demo): either way
    zone = Zone.objects.get(slug=SLUG)
    health = Indicator.objects.get(outcome__zone=zone, name=HEALTH_RANK)
    assert health.measurements.exclude(area_code="").count() == 639
    zone_value = health.measurements.get(area_code="")
    assert 1 <= zone_value.value <= 32844 and "aggregated from" in zone_value.method
    assert health.baseline_value == zone_value.value
    activity = Indicator.objects.get(outcome__zone=zone, unit="%")
    assert activity.comparison_areas.count() == 5
    comparison = indicator_comparison(activity)
    assert comparison.did is not None
    assert comparison.did.estimate > 0
    assert Measurement.objects.filter(indicator=activity, illustrative=False).count() == 0
    assert "illustrative" in latest_figure(activity.outcome)
    analysis = SROIAnalysis.objects.get(zone=zone)
    assert analysis.published and analysis.sroi_ratio > 1
    assert zone_grade(zone=zone).levels[3].met
    counts = (Indicator.objects.count(), Measurement.objects.count())
    assert load(today=today) == {"created": False}
    assert (Indicator.objects.count(), Measurement.objects.count()) == counts
