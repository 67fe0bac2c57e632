"""Difference-in-differences on synthetic data with a known effect; comparison areas."""

import datetime as dt

import numpy as np
import pytest

from sizes.core.errors import DomainError
from sizes.outcomes.selectors import did_estimate, indicator_comparison, suggest_comparison_areas
from sizes.outcomes.services import (
    MeasurementRow,
    comparison_areas_set,
    measurement_record,
    measurements_import,
)
from sizes.outcomes.tests.helpers import declared_zone, indicator, make_area


def synthetic(effect, *, treated_units=1, control_units=12, periods=8, seed=1, noise=1.0):
    """y = unit level + common trend + effect (treated, after period 4) + noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(treated_units + control_units):
        treated = u < treated_units
        level = rng.normal(50, 5)
        for t in range(periods):
            post = t >= periods // 2
            y = level + 0.8 * t + (effect if treated and post else 0) + rng.normal(0, noise)
            rows.append((f"u{u}", treated, post, y))
    return rows


@pytest.mark.parametrize("effect, seed", [(5.0, 1), (-3.0, 2), (8.0, 3)])
def test_did_recovers_a_known_effect_within_its_interval(effect, seed):
    result = did_estimate(synthetic(effect, treated_units=3, seed=seed), unit="%")
    assert result.ci_low <= effect <= result.ci_high
    assert result.estimate == pytest.approx(effect, abs=2.5)
    assert not (result.ci_low <= 0 <= result.ci_high)  # an effect this size is not chance


def test_did_with_no_effect_says_it_could_be_chance():
    result = did_estimate(synthetic(0.0, treated_units=3, seed=4), unit="%")
    assert result.ci_low <= 0 <= result.ci_high
    assert "this could be chance" in result.reading


def test_reading_follows_polarity():
    rows = synthetic(5.0, treated_units=3, seed=1)
    higher = did_estimate(rows, unit="%", polarity="higher")
    lower = did_estimate(rows, unit="%", polarity="lower")
    assert higher.reading.startswith("The zone improved by")
    assert "percentage points more than similar areas" in higher.reading
    assert lower.reading.startswith("The zone did worse than similar areas")


def test_did_needs_all_four_groups():
    rows = [r for r in synthetic(5.0) if not r[2]]  # no "after" values
    assert did_estimate(rows) is None
    assert did_estimate([]) is None


@pytest.fixture
def zone_with_areas(steward):
    zone = declared_zone(steward, declared_on=dt.date(2024, 1, 1))
    make_area("E01000001", 0, 0, 1000, 1000)  # the zone
    make_area("E01000002", 1100, 0, 2000, 1000)  # in the fringe (100 m away)
    for i in range(6):
        make_area(f"E0100010{i}", 5000 + 1000 * i, 0, 5900 + 1000 * i, 1000)
    return zone


def test_comparison_areas_exclude_the_zone_and_fringe(steward, zone_with_areas):
    ind = indicator(steward, zone_with_areas)
    with pytest.raises(DomainError) as err:
        comparison_areas_set(actor=steward, indicator=ind, codes=["E01000002", "E01000100", "NOPE"])
    codes = {p.code for p in err.value.details}
    assert codes == {"area_in_zone", "area_unknown"}
    assert not ind.comparison_areas.exists()
    comparison_areas_set(actor=steward, indicator=ind, codes=["E01000100", "e01000101"])
    assert sorted(ind.comparison_areas.values_list("area__code", flat=True)) == [
        "E01000100",
        "E01000101",
    ]


def test_suggestions_are_nearest_on_standardised_baselines(steward, zone_with_areas):
    ind = indicator(steward, zone_with_areas)
    other = indicator(steward, zone_with_areas, name="Rank", unit="rank", outcome=ind.outcome)
    # zone (from E01000001): 30 % and rank 1000. Candidates differ on both scales.
    values = {
        "E01000001": (30, 1000),
        "E01000002": (30, 1000),  # identical but in the fringe: excluded
        "E01000100": (31, 1100),  # nearest
        "E01000101": (50, 1000),
        "E01000102": (30, 9000),
        "E01000103": (29, 1300),  # second
        "E01000104": (80, 20000),
        "E01000105": (45, 5000),
    }
    for ind_, idx in ((ind, 0), (other, 1)):
        measurements_import(
            actor=steward,
            indicator=ind_,
            rows=[
                MeasurementRow(i, c, "2023", str(v[idx])) for i, (c, v) in enumerate(values.items())
            ],
        )
    found = suggest_comparison_areas(zone=zone_with_areas, indicators=[ind, other], k=3)
    assert [s.code for s in found][:2] == ["E01000100", "E01000103"]
    assert "E01000001" not in [s.code for s in found]
    assert "E01000002" not in [s.code for s in found]
    assert found[0].distance <= found[1].distance <= found[2].distance


def test_indicator_comparison_runs_did_from_stored_series(steward, zone_with_areas):
    ind = indicator(steward, zone_with_areas, geography_level="zone")
    comparison_areas_set(
        actor=steward, indicator=ind, codes=["E01000100", "E01000101", "E01000102"]
    )
    # Zone and comparisons rise by 1 a year; from 2024 the zone gains 6 more.
    noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0]
    for k, year in enumerate(range(2020, 2026)):
        post = year >= 2024
        measurement_record(
            actor=steward,
            indicator=ind,
            period=str(year),
            value=40 + k + (6 if post else 0) + noise[k],
        )
        for j, code in enumerate(["E01000100", "E01000101", "E01000102"]):
            measurement_record(
                actor=steward,
                indicator=ind,
                period=str(year),
                value=35 + 3 * j + k + noise[(k + j + 1) % 6],
                area_code=code,
            )
    c = indicator_comparison(ind)
    assert c.periods == [str(y) for y in range(2020, 2026)]
    assert c.zone_values[0] == pytest.approx(40.3)
    assert c.comparison_values[0] == pytest.approx((35 - 0.2 + 38 + 0.1 + 41 - 0.4) / 3)
    assert c.did.ci_low <= 6 <= c.did.ci_high
    assert c.did.estimate == pytest.approx(6, abs=1)
    assert "improved by" in c.did.reading
