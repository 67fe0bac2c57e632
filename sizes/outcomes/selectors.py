"""Reads for a zone's evidence: series, comparisons, difference-in-differences, suggestions,
latest figures, the evidence snapshot a review freezes, published lessons."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from sizes.geo.geometry import from_geojson
from sizes.geo.models import ReferenceArea, ZoneBoundary
from sizes.outcomes.models import (
    AREA_LEVELS,
    FinancialProxy,
    Indicator,
    Lesson,
    Measurement,
    Polarity,
)

MIN_PERIODS_EACH_SIDE = 1


# --- Figures -------------------------------------------------------------------------------


def format_value(value, unit: str) -> str:
    """12.5 %, 1,204 people, rank 8,013: plain figures with at most 2 decimals."""
    number = Decimal(value)
    text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
    unit = (unit or "").strip()
    if unit in ("%", "per cent"):
        return f"{text} %"
    if unit in ("£", "GBP"):
        return f"£{text}"
    return f"{text} {unit}".strip()


def zone_series(indicator: Indicator) -> list[Measurement]:
    return list(indicator.measurements.filter(area_code="").order_by("period_start"))


def latest_zone_measurement(indicator: Indicator) -> Measurement | None:
    return indicator.measurements.filter(area_code="").order_by("-period_start").first()


def latest_zone_measurements(indicators) -> dict[int, Measurement]:
    """`latest_zone_measurement` for many indicators (indicator id -> measurement), one query."""
    latest: dict[int, Measurement] = {}
    for m in Measurement.objects.filter(
        indicator_id__in=[i.pk for i in indicators], area_code=""
    ).order_by("indicator_id", "-period_start"):
        latest.setdefault(m.indicator_id, m)
    return latest


def latest_figure(outcome) -> str | None:
    """The latest figure for an outcome, e.g. "64 % (2025-Q2)", or None if nothing is measured.

    Uses the outcome's first indicator that is not only context and has a zone value.
    """
    return latest_figures(outcome_ids=[outcome.pk])[outcome.pk]


def latest_figures(*, outcome_ids) -> dict[int, str | None]:
    """`latest_figure` for many outcomes at once (outcome id -> text), in two queries."""
    outcome_ids = list(outcome_ids)
    indicators = list(
        Indicator.objects.filter(outcome_id__in=outcome_ids, is_context=False).order_by("id")
    )
    latest = latest_zone_measurements(indicators)
    out: dict[int, str | None] = dict.fromkeys(outcome_ids)
    for indicator in indicators:
        m = latest.get(indicator.pk)
        if m is not None and out[indicator.outcome_id] is None:
            label = " (illustrative)" if m.illustrative else ""
            out[indicator.outcome_id] = (
                f"{format_value(m.value, indicator.unit)} ({m.period}){label}"
            )
    return out


def zone_indicators(*, zone) -> list[Indicator]:
    return list(
        Indicator.objects.filter(outcome__zone=zone)
        .select_related("outcome")
        .order_by("outcome_id", "is_context", "id")
    )


# --- Areas near the zone ----------------------------------------------------------------------


def areas_near_zone_codes(*, zone, area_type: str) -> set[str]:
    """Codes of reference areas in or touching the zone's core or fringe (current boundary)."""
    boundary = ZoneBoundary.objects.filter(zone=zone).current().first()
    if boundary is None:
        return set()
    fringe = from_geojson(boundary.fringe).union(from_geojson(boundary.core))
    codes = set()
    for area in ReferenceArea.objects.filter(type=area_type).overlapping_bbox(fringe.bounds):
        if from_geojson(area.geometry).intersects(fringe):
            codes.add(area.code)
    return codes


# --- Comparison series and difference-in-differences -----------------------------------------


