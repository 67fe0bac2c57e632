"""Writes for a zone's evidence. Each function checks permission, validates, writes, audits.

`actor=None` is the system (the `sizes` commands and the demo run by an operator); a person
acting is always checked with the predicates in `permissions.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from sizes.audit.services import audit_record
from sizes.core.errors import DomainError, InvalidTransition, NotAllowed, Problem, RulesNotMet
from sizes.core.text import clean_text
from sizes.core.versioning import bump_version
from sizes.geo.models import ReferenceArea
from sizes.outcomes import permissions as perms
from sizes.outcomes.aggregation import aggregate, zone_area_weights
from sizes.outcomes.models import (
    AREA_LEVELS,
    Aggregation,
    ComparisonArea,
    FinancialProxy,
    GeographyLevel,
    Indicator,
    Lesson,
    Measurement,
    Polarity,
    ReviewEvidence,
    SROIAnalysis,
    VariationAdoption,
)
from sizes.outcomes.periods import parse_period
from sizes.outcomes.sroi import calculate_from_dict
from sizes.zones.models import ENDED

MAX_VALUE = Decimal("1e13")


def _check(actor, allowed: bool, message: str) -> None:
    if actor is None:  # the system: commands and the demo loader
        return
    perms.require(allowed, message)


def _decimal(value, *, field: str, label: str, required: bool = True) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(code=f"{field}_required", message=f"Enter {label}.", field=field)
        return None
    if isinstance(value, bool):
        value = "x"
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise DomainError(
            code=f"{field}_not_a_number",
            message=f"{label[0].upper()}{label[1:]} must be a number.",
            field=field,
        )
    if number.copy_abs() >= MAX_VALUE:  # abs() would round, and 1E+999999999 overflows
        raise DomainError(
            code=f"{field}_too_large",
            message=f"{label[0].upper()}{label[1:]} is too large.",
            field=field,
        )
    return number


# --- Indicators ------------------------------------------------------------------------------


def _indicator_fields(
    *,
    name,
    definition,
    unit,
    polarity,
    source,
    licence,
    geography_level,
    source_url="",
    aggregation=Aggregation.MEAN,
    baseline_value=None,
    baseline_date: date | None = None,
    target_value=None,
    target_date: date | None = None,
    is_context: bool = False,
) -> dict:
    """Check an indicator's fields (for adding or editing one) and return them cleaned, or
    raise RulesNotMet listing every problem."""
    problems: list[Problem] = []

    def text(value, fld, label, max_length, required=True):
        try:
            return clean_text(
                value, field=fld, label=label, max_length=max_length, required=required
            )
        except DomainError as exc:
            problems.append(Problem(exc.code, exc.message, fld))
            return ""

    def number(value, fld, label):
        try:
            return _decimal(value, field=fld, label=label, required=False)
        except DomainError as exc:
            problems.append(Problem(exc.code, exc.message, fld))
            return None

    fields = {
        "name": text(name, "name", "the indicator's name", 200),
        "definition": text(definition, "definition", "what the indicator counts", 5000),
        "unit": text(unit, "unit", "the unit", 60),
        "source": text(source, "source", "where the figures come from", 300),
        "licence": text(licence, "licence", "the licence of the figures", 200),
        "source_url": text(source_url, "source_url", "the source's web address", 200, False),
        "baseline_value": number(baseline_value, "baseline_value", "the baseline"),
        "target_value": number(target_value, "target_value", "the target"),
    }
    if polarity not in Polarity.values:
        problems.append(
            Problem("polarity_invalid", "Say whether higher or lower is better.", "polarity")
        )
    if geography_level not in GeographyLevel.values:
        problems.append(
            Problem(
                "geography_invalid", "Choose where the indicator is measured.", "geography_level"
            )
        )
    if aggregation not in Aggregation.values:
        problems.append(Problem("aggregation_invalid", "Choose how areas add up.", "aggregation"))
    for value_key, date_key, date_value, label in (
        ("baseline_value", "baseline_date", baseline_date, "baseline"),
        ("target_value", "target_date", target_date, "target"),
    ):
        if fields[value_key] is not None and date_value is None:
            problems.append(
                Problem(f"{date_key}_required", f"Enter the date of the {label}.", date_key)
            )
    if baseline_date and target_date and target_date <= baseline_date:
        problems.append(
            Problem(
                "target_date_order",
                "The target date must be after the baseline date.",
                "target_date",
            )
        )
    if problems:
        raise RulesNotMet(
            "The indicator has problems; nothing was saved.", problems, code="indicator_invalid"
        )
    return {
        **fields,
        "polarity": polarity,
        "geography_level": geography_level,
        "aggregation": aggregation,
        "baseline_date": baseline_date if fields["baseline_value"] is not None else None,
        "target_date": target_date if fields["target_value"] is not None else None,
        "is_context": bool(is_context),
    }


def indicator_create(*, actor, outcome, **given) -> Indicator:
    """Give an outcome an indicator: how it is measured, its baseline and its target.
    `given`: the fields `_indicator_fields` takes."""
    zone = outcome.zone
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    if zone.status in ENDED:
        raise InvalidTransition("This zone has ended; its indicators can no longer change.")
    fields = _indicator_fields(**given)
    with transaction.atomic():
        indicator = Indicator.objects.create(
            outcome=outcome, created_by=actor if actor is not None else None, **fields
        )
        audit_record(
            actor=actor,
            action="indicator.added",
            obj=indicator,
            zone_id=zone.pk,
            changes={k: [None, str(v)] for k, v in fields.items() if v not in ("", None, False)},
        )
    return indicator


def indicator_update(
    *, actor, indicator: Indicator, expected_version: int | None = None, **given
) -> Indicator:
    """Edit an indicator (every field, as `indicator_create` takes them), refusing a stale
    edit. Once it has measurements its unit and geography are fixed: changing them would mix
    figures of two kinds in one series (add a new indicator instead)."""
    zone = indicator.outcome.zone
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    if zone.status in ENDED:
        raise InvalidTransition("This zone has ended; its indicators can no longer change.")
    fields = _indicator_fields(**given)
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if locked.measurements.exists():
            fixed = []
            if fields["unit"].lower() != locked.unit.lower():
                fixed.append(
                    Problem(
                        "unit_fixed",
                        f"The unit cannot change once the indicator has measurements (it is "
                        f"‘{locked.unit}’): add a new indicator instead.",
                        "unit",
                    )
                )
            if fields["geography_level"] != locked.geography_level:
                fixed.append(
                    Problem(
                        "geography_level_fixed",
                        "Where the indicator is measured cannot change once it has "
                        f"measurements (it is ‘{locked.get_geography_level_display()}’): add a "
                        "new indicator instead.",
                        "geography_level",
                    )
                )
            if fixed:
                raise RulesNotMet(
                    "The indicator has problems; nothing was saved.",
                    fixed,
                    code="indicator_invalid",
                )
        changes = {
            k: [str(getattr(locked, k)), str(v)]
            for k, v in fields.items()
            if str(getattr(locked, k)) != str(v)
        }
        bump_version(locked, expected_version=expected_version)
        if not changes:
            return indicator
        for k, v in fields.items():
            setattr(locked, k, v)
        locked.save(update_fields=[*fields, "version"])
        audit_record(
            actor=actor, action="indicator.changed", obj=locked, zone_id=zone.pk, changes=changes
        )
    return locked


def indicator_set_baseline(
    *, actor, indicator: Indicator, value, on: date, expected_version: int | None = None
) -> Indicator:
    """Set an indicator's baseline (value and date), refusing a stale edit."""
    zone = indicator.outcome.zone
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    value = _decimal(value, field="baseline_value", label="the baseline")
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        bump_version(locked, expected_version=expected_version)
        before = [str(locked.baseline_value), str(locked.baseline_date)]
        locked.baseline_value, locked.baseline_date = value, on
        locked.save(update_fields=["baseline_value", "baseline_date", "version"])
        audit_record(
            actor=actor,
            action="indicator.baseline_set",
            obj=locked,
            zone_id=zone.pk,
            changes={"baseline": [before, [str(value), str(on)]]},
        )
    return locked


