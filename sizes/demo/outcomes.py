"""Demo evidence for the Stirchley and Cotteridge zone: indicators, comparison areas, a DiD
chart, an SROI analysis and its star grade.

Real data where it fits: the English Indices of Deprivation 2019 for every Birmingham LSOA
(sizes/geo/data/birmingham_imd2019_lsoa.csv, MHCLG, Open Government Licence v3.0) give two
context indicators aggregated to the zone by area, and choose the comparison areas (the LSOAs
most like the zone on them). The activity and park-use series, and the SROI figures, are
**illustrative**: made up for the demo and labelled so on every page.

`load(today=...)` is idempotent: it does nothing if the zone already has its indicators.
"""

import csv
import datetime as dt
from pathlib import Path

from sizes.outcomes.models import ComparisonArea, Indicator
from sizes.outcomes.selectors import suggest_comparison_areas
from sizes.outcomes.services import (
    MeasurementRow,
    comparison_areas_set,
    indicator_create,
    indicator_set_baseline,
    measurement_record,
    measurements_import,
    sroi_analysis_publish,
    sroi_analysis_save,
)

SLUG = "stirchley-and-cotteridge-health-and-well-being"
IMD_FILE = Path(__file__).resolve().parent.parent / "geo" / "data" / "birmingham_imd2019_lsoa.csv"
IMD_SOURCE = "MHCLG, English Indices of Deprivation 2019 (File 1 and File 2), by 2011 LSOA"
IMD_URL = "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019"
OGL = "Open Government Licence v3.0 (Crown copyright)"
ILLUSTRATIVE = "Illustrative figures made up for the demo – not real data"
HEALTH_RANK = "Health deprivation and disability rank (IMD 2019)"


def _imd_rows(column: str) -> list[MeasurementRow]:
    with open(IMD_FILE, newline="", encoding="utf-8") as fh:
        return [
            MeasurementRow(i, row["lsoa_code"], "2019", row[column])
            for i, row in enumerate(csv.DictReader(fh), start=2)
        ]