@dataclass(frozen=True)
class DiDResult:
    estimate: float  # zone change minus comparison change, in the indicator's unit
    ci_low: float
    ci_high: float
    p_value: float
    n_observations: int
    improvement: float  # the estimate signed so that positive is better (polarity)
    reading: str

    def as_dict(self) -> dict:
        return {
            "estimate": round(self.estimate, 4),
            "ci_low": round(self.ci_low, 4),
            "ci_high": round(self.ci_high, 4),
            "p_value": round(self.p_value, 4),
            "n_observations": self.n_observations,
            "reading": self.reading,
        }


def did_estimate(
    rows: list[tuple[str, bool, bool, float]],
    *,
    unit: str = "",
    polarity: str = Polarity.HIGHER_IS_BETTER,
) -> DiDResult | None:
    """Difference-in-differences on (unit id, treated, post, value) rows.

    Fits y ~ treated + post + treated:post by ordinary least squares (statsmodels) with
    heteroskedasticity-robust (HC1) standard errors; the treated:post coefficient is the
    estimate and its 95 % confidence interval comes from the same fit. Returns None when there
    is not enough data: each of the four groups (zone/comparison × before/after) needs a value,
    and there must be more observations than the 4 parameters.
    """
    import numpy as np
    import pandas as pd
    import statsmodels.formula.api as smf

    if not rows:
        return None
    df = pd.DataFrame(rows, columns=["unit", "treated", "post", "y"])
    df["treated"] = df["treated"].astype(int)
    df["post"] = df["post"].astype(int)
    counts = df.groupby(["treated", "post"]).size()
    if len(counts) < 4 or len(df) <= 4:
        return None
    fit = smf.ols("y ~ treated + post + treated:post", data=df).fit(cov_type="HC1")
    name = "treated:post"
    estimate = float(fit.params[name])
    low, high = (float(v) for v in fit.conf_int(alpha=0.05).loc[name])
    p_value = float(fit.pvalues[name])
    if not all(math.isfinite(v) for v in (low, high)) or np.isnan(p_value):
        # One zone value per side: no spread to estimate an interval from.
        low, high, p_value = -math.inf, math.inf, 1.0
    sign = 1 if polarity == Polarity.HIGHER_IS_BETTER else -1
    improvement = sign * estimate
    # A difference of percentages is in percentage points, not per cent.
    amount = (
        f"{abs(estimate):,.2f} percentage points"
        if unit.strip() in ("%", "per cent")
        else format_value(Decimal(repr(round(abs(estimate), 2))), unit)
    )
    if improvement > 0:
        reading = f"The zone improved by {amount} more than similar areas"
    elif improvement < 0:
        reading = f"The zone did worse than similar areas, by {amount}"
    else:
        reading = "The zone changed just as similar areas did"
    if low <= 0 <= high:
        reading += "; this could be chance (the 95 % confidence interval includes zero)."
    else:
        reading += (
            "; the 95 % confidence interval does not include zero, so chance alone is "
            "an unlikely explanation."
        )
    return DiDResult(estimate, low, high, p_value, len(df), improvement, reading)


def intervention_date(zone) -> date | None:
    """When the zone started: its declaration date (before that, nothing was different)."""
    return zone.declared_on


@dataclass
class Comparison:
    indicator: Indicator
    periods: list[str]
    period_starts: list[date]
    zone_values: list[float | None]
    comparison_values: list[float | None]  # mean over comparison areas
    comparison_codes: list[str]
    start: date | None
    did: DiDResult | None

    @property
    def has_data(self) -> bool:
        return any(v is not None for v in self.zone_values)


