"""Importing area values, all or nothing, and aggregating them to the zone by area share."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sizes.core.errors import DomainError, NotAllowed
from sizes.outcomes.aggregation import zone_area_weights
from sizes.outcomes.models import Measurement
from sizes.outcomes.selectors import latest_figure
from sizes.outcomes.services import MeasurementRow, measurement_record, measurements_import
from sizes.outcomes.tests.helpers import declared_zone, indicator, make_area


@pytest.fixture
def setting(steward):
    zone = declared_zone(steward)
    # A: wholly inside the core (half of it); B: half inside; C: far away.
    make_area("E01000001", 0, 0, 500, 1000)
    make_area("E01000002", 500, 0, 1500, 1000)
    make_area("E01000003", 5000, 0, 6000, 1000)
    return zone


def rows(*triples):
    return [MeasurementRow(i + 2, c, p, v) for i, (c, p, v) in enumerate(triples)]


def test_weights_count_partial_overlaps(setting):
    weights = {w.code: w for w in zone_area_weights(zone=setting, area_type="lsoa")}
    assert set(weights) == {"E01000001", "E01000002"}
    assert weights["E01000001"].share == pytest.approx(1.0, abs=1e-3)
    assert weights["E01000002"].share == pytest.approx(0.5, abs=1e-3)
    assert weights["E01000001"].overlap_m2 == pytest.approx(500_000, rel=1e-3)
    assert weights["E01000002"].overlap_m2 == pytest.approx(500_000, rel=1e-3)


def test_area_weighted_mean(steward, setting):
    ind = indicator(steward, setting)
    # A = 10 on 500,000 m² of the zone, B = 20 on 500,000 m²: (10 + 20) / 2 = 15
    report = measurements_import(
        actor=steward,
        indicator=ind,
        rows=rows(
            ("E01000001", "2023", "10"), ("E01000002", "2023", "20"), ("e01000003", "2023", "7")
        ),
    )
    assert (report.areas, report.zone_values, report.periods) == (3, 1, ["2023"])
    zone_value = Measurement.objects.get(indicator=ind, area_code="", period="2023")
    assert float(zone_value.value) == pytest.approx(15, abs=0.01)
    assert "aggregated from 2 LSOAs" in zone_value.method
    assert latest_figure(ind.outcome) == "15.00 % (2023)"


def test_apportioned_sum_for_counts(steward, setting):
    ind = indicator(
        steward, setting, name="People using the park", unit="people", aggregation="sum"
    )
    # counts spread evenly: A 100 × 1.0 + B 300 × 0.5 = 250
    measurements_import(
        actor=steward,
        indicator=ind,
        rows=rows(("E01000001", "2023", "100"), ("E01000002", "2023", "300")),
    )
    zone_value = Measurement.objects.get(indicator=ind, area_code="", period="2023")
    assert float(zone_value.value) == pytest.approx(250, abs=0.5)


def test_unequal_overlaps_weight_the_mean(steward):
    zone = declared_zone(steward, slug="z2")
    # A covers 0–250 (a quarter of the zone), B covers 250–1000 (three quarters)
    make_area("E01000011", -500, 0, 250, 1000)
    make_area("E01000012", 250, 0, 1000, 1000)
    ind = indicator(steward, zone)
    measurements_import(
        actor=steward,
        indicator=ind,
        rows=rows(("E01000011", "2024", "40"), ("E01000012", "2024", "80")),
    )
    # 40 × 0.25 + 80 × 0.75 = 70
    value = Measurement.objects.get(indicator=ind, area_code="", period="2024").value
    assert float(value) == pytest.approx(70, abs=0.05)


def test_unknown_codes_import_nothing(steward, setting):
    ind = indicator(steward, setting)
    with pytest.raises(DomainError) as err:
        measurements_import(
            actor=steward,
            indicator=ind,
            rows=rows(("E01000001", "2023", "10"), ("E09999999", "2023", "5"), ("X1", "2023", "1")),
        )
    assert err.value.code == "import_invalid"
    first = err.value.details[0]
    assert first.code == "area_unknown"
    assert "E09999999" in first.message and "X1" in first.message
    assert not Measurement.objects.filter(indicator=ind).exists()


@pytest.mark.parametrize(
    "row, code",
    [
        (("E01000001", "2023-13", "1"), "period_format"),
        (("E01000001", "2023", "many"), "value_not_a_number"),
        (("", "2023", "1"), "area_missing"),
    ],
)
def test_bad_rows_import_nothing(steward, setting, row, code):
    ind = indicator(steward, setting)
    with pytest.raises(DomainError) as err:
        measurements_import(
            actor=steward, indicator=ind, rows=rows(("E01000002", "2023", "3"), row)
        )
    assert [p.code for p in err.value.details] == [code]
    assert "Line 3" in err.value.details[0].message
    assert not Measurement.objects.exists()


def test_mixing_units_is_refused(steward, setting):
    ind = indicator(steward, setting)
    with pytest.raises(DomainError) as err:
        measurements_import(
            actor=steward,
            indicator=ind,
            rows=[MeasurementRow(2, "E01000001", "2023", "3", unit="people")],
        )
    assert err.value.details[0].code == "unit_mismatch"
    with pytest.raises(DomainError) as err:
        measurement_record(actor=steward, indicator=ind, period="2023", value=3, unit="people")
    assert err.value.code == "unit_mismatch"
    assert not Measurement.objects.exists()


def test_missing_area_means_no_zone_value(steward, setting):
    ind = indicator(steward, setting)
    report = measurements_import(
        actor=steward, indicator=ind, rows=rows(("E01000001", "2023", "10"))
    )
    assert report.zone_values == 0
    assert "E01000002" in report.notes[0]
    assert not Measurement.objects.filter(indicator=ind, area_code="").exists()


def test_only_stewards_import(resident, steward, setting):
    ind = indicator(steward, setting)
    with pytest.raises(NotAllowed):
        measurements_import(actor=resident, indicator=ind, rows=rows(("E01000001", "2023", "1")))


def test_command(steward, setting, tmp_path):
    ind = indicator(steward, setting)
    good = tmp_path / "good.csv"
    good.write_text("area code,period,value\nE01000001,2023-Q1,10\nE01000002,2023-Q1,20\n")
    out = StringIO()
    call_command("import_indicators", str(good), "--indicator", str(ind.pk), stdout=out)
    assert "2 area values and 1 zone values" in out.getvalue()
    zone_value = Measurement.objects.get(indicator=ind, area_code="").value
    assert abs(zone_value - Decimal(15)) < Decimal("0.01")
    bad = tmp_path / "bad.csv"
    bad.write_text("area code,period,value\nE01000001,2023-Q2,1\nNOPE,2023-Q2,2\n")
    with pytest.raises(CommandError, match="NOPE"):
        call_command("import_indicators", str(bad), "--indicator", str(ind.pk))
    assert not Measurement.objects.filter(period="2023-Q2").exists()
    cols = tmp_path / "cols.csv"
    cols.write_text("code,value\nE01000001,1\n")
    with pytest.raises(CommandError, match="missing: period"):
        call_command("import_indicators", str(cols), "--indicator", str(ind.pk))
    with pytest.raises(CommandError, match="no indicator"):
        call_command("import_indicators", str(good), "--indicator", "99999")
