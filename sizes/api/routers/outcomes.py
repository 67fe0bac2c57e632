"""Evidence from sizes.outcomes: a zone's outcomes with their indicators and measurements, and
its star grade with the reasons and what is missing for the next star."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Path, Schema
from pydantic import Field

from sizes.api import selectors
from sizes.api.conventions import ApiRouter
from sizes.api.schemas import Slug
from sizes.outcomes.grades import zone_grade
from sizes.outcomes.models import Measurement
from sizes.outcomes.selectors import zone_indicators

router = ApiRouter(tags=["outcomes"])

Number = str  # a decimal as a string, so no precision is lost


class MeasurementOut(Schema):
    period: str = Field(description='As recorded: "2024", "2024-Q1", "FY 2024/25".')
    period_start: dt.date
    period_end: dt.date
    value: Number
    area_code: str = Field(description="Empty for the zone itself, else the area's GSS code.")
    method: str
    illustrative: bool = Field(description="Made-up example figures (demonstration data).")


class IndicatorOut(Schema):
    id: int
    name: str
    definition: str
    unit: str
    polarity: str
    source: str
    source_url: str
    licence: str
    geography_level: str
    is_context: bool
    baseline_value: Number | None
    baseline_date: dt.date | None
    target_value: Number | None
    target_date: dt.date | None
    measurements: list[MeasurementOut]


class OutcomeEvidence(Schema):
    id: int
    title: str
    description: str
    indicators: list[IndicatorOut]


class ZoneOutcomes(Schema):
    zone: str
    outcomes: list[OutcomeEvidence]


class StarOut(Schema):
    number: int
    title: str
    met: bool
    evidence: list[str]
    missing: list[str]


class GradeOut(Schema):
    zone: str
    stars: int = Field(ge=0, le=5)
    levels: list[StarOut]
    missing_for_next: list[str]


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


@router.get("/zones/{slug}/outcomes", response=ZoneOutcomes, summary="A zone's outcomes")
def zone_outcomes(request, slug: Path[Slug]):
    """Each outcome with its indicators, baseline and target, and every measurement (the zone's
    own and its comparison areas'), oldest first. Numbers are decimal strings."""
    zone = selectors.public_zone(slug=slug)
    indicators = zone_indicators(zone=zone)
    measurements: dict[int, list] = {}
    for m in Measurement.objects.filter(indicator__in=indicators).order_by(
        "indicator_id", "area_code", "period_start"
    ):
        measurements.setdefault(m.indicator_id, []).append(
            {
                "period": m.period,
                "period_start": m.period_start,
                "period_end": m.period_end,
                "value": _number(m.value),
                "area_code": m.area_code,
                "method": m.method,
                "illustrative": m.illustrative,
            }  # fmt: skip
        )
    by_outcome: dict[int, list] = {}
    for i in indicators:
        by_outcome.setdefault(i.outcome_id, []).append(
            {
                "id": i.pk,
                "name": i.name,
                "definition": i.definition,
                "unit": i.unit,
                "polarity": i.polarity,
                "source": i.source,
                "source_url": i.source_url,
                "licence": i.licence,
                "geography_level": i.geography_level,
                "is_context": i.is_context,
                "baseline_value": _number(i.baseline_value),
                "baseline_date": i.baseline_date,
                "target_value": _number(i.target_value),
                "target_date": i.target_date,
                "measurements": measurements.get(i.pk, []),
            }  # fmt: skip
        )
    return {
        "zone": zone.slug,
        "outcomes": [
            {
                "id": o.pk,
                "title": o.title,
                "description": o.description,
                "indicators": by_outcome.get(o.pk, []),
            }
            for o in zone.outcomes.all()
        ],
    }


@router.get("/zones/{slug}/grade", response=GradeOut, summary="A zone's star grade")
def zone_grade_view(request, slug: Path[Slug]):
    """How far the zone has got (0 to 5 stars), the evidence for each star, and what is missing
    for the next one. Computed from the register now."""
    zone = selectors.public_zone(slug=slug)
    return {"zone": zone.slug, **zone_grade(zone=zone).as_dict()}