def indicator_comparison(indicator: Indicator) -> Comparison:
    """The zone's series beside the mean of its comparison areas, and the DiD estimate."""
    zone = indicator.outcome.zone
    codes = list(indicator.comparison_areas.values_list("area__code", flat=True))
    ms = list(
        indicator.measurements.filter(Q(area_code="") | Q(area_code__in=codes)).order_by(
            "period_start"
        )
    )
    periods: dict[str, date] = {}
    zone_vals: dict[str, float] = {}
    comp: dict[str, list[float]] = {}
    for m in ms:
        periods.setdefault(m.period, m.period_start)
        if m.area_code:
            comp.setdefault(m.period, []).append(float(m.value))
        else:
            zone_vals[m.period] = float(m.value)
    ordered = sorted(periods, key=periods.get)
    start = intervention_date(zone)
    did = None
    if start is not None and codes:
        rows = [
            (m.area_code or "zone", not m.area_code, m.period_start >= start, float(m.value))
            for m in ms
        ]
        did = did_estimate(rows, unit=indicator.unit, polarity=indicator.polarity)
    return Comparison(
        indicator=indicator,
        periods=ordered,
        period_starts=[periods[p] for p in ordered],
        zone_values=[zone_vals.get(p) for p in ordered],
        comparison_values=[(sum(comp[p]) / len(comp[p])) if comp.get(p) else None for p in ordered],
        comparison_codes=codes,
        start=start,
        did=did,
    )


# --- Suggesting comparison areas --------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    distance: float


def suggest_comparison_areas(
    *, zone, indicators: list[Indicator], k: int = 5, area_type: str = "lsoa"
) -> list[Suggestion]:
    """The k reference areas most like the zone on the indicators' baseline values.

    For each indicator the baseline period is the latest one starting before the zone was
    declared (or its earliest period). Values are standardised across the candidate areas
    (z-scores: minus the mean, divided by the standard deviation), and areas are ranked by
    Euclidean distance to the zone's standardised values. Areas in or touching the zone or its
    fringe are excluded, and so are areas missing any indicator's baseline value.
    """
    import numpy as np

    excluded = areas_near_zone_codes(zone=zone, area_type=area_type)
    start = intervention_date(zone)
    columns: list[dict[str, float]] = []
    zone_vector: list[float] = []
    for indicator in indicators:
        qs = indicator.measurements.all()
        zone_ms = qs.filter(area_code="").order_by("period_start")
        before = zone_ms.filter(period_start__lt=start) if start else zone_ms
        base = before.order_by("-period_start").first() or zone_ms.first()
        if base is None:
            return []
        zone_vector.append(float(base.value))
        columns.append(
            {
                code: float(v)
                for code, v in qs.filter(period=base.period)
                .exclude(area_code="")
                .values_list("area_code", "value")
            }
        )
    if not columns:
        return []
    candidates = sorted(set.intersection(*(set(c) for c in columns)) - excluded)
    known = set(
        ReferenceArea.objects.filter(type=area_type, code__in=candidates).values_list(
            "code", flat=True
        )
    )
    candidates = [c for c in candidates if c in known]
    if not candidates:
        return []
    matrix = np.array([[col[c] for col in columns] for c in candidates], dtype=float)
    mean = matrix.mean(axis=0)
    std = matrix.std(axis=0)
    std[std == 0] = 1.0
    z = (matrix - mean) / std
    target = (np.array(zone_vector) - mean) / std
    distances = np.sqrt(((z - target) ** 2).sum(axis=1))
    names = dict(
        ReferenceArea.objects.filter(type=area_type, code__in=candidates).values_list(
            "code", "name"
        )
    )
    order = np.argsort(distances, kind="stable")[:k]
    return [
        Suggestion(candidates[i], names.get(candidates[i], ""), float(distances[i])) for i in order
    ]


# --- Lessons --------------------------------------------------------------------------------


def lessons_published(*, q: str = "", theme: str = "", outcome: str = "") -> QuerySet[Lesson]:
    """Published lessons from public zones, newest first, filtered by words, theme or outcome."""
    from sizes.zones.models import PUBLIC

    qs = Lesson.objects.filter(published=True, zone__status__in=PUBLIC).select_related(
        "zone", "theme", "outcome"
    )
    if theme:
        qs = qs.filter(theme__slug=theme)
    if outcome:
        qs = qs.filter(outcome__title__icontains=outcome)
    for word in q.split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(what_worked__icontains=word)
            | Q(what_did_not__icontains=word)
            | Q(what_should_spread__icontains=word)
            | Q(outcome__title__icontains=word)
            | Q(theme__name__icontains=word)
        )
    return qs.order_by("-published_at", "-id")


