"""Evidence from sizes.outcomes: a zone's outcomes with their indicators and measurements, and
its star grade with the reasons and what is missing for the next star."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from ninja import Path, Schema, Status
from pydantic import Field

from sizes.api import selectors
from sizes.api.auth import token_auth
from sizes.api.conventions import ApiRouter
from sizes.api.permissions import token_may_steward
from sizes.api.schemas import Id, Slug
from sizes.core.errors import NotAllowed, NotFound
from sizes.outcomes.grades import zone_grade
from sizes.outcomes.models import Indicator, Measurement
from sizes.outcomes.permissions import can_manage_evidence
from sizes.outcomes.selectors import zone_indicators
from sizes.outcomes.services import measurement_record
from sizes.outcomes.sroi import calculate_from_dict

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


# --- the SROI calculator ---------------------------------------------------------------------

# The calculator (sizes.outcomes.sroi) checks every value itself and reports each problem with
# its path (`outcomes[0].deadweight_pct`); this schema documents the input and keeps its size
# bounded, and lets numbers be given as JSON numbers or as strings ("1,250.50").
NumberIn = float | int | Annotated[str, Field(max_length=40)] | None
TextIn = Annotated[str, Field(max_length=1000)] | None


class SroiInvestmentIn(Schema):
    partner: TextIn = Field(None, description="Who put it in.")
    money: NumberIn = Field(None, description="Pounds.")
    in_kind: NumberIn = Field(None, description="In-kind contributions valued in pounds.")
    in_kind_description: TextIn = None


class SroiProxyIn(Schema):
    value: NumberIn = Field(None, description="The value of one unit of the outcome, pounds.")
    unit: TextIn = None
    year: NumberIn = Field(None, description="The price year of the value.")
    source: TextIn = None


class SroiOutcomeIn(Schema):
    name: TextIn = None
    stakeholder: TextIn = None
    quantity: NumberIn = None
    proxy: SroiProxyIn | None = None
    duration_years: NumberIn = None
    deadweight_pct: NumberIn = None
    displacement_pct: NumberIn = None
    attribution_pct: NumberIn = None
    drop_off_pct: NumberIn = None


class SroiIn(Schema):
    """What went in (investments) and what came out (outcomes valued with financial proxies).
    See docs/outcomes-and-sroi.md for each term."""

    title: TextIn = None
    discount_rate_pct: NumberIn = Field(None, description="Default 3.5 (the Green Book).")
    first_year_discounted: bool | None = None
    investments: list[SroiInvestmentIn] | None = Field(None, max_length=100)
    outcomes: list[SroiOutcomeIn] | None = Field(None, max_length=100)
    price_year: NumberIn = Field(
        None, description="The year whose prices the analysis is in; proxies are uprated to it."
    )
    deflators: dict[Annotated[str, Field(max_length=10)], NumberIn] | None = Field(
        None,
        max_length=200,
        description='Price index by year, e.g. {"2019": 100, "2024": 120}; default: the '
        "site's configured series.",
    )


class SroiConventions(Schema):
    discount_rate_pct: float
    first_year_discounted: bool
    price_year: int | None
    price_notes: list[str]
    rounding: str


class SroiInvestmentOut(Schema):
    partner: str
    money: float
    in_kind: float
    in_kind_description: str
    total: float


class SroiInvestmentTotals(Schema):
    total: float
    by_partner: list[SroiInvestmentOut]


class SroiProxyOut(Schema):
    value: float
    unit: str
    year: int | None
    source: str
    stated_value: float | None = Field(description="As given, when uprated to the price year.")
    stated_year: int | None


class SroiOutcomeOut(Schema):
    name: str
    stakeholder: str
    quantity: float
    proxy: SroiProxyOut
    duration_years: int
    deadweight_pct: float
    displacement_pct: float
    attribution_pct: float
    drop_off_pct: float
    impact: float
    values_by_year: list[float]
    present_values_by_year: list[float]
    present_value: float


class SroiYearOut(Schema):
    year: int
    value: float
    discount_factor: float
    present_value: float


class SroiSensitivityOut(Schema):
    assumption: str
    change: str
    sroi_ratio: float
    below_one: bool


class SroiOut(Schema):
    """The whole calculation, rounded (money and ratios to 2 dp, payback to 0.1 month)."""

    title: str
    conventions: SroiConventions
    investment: SroiInvestmentTotals
    outcomes: list[SroiOutcomeOut]
    years: list[SroiYearOut]
    total_present_value: float
    net_present_value: float
    sroi_ratio: float
    net_sroi_ratio: float
    payback_months: float | None
    sensitivity: list[SroiSensitivityOut]
    below_one_if: list[str]


@router.post("/sroi/calculate", response={200: SroiOut}, summary="Calculate an SROI ratio")
def sroi_calculate(request, payload: SroiIn):
    """The SROI calculator: the same engine as `sizes sroi` and the zone page. Calculates only:
    nothing is stored, so it needs no token. Every problem in the input is listed at once
    (400 `sroi_invalid`, each with its path, e.g. `outcomes[0].deadweight_pct`); no investment
    gives 400 `sroi_ratio_undefined`."""
    return calculate_from_dict(payload.dict(exclude_unset=True))


# --- measurements (steward work) -------------------------------------------------------------


class MeasurementIn(Schema):
    """One value of an indicator for one period: for the zone (no area_code) or for one of its
    comparison areas. Sending a period again corrects its value (audited as a correction)."""

    period: Annotated[str, Field(max_length=40)] = Field(
        description='"2024", "2024-03", "2024-Q1" or "FY 2024/25".'
    )
    value: Annotated[str, Field(max_length=40)] = Field(
        description="A decimal string, e.g. '41.5'."
    )
    area_code: Annotated[str, Field(max_length=20)] = Field(
        "", description="Empty for the zone itself, else a reference area's GSS code."
    )
    unit: Annotated[str, Field(max_length=50)] = Field(
        "", description="Optional; when given it must be the indicator's unit."
    )


class MeasurementRecorded(MeasurementOut):
    indicator: int
    zone: str = Field(description="The zone's slug.")
    recorded_at: dt.datetime


def _measurement_out(m) -> dict:
    return {
        "indicator": m.indicator_id,
        "zone": m.indicator.outcome.zone.slug,
        "period": m.period,
        "period_start": m.period_start,
        "period_end": m.period_end,
        "value": _number(m.value),
        "area_code": m.area_code,
        "method": m.method,
        "illustrative": m.illustrative,
        "recorded_at": m.recorded_at,
    }


@router.post(
    "/indicators/{id}/measurements",
    response={200: MeasurementRecorded, 201: MeasurementRecorded},
    summary="Record or correct a measurement",
    auth=token_auth,
)
def record_measurement(request, response: HttpResponse, id: Path[Id], payload: MeasurementIn):
    """Steward work: the token must have been made for it (403 `token_scope` otherwise), and its
    person must be a steward of the indicator's zone (403). 201 when the period is new, 200 when
    it corrects an earlier value. Indicator ids are in GET /zones/{slug}/outcomes."""
    if not token_may_steward(request.auth):
        raise NotAllowed(
            "This token was not made for steward work: make one with 'Steward work' ticked.",
            code="token_scope",
        )
    indicator = Indicator.objects.filter(pk=id).select_related("outcome__zone").first()
    user = request.auth.user
    if indicator is None or not (
        indicator.outcome.zone.is_public or can_manage_evidence(user, indicator.outcome.zone)
    ):
        raise NotFound("There is no indicator with this id.", code="indicator_not_found")
    before = indicator.measurements.count()
    m = measurement_record(
        actor=user, indicator=indicator, period=payload.period, value=payload.value,
        area_code=payload.area_code, unit=payload.unit,
    )  # fmt: skip
    created = indicator.measurements.count() > before
    response["Location"] = f"/api/v1/zones/{indicator.outcome.zone.slug}/outcomes"
    return Status(201 if created else 200, _measurement_out(m))