# --- Measurements ----------------------------------------------------------------------------


@dataclass
class ImportReport:
    areas: int = 0
    zone_values: int = 0
    periods: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.areas} area values and {self.zone_values} zone values for "
            f"{len(self.periods)} periods ({', '.join(self.periods)})"
        )


@dataclass(frozen=True)
class MeasurementRow:
    line: int
    area_code: str
    period: str
    value: str
    unit: str = ""


def _check_unit(indicator: Indicator, unit: str, where: str) -> Problem | None:
    unit = (unit or "").strip()
    if unit and unit.lower() != indicator.unit.lower():
        return Problem(
            "unit_mismatch",
            f"{where}: the unit “{unit}” is not this indicator's unit “{indicator.unit}”; "
            "one indicator keeps one unit.",
            "unit",
        )
    return None


def measurement_record(
    *,
    actor,
    indicator: Indicator,
    period: str,
    value,
    area_code: str = "",
    unit: str = "",
    illustrative: bool = False,
) -> Measurement:
    """Record (or correct) one value of an indicator for the zone or for a reference area."""
    zone = indicator.outcome.zone
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    p = parse_period(period)
    number = _decimal(value, field="value", label="the value")
    problem = _check_unit(indicator, unit, "The value")
    if problem:
        raise DomainError(code=problem.code, message=problem.message, field="unit")
    area_code = (area_code or "").strip().upper()
    if area_code and not ReferenceArea.objects.filter(code=area_code).exists():
        raise DomainError(
            code="area_unknown",
            message=f"There is no reference area with the code {area_code}.",
            field="area_code",
        )
    with transaction.atomic():
        m, created = Measurement.objects.update_or_create(
            indicator=indicator,
            area_code=area_code,
            period=p.label,
            defaults={
                "period_start": p.start,
                "period_end": p.end,
                "value": number,
                "method": "measured" if not area_code else "",
                "illustrative": illustrative,
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            action="measurement.recorded" if created else "measurement.corrected",
            obj=m,
            zone_id=zone.pk,
            changes={
                "value": [None, str(number)],
                "period": [None, p.label],
                "area": [None, area_code or "zone"],
            },
        )
    return m


def measurements_import(
    *, actor, indicator: Indicator, rows: list[MeasurementRow], illustrative: bool = False
) -> ImportReport:
    """Import area values for an indicator, all or nothing, and aggregate them to the zone.

    Every row is checked first: a period in the wrong format, a value that is not a number, a
    unit that differs from the indicator's, a repeated area and period, or an area code that is
    not a known reference area stops the whole import (every problem is listed, unknown codes
    together). Then, if the indicator is measured on LSOAs or wards and the zone has a boundary,
    the zone's value for each period is aggregated from the areas inside it (see aggregation.py).
    """
    zone = indicator.outcome.zone
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    if not rows:
        raise DomainError(code="import_empty", message="The file has no rows to import.")
    problems: list[Problem] = []
    parsed: list[tuple[str, object, Decimal]] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        where = f"Line {row.line}"
        code = (row.area_code or "").strip().upper()
        if not code:
            problems.append(
                Problem("area_missing", f"{where}: the area code is empty.", "area_code")
            )
            continue
        try:
            p = parse_period(row.period)
        except DomainError as exc:
            problems.append(Problem(exc.code, f"{where}: {exc.message}", "period"))
            continue
        try:
            number = _decimal(row.value, field="value", label="the value")
        except DomainError as exc:
            problems.append(Problem(exc.code, f"{where}: {exc.message}", "value"))
            continue
        unit_problem = _check_unit(indicator, row.unit, where)
        if unit_problem:
            problems.append(unit_problem)
            continue
        if (code, p.label) in seen:
            problems.append(
                Problem("duplicate", f"{where}: {code} for {p.label} appears twice.", "area_code")
            )
            continue
        seen.add((code, p.label))
        parsed.append((code, p, number))
    codes = {code for code, _, _ in parsed}
    area_type = indicator.geography_level if indicator.geography_level in AREA_LEVELS else None
    known_qs = ReferenceArea.objects.filter(code__in=codes)
    if area_type:
        known_qs = known_qs.filter(type=area_type)
    known = set(known_qs.values_list("code", flat=True))
    unknown = sorted(codes - known)
    if unknown:
        kind = f" {area_type.upper()}" if area_type else ""
        problems.insert(
            0,
            Problem(
                "area_unknown",
                f"{len(unknown)} area code{'s are' if len(unknown) > 1 else ' is'} not a known"
                f"{kind} reference area: {', '.join(unknown[:50])}"
                f"{' …' if len(unknown) > 50 else ''}.",
                "area_code",
            ),
        )
    if problems:
        raise RulesNotMet(
            "The file has problems; nothing was imported.", problems, code="import_invalid"
        )
    report = ImportReport()
    now = timezone.now()
    with transaction.atomic():
        by_period: dict[str, tuple[object, dict[str, Decimal]]] = {}
        for code, p, number in parsed:
            Measurement.objects.update_or_create(
                indicator=indicator,
                area_code=code,
                period=p.label,
                defaults={
                    "period_start": p.start,
                    "period_end": p.end,
                    "value": number,
                    "illustrative": illustrative,
                    "recorded_by": actor,
                    "recorded_at": now,
                },
            )
            by_period.setdefault(p.label, (p, {}))[1][code] = number
            report.areas += 1
        report.periods = sorted(by_period, key=lambda label: by_period[label][0].start)
        if area_type:
            weights = zone_area_weights(zone=zone, area_type=area_type)
            if not weights:
                report.notes.append(
                    "The zone has no boundary overlapping these areas, so no zone value was made."
                )
            for label in report.periods:
                p, values = by_period[label]
                stored = dict(
                    Measurement.objects.filter(
                        indicator=indicator, period=label, area_code__in=[w.code for w in weights]
                    ).values_list("area_code", "value")
                )
                stored.update(values)
                zone_value = aggregate(stored, weights, how=indicator.aggregation)
                if zone_value is None:
                    if weights:
                        missing = sorted(w.code for w in weights if w.code not in stored)
                        report.notes.append(
                            f"{label}: no zone value, because these areas overlapping the zone "
                            f"have no value: {', '.join(missing)}."
                        )
                    continue
                how = (
                    "area-weighted average"
                    if indicator.aggregation == "mean"
                    else "sum apportioned by area share"
                )
                Measurement.objects.update_or_create(
                    indicator=indicator,
                    area_code="",
                    period=label,
                    defaults={
                        "period_start": p.start,
                        "period_end": p.end,
                        "value": zone_value.quantize(Decimal("0.000001")),
                        "method": f"aggregated from {len(weights)} {area_type.upper()}s ({how})",
                        "illustrative": illustrative,
                        "recorded_by": actor,
                        "recorded_at": now,
                    },
                )
                report.zone_values += 1
        audit_record(
            actor=actor,
            action="measurements.imported",
            obj=indicator,
            zone_id=zone.pk,
            changes={"imported": [None, report.summary()]},
        )
    return report


# --- Comparison areas ------------------------------------------------------------------------


def comparison_areas_set(
    *, actor, indicator: Indicator, codes: list[str], chosen: str = ComparisonArea.Choice.PICKED
) -> list[ComparisonArea]:
    """Replace an indicator's comparison areas. Each must be a known reference area outside
    the zone and its fringe (not touching them)."""
    from sizes.outcomes.selectors import areas_near_zone_codes

    zone = indicator.outcome.zone
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    codes = sorted({(c or "").strip().upper() for c in codes if (c or "").strip()})
    if not codes:
        raise DomainError(
            code="comparison_required", message="Choose at least one comparison area."
        )
    area_type = indicator.geography_level if indicator.geography_level in AREA_LEVELS else "lsoa"
    areas = {
        a.code: a
        for a in ReferenceArea.objects.latest_vintage(area_type=area_type).filter(code__in=codes)
    }
    problems = []
    unknown = [c for c in codes if c not in areas]
    if unknown:
        problems.append(
            Problem("area_unknown", f"Not a known reference area: {', '.join(unknown)}.", "areas")
        )
    inside = sorted(set(codes) & areas_near_zone_codes(zone=zone, area_type=area_type))
    if inside:
        problems.append(
            Problem(
                "area_in_zone",
                f"These areas are in or touch the zone or its fringe, so they cannot be used for "
                f"comparison: {', '.join(inside)}.",
                "areas",
            )
        )
    if problems:
        raise RulesNotMet(
            "Those comparison areas cannot be used.", problems, code="comparison_invalid"
        )
    with transaction.atomic():
        before = sorted(indicator.comparison_areas.values_list("area__code", flat=True))
        indicator.comparison_areas.all().delete()
        rows = [
            ComparisonArea.objects.create(
                indicator=indicator, area=areas[c], chosen=chosen, added_by=actor
            )
            for c in codes
        ]
        audit_record(
            actor=actor,
            action="indicator.comparison_set",
            obj=indicator,
            zone_id=zone.pk,
            changes={"comparison_areas": [before, codes]},
        )
    return rows


# --- SROI analyses ---------------------------------------------------------------------------


def sroi_analysis_save(
    *, actor, zone, title: str, period_start: date, period_end: date, inputs: dict
) -> SROIAnalysis:
    """Work out and store an SROI analysis (unpublished) for a zone and period."""
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    title = clean_text(title, field="title", label="a title for the analysis", max_length=200)
    if period_start is None or period_end is None or period_end < period_start:
        raise DomainError(
            code="period_invalid",
            message="Enter the period the analysis covers, ending on or after it starts.",
            field="period_end",
        )
    result = calculate_from_dict(inputs)
    with transaction.atomic():
        analysis = SROIAnalysis.objects.create(
            zone=zone,
            title=title,
            period_start=period_start,
            period_end=period_end,
            inputs=inputs,
            results=result,
            sroi_ratio=Decimal(str(result["sroi_ratio"])),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="sroi.saved",
            obj=analysis,
            zone_id=zone.pk,
            changes={"title": [None, title], "sroi_ratio": [None, result["sroi_ratio"]]},
        )
    return analysis


def sroi_analysis_publish(
    *, actor, analysis: SROIAnalysis, expected_version: int | None = None
) -> SROIAnalysis:
    zone = analysis.zone
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    with transaction.atomic():
        locked = SROIAnalysis.objects.select_for_update().get(pk=analysis.pk)
        bump_version(locked, expected_version=expected_version)
        if locked.published:
            raise InvalidTransition("This analysis is already published.")
        locked.published, locked.published_at = True, timezone.now()
        locked.save(update_fields=["published", "published_at", "version"])
        audit_record(
            actor=actor,
            action="sroi.published",
            obj=locked,
            zone_id=zone.pk,
            changes={"published": [False, True]},
        )
    return locked


# --- Financial proxies -----------------------------------------------------------------------

PROXY_COLUMNS = (
    "outcome",
    "indicator",
    "stakeholder",
    "value",
    "currency",
    "unit",
    "price_year",
    "value_type",
    "source",
    "source_url",
    "licence",
    "geography",
)
REFUSED_SOURCES = ("hact", "social value bank", "national toms", "social value portal")


def financial_proxies_import(*, actor, rows: list[dict], allow_restricted: bool = False) -> int:
    """Import financial proxies (CSV rows as dicts), all or nothing; admins only.

    Values from the HACT Social Value Bank or the National TOMs are refused unless
    `allow_restricted` says the person holds a licence for their own installation.
    """
    if actor is not None and not perms.can_manage_proxies(actor):
        raise NotAllowed("Only administrators can import financial proxies.")
    problems, objs = [], []
    for i, row in enumerate(rows, start=2):
        where = f"Line {i}"
        try:
            value = _decimal(row.get("value"), field="value", label="the value")
            if value < 0:
                raise DomainError(
                    code="value_negative",
                    message="the value must be 0 or more (record a harm as its own outcome).",
                )
            year = int(str(row.get("price_year", "")).strip())
            if not 1950 <= year <= 2100:
                raise ValueError
        except DomainError as exc:
            problems.append(Problem(exc.code, f"{where}: {exc.message}", "value"))
            continue
        except ValueError:
            problems.append(
                Problem("price_year", f"{where}: the price year must be like 2023.", "price_year")
            )
            continue
        missing = [
            c
            for c in ("outcome", "unit", "source", "licence", "value_type")
            if not (row.get(c) or "").strip()
        ]
        if missing:
            problems.append(
                Problem("required", f"{where}: enter {', '.join(missing)}.", missing[0])
            )
            continue
        if row["value_type"].strip() not in FinancialProxy.ValueType.values:
            problems.append(
                Problem(
                    "value_type",
                    f"{where}: value type must be wellbeing, fiscal, economic or market.",
                    "value_type",
                )
            )
            continue
        url = (row.get("source_url") or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                problems.append(
                    Problem(
                        "source_url",
                        f"{where}: the source URL must be a web address starting https:// "
                        "or http://.",
                        "source_url",
                    )
                )
                continue
        too_long = [
            c
            for c in PROXY_COLUMNS
            if c not in ("value", "price_year")
            and len((row.get(c) or "").strip()) > FinancialProxy._meta.get_field(c).max_length
        ]
        if too_long:
            problems.append(
                Problem("too_long", f"{where}: {', '.join(too_long)} is too long.", too_long[0])
            )
            continue
        text = f"{row.get('source', '')} {row.get('licence', '')}".lower()
        if not allow_restricted and any(s in text for s in REFUSED_SOURCES):
            problems.append(
                Problem(
                    "licence_restricted",
                    f"{where}: values from the HACT Social Value Bank or the National TOMs "
                    "may not be "
                    "shared by SIZes; import them only into your own licensed installation.",
                    "source",
                )
            )
            continue
        objs.append(
            FinancialProxy(
                **{
                    c: (row.get(c) or "").strip()
                    for c in PROXY_COLUMNS
                    if c not in ("value", "price_year")
                },
                value=value,
                price_year=year,
            )
        )
        if not objs[-1].currency:
            objs[-1].currency = "GBP"
        if not objs[-1].geography:
            objs[-1].geography = "England"
    if problems:
        raise RulesNotMet(
            "The file has problems; nothing was imported.", problems, code="import_invalid"
        )
    with transaction.atomic():
        FinancialProxy.objects.bulk_create(objs)
        audit_record(
            actor=actor,
            action="financial_proxies.imported",
            object_type="outcomes.financialproxy",
            changes={"rows": [None, len(objs)]},
        )
    return len(objs)


# --- Lessons, adoptions, review evidence ------------------------------------------------------


def lesson_record(
    *,
    actor,
    zone,
    title: str,
    what_worked: str = "",
    what_did_not: str = "",
    what_should_spread: str = "",
    review=None,
    theme=None,
    outcome=None,
    publish: bool = False,
) -> Lesson:
    """Record a lesson a zone learned (from a review), optionally publishing it at once."""
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    title = clean_text(title, field="title", label="a title for the lesson", max_length=200)
    texts = {
        name: clean_text(value, field=name, label=label, max_length=10000, required=False)
        for name, value, label in (
            ("what_worked", what_worked, "what worked"),
            ("what_did_not", what_did_not, "what did not work"),
            ("what_should_spread", what_should_spread, "what should spread"),
        )
    }
    if not any(texts.values()):
        raise DomainError(
            code="lesson_empty",
            message="Say what worked, what did not, or what should spread.",
            field="what_worked",
        )
    for obj, label in ((review, "review"), (outcome, "outcome")):
        if obj is not None and obj.zone_id != zone.pk:
            raise DomainError(
                code=f"{label}_other_zone", message=f"That {label} is not this zone's."
            )
    with transaction.atomic():
        lesson = Lesson.objects.create(
            zone=zone,
            review=review,
            theme=theme,
            outcome=outcome,
            title=title,
            published=publish,
            published_at=timezone.now() if publish else None,
            created_by=actor,
            **texts,
        )
        audit_record(
            actor=actor,
            action="lesson.recorded",
            obj=lesson,
            zone_id=zone.pk,
            changes={"title": [None, title], "published": [None, publish]},
        )
    return lesson


def lesson_publish(*, actor, lesson: Lesson) -> Lesson:
    _check(
        actor,
        perms.can_manage_evidence(actor, lesson.zone),
        "Only the zone's stewards can do that.",
    )
    if lesson.published:
        raise InvalidTransition("This lesson is already published.")
    with transaction.atomic():
        lesson.published, lesson.published_at = True, timezone.now()
        lesson.save(update_fields=["published", "published_at"])
        audit_record(
            actor=actor,
            action="lesson.published",
            obj=lesson,
            zone_id=lesson.zone_id,
            changes={"published": [False, True]},
        )
    return lesson


def variation_adoption_record(
    *, actor, variation, adopted_beyond: str, url: str = "", adopted_on: date | None = None
) -> VariationAdoption:
    """Record that a variation was taken up beyond its zone, and where."""
    _check(
        actor, perms.can_record_adoption(actor, variation), "Only the zone's stewards can do that."
    )
    where = clean_text(
        adopted_beyond, field="adopted_beyond", label="where it was adopted", max_length=300
    )
    url = clean_text(url, field="url", label="the link", max_length=200, required=False)
    if url and not url.startswith(("https://", "http://")):
        raise DomainError(
            code="url_invalid", message="The link must start with https://", field="url"
        )
    with transaction.atomic():
        adoption = VariationAdoption.objects.create(
            variation=variation,
            adopted_beyond=where,
            url=url,
            adopted_on=adopted_on or timezone.localdate(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="variation.adopted_beyond",
            obj=adoption,
            zone_id=variation.zone_id,
            changes={"adopted_beyond": [None, where], "url": [None, url]},
        )
    return adoption


def review_evidence_freeze(*, actor, review) -> ReviewEvidence:
    """Freeze the zone's evidence into a review as it stands now (call when the review is saved).

    A second call for the same review is refused: frozen evidence never changes.
    """
    from sizes.outcomes.selectors import evidence_snapshot

    zone = review.zone
    _check(actor, perms.can_manage_evidence(actor, zone), "Only the zone's stewards can do that.")
    with transaction.atomic():
        if ReviewEvidence.objects.filter(review=review).exists():
            raise InvalidTransition("The evidence for this review is already frozen.")
        snapshot = evidence_snapshot(zone=zone, today=review.held_on)
        evidence = ReviewEvidence.objects.create(review=review, snapshot=snapshot)
        audit_record(
            actor=actor,
            action="review.evidence_frozen",
            obj=evidence,
            zone_id=zone.pk,
            changes={"grade": [None, snapshot["grade"]["stars"]]},
        )
    return evidence