# --- Evidence snapshot ------------------------------------------------------------------------


def evidence_snapshot(*, zone, today: date | None = None) -> dict:
    """The evidence as it stands: latest outcome figures, DiD estimates, SROI ratio, grade.

    A review freezes this (ReviewEvidence); the review form shows it to pre-fill the summary.
    """
    from sizes.outcomes.grades import zone_grade
    from sizes.outcomes.models import SROIAnalysis

    outcomes = []
    for outcome in zone.outcomes.all().order_by("id"):
        indicators = []
        for ind in outcome.indicators.all().order_by("id"):
            latest = latest_zone_measurement(ind)
            comparison = indicator_comparison(ind)
            indicators.append(
                {
                    "indicator": ind.name,
                    "unit": ind.unit,
                    "baseline": None if ind.baseline_value is None else str(ind.baseline_value),
                    "baseline_date": ind.baseline_date.isoformat() if ind.baseline_date else None,
                    "latest": None if latest is None else str(latest.value),
                    "latest_period": None if latest is None else latest.period,
                    "latest_text": None if latest is None else format_value(latest.value, ind.unit),
                    "did": comparison.did.as_dict() if comparison.did else None,
                }
            )
        outcomes.append(
            {"outcome": outcome.title, "latest": latest_figure(outcome), "indicators": indicators}
        )
    sroi = SROIAnalysis.objects.filter(zone=zone, published=True).order_by("-period_end").first()
    grade = zone_grade(zone=zone, today=today)
    return {
        "taken_on": (today or date.today()).isoformat(),
        "outcomes": outcomes,
        "sroi": None
        if sroi is None
        else {"title": sroi.title, "sroi_ratio": float(sroi.sroi_ratio), "id": sroi.pk},
        "grade": grade.as_dict(),
    }


def evidence_summary_text(snapshot: dict) -> str:
    """Plain sentences to pre-fill a review's evidence summary."""
    lines = [f"Star grade: {snapshot['grade']['stars']} of 5."]
    for o in snapshot["outcomes"]:
        lines.append(f"{o['outcome']}: {o['latest'] or 'not measured yet'}.")
        for i in o["indicators"]:
            if i["did"]:
                lines.append(f"  {i['indicator']}: {i['did']['reading']}")
    if snapshot["sroi"]:
        lines.append(
            f"Social return ({snapshot['sroi']['title']}): £{snapshot['sroi']['sroi_ratio']:.2f} "
            "for every £1 invested."
        )
    return "\n".join(lines)


def is_area_level(indicator: Indicator) -> bool:
    return indicator.geography_level in AREA_LEVELS


@dataclass(frozen=True)
class ProxyRow:
    proxy: FinancialProxy
    uprated_value: Decimal | None  # in `uprated_year` prices, when a deflator series allows


def financial_proxies(*, value_type: str = "") -> tuple[list[ProxyRow], int | None]:
    """The proxy library for its public page, and the price year values are uprated to: the
    latest year of the site's deflator series (None: no series configured, nothing uprated)."""
    from sizes.outcomes.sroi import Proxy, configured_deflators, uprate

    qs = FinancialProxy.objects.order_by("outcome", "-price_year", "pk")
    if value_type:
        qs = qs.filter(value_type=value_type)
    series = configured_deflators()
    to_year = max(series) if series else None
    rows = []
    for p in qs[:1000]:
        uprated, _ = uprate(
            Proxy(value=p.value, year=p.price_year), price_year=to_year, deflators=series
        )
        changed = uprated.stated_value is not None
        rows.append(ProxyRow(p, uprated.value.quantize(Decimal("0.01")) if changed else None))
    return rows, to_year