def _months_back(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def load(*, today: dt.date) -> dict:
    """Add the demo evidence to the seed zone (if it is there and has none yet)."""
    from django.contrib.auth import get_user_model

    from sizes.zones.models import Zone

    zone = Zone.objects.filter(slug=SLUG).first()
    if zone is None or Indicator.objects.filter(outcome__zone=zone).exists():
        return {"created": False}
    officer = get_user_model().objects.get(username="council.officer")
    active, _isolation, parks = list(zone.outcomes.order_by("pk"))

    # Context: real IMD 2019 figures for every Birmingham LSOA, aggregated to the zone.
    health = indicator_create(
        actor=officer, outcome=active, name=HEALTH_RANK,
        definition="Rank of the LSOA among England's 32,844 on the health deprivation and "
        "disability domain (1 = most deprived). The zone's figure is the average of its LSOAs' "
        "ranks weighted by the area of each inside the zone: a guide, not itself a rank.",
        unit="rank", polarity="higher", source=IMD_SOURCE, source_url=IMD_URL, licence=OGL,
        geography_level="lsoa", is_context=True,
    )  # fmt: skip
    measurements_import(
        actor=officer, indicator=health, rows=_imd_rows("health_deprivation_disability_rank")
    )
    score = indicator_create(
        actor=officer, outcome=active, name="Index of Multiple Deprivation score (IMD 2019)",
        definition="The IMD 2019 score of each LSOA (higher = more deprived), averaged over the "
        "zone by area.",
        unit="score", polarity="lower", source=IMD_SOURCE, source_url=IMD_URL, licence=OGL,
        geography_level="lsoa", is_context=True,
    )  # fmt: skip
    measurements_import(actor=officer, indicator=score, rows=_imd_rows("imd_score"))
    for ind in (health, score):
        base = ind.measurements.filter(area_code="").first()
        if base is not None:
            indicator_set_baseline(
                actor=officer, indicator=ind, value=base.value, on=dt.date(2019, 9, 26)
            )

    # Comparison areas: the five LSOAs most like the zone on those two, outside it and its fringe.
    similar = suggest_comparison_areas(zone=zone, indicators=[health, score], k=5)
    codes = [s.code for s in similar]

    # Illustrative monthly series: 18 months before the zone was declared, then since.
    declared = zone.declared_on or today
    first = _months_back(declared, 18)
    months = []
    m = first
    while m <= _months_back(today, 1):
        months.append(m)
        m = _months_back(m, -1)
    activity = indicator_create(
        actor=officer, outcome=active, name="Adults active at least 150 minutes a week",
        definition="Share of adults in the zone's resident survey doing at least 150 minutes "
        "of moderate activity a week. ILLUSTRATIVE: the demo's figures are made up.",
        unit="%", polarity="higher", source=ILLUSTRATIVE, licence="None: illustrative",
        geography_level="zone",
        baseline_value=54, baseline_date=declared - dt.timedelta(days=1),
        target_value=62, target_date=zone.review_date,
    )  # fmt: skip
    wiggle = [0.4, -0.3, 0.1, -0.5, 0.6, -0.2, 0.3, -0.1, -0.4, 0.2]
    rows = []
    for k, month in enumerate(months):
        period = f"{month:%Y-%m}"
        after = month >= declared
        trend = 0.05 * k
        zone_value = 53.5 + trend + (0.6 * (k - 18 + 1) if after else 0) + wiggle[k % 10]
        measurement_record(
            actor=officer, indicator=activity, period=period, value=round(zone_value, 1),
            illustrative=True,
        )  # fmt: skip
        for j, code in enumerate(codes):
            value = 51 + 1.5 * j + trend + wiggle[(k + 3 * j + 1) % 10]
            rows.append(MeasurementRow(len(rows) + 2, code, period, f"{value:.1f}"))
    if codes:
        measurements_import(actor=officer, indicator=activity, rows=rows, illustrative=True)
        comparison_areas_set(
            actor=officer, indicator=activity, codes=codes, chosen=ComparisonArea.Choice.SUGGESTED
        )
    park_use = indicator_create(
        actor=officer, outcome=parks, name="Active Parks attendances in Cotteridge Park",
        definition="Attendances at Active Parks sessions a month. ILLUSTRATIVE: made up.",
        unit="attendances", polarity="higher", source=ILLUSTRATIVE,
        licence="None: illustrative", geography_level="direct",
        baseline_value=120, baseline_date=declared - dt.timedelta(days=1),
    )  # fmt: skip
    for k, month in enumerate(months):
        after = month >= declared
        measurement_record(
            actor=officer, indicator=park_use, period=f"{month:%Y-%m}",
            value=110 + 2 * (k % 6) + (15 * (k - 17) if after else 0), illustrative=True,
        )  # fmt: skip

    # An SROI analysis of the first year, published. Illustrative numbers throughout.
    analysis = sroi_analysis_save(
        actor=officer, zone=zone, title="Active Parks and direct GP referrals, first year",
        period_start=declared, period_end=declared + dt.timedelta(days=364),
        inputs=DEMO_SROI,
    )  # fmt: skip
    sroi_analysis_publish(actor=officer, analysis=analysis)
    return {"created": True, "comparison_areas": codes, "sroi": analysis.pk}


DEMO_SROI = {
    "title": "Active Parks and direct GP referrals, first year (illustrative)",
    "discount_rate_pct": 3.5,
    "first_year_discounted": True,
    "investments": [
        {"partner": "Birmingham City Council", "money": 18000, "in_kind": 6000,
         "in_kind_description": "Pavilion opening and park rangers' time"},
        {"partner": "NHS Birmingham and Solihull", "money": 12000, "in_kind": 4000,
         "in_kind_description": "Social prescribing link workers' time"},
        {"partner": "Friends of Cotteridge Park", "money": 0, "in_kind": 5200,
         "in_kind_description": "Volunteer walk leaders, 520 hours valued at £10 an hour"},
    ],
    "outcomes": [
        {"name": "Inactive adults become regularly active", "stakeholder": "Residents",
         "quantity": 60,
         "proxy": {"value": 900, "unit": "per person a year", "year": 2024,
                   "source": "Illustrative value for the demo, not a published proxy"},
         "duration_years": 3, "deadweight_pct": 25, "displacement_pct": 0,
         "attribution_pct": 20, "drop_off_pct": 30},
        {"name": "Fewer GP appointments", "stakeholder": "NHS", "quantity": 240,
         "proxy": {"value": 40, "unit": "per appointment", "year": 2024,
                   "source": "Illustrative value for the demo, not a published proxy"},
         "duration_years": 2, "deadweight_pct": 30, "displacement_pct": 10,
         "attribution_pct": 30, "drop_off_pct": 50},
        {"name": "Older residents less lonely", "stakeholder": "Older residents",
         "quantity": 35,
         "proxy": {"value": 700, "unit": "per person a year", "year": 2024,
                   "source": "Illustrative value for the demo, not a published proxy"},
         "duration_years": 2, "deadweight_pct": 20, "displacement_pct": 0,
         "attribution_pct": 35, "drop_off_pct": 40},
    ],
}  # fmt: skip
