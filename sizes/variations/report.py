"""The accountability report: what a local leader needs to answer for the variations in a
ward or a zone over a period.

For each zone (for a ward: every public zone whose core touches it, with the share of the ward
it covers), every variation that was in force at any time in the period — including those that
ended in it — with its owner, what is different, the standard rule it departs from, why (its
linked outcomes), its limits and safeguards, dates, status and accountable leader. Variations
proposed or agreed but not yet in force are listed apart, so a leader can see what is coming.

"In force" is read from each variation's kept status history (`VariationEvent`), so the report
for a past period is right even if the variation has changed since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from sizes.core.errors import DomainError, Problem, RulesNotMet
from sizes.geo.models import AreaType
from sizes.geo.selectors import reference_area_get, zones_touching_area
from sizes.outcomes.selectors import latest_figures
from sizes.variations.models import LIVE, Variation, VariationStatus
from sizes.zones.models import Zone

NOT_MEASURED = "Not measured yet"
DEFAULT_DAYS = 365
MAX_YEARS = 20


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __str__(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def _parse_day(value: str, *, field: str, label: str, problems: list[Problem]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        problems.append(
            Problem(
                f"{field}_invalid",
                f"The {label} date “{value[:20]}” is not a real date. Give it as YYYY-MM-DD, "
                "like 2025-04-01.",
                field,
            )
        )
        return None


def report_period_parse(
    *, start: str | None, end: str | None, today: dt.date | None = None
) -> Period:
    """The period asked for (`from`/`to` as YYYY-MM-DD); by default the last 12 months.

    Raises RulesNotMet (400) listing every problem: a date that is not real, or the start
    after the end.
    """
    today = today or timezone.localdate()
    problems: list[Problem] = []
    end_day = _parse_day(end, field="to", label="“to”", problems=problems) if end else today
    if start:
        start_day = _parse_day(start, field="from", label="“from”", problems=problems)
    else:
        try:
            start_day = (end_day or today) - dt.timedelta(days=DEFAULT_DAYS)
        except OverflowError:  # "to" in the first months of year 1
            start_day = dt.date.min
    if start_day and end_day:
        if start_day > end_day:
            problems.append(
                Problem("period_reversed", "The “from” date must be on or before the “to” date.")
            )
        elif (end_day - start_day).days > MAX_YEARS * 366:
            problems.append(
                Problem("period_too_long", f"Choose a period of at most {MAX_YEARS} years.")
            )
    if problems:
        raise RulesNotMet("The report period is not valid.", problems, code="period_invalid")
    return Period(start_day, end_day)


@dataclass
class OutcomeLine:
    title: str
    latest: str = NOT_MEASURED


@dataclass
class VariationLine:
    variation: Variation
    owner: str
    status: str
    in_force: list[tuple[dt.date, dt.date | None]]  # intervals active, from the kept history
    outcomes: list[OutcomeLine]

    @property
    def leader(self) -> str:
        return f"{self.variation.accountable_name}, {self.variation.accountable_role}"

    @property
    def dates(self) -> str:
        v = self.variation
        planned = f"Planned {v.start_date:%-d %B %Y} to " + (
            f"{v.end_date:%-d %B %Y}" if v.end_date else "the end of the zone"
        )
        actual = "; ".join(
            f"in force from {a:%-d %B %Y}" + (f" to {b:%-d %B %Y}" if b else "")
            for a, b in self.in_force
        )
        return f"{planned}. {actual[:1].upper() + actual[1:]}." if actual else f"{planned}."


@dataclass
class ZoneSection:
    zone: Zone
    share: float | None  # of the ward covered by the zone's core; None for a zone report
    variations: list[VariationLine] = field(default_factory=list)
    upcoming: list[VariationLine] = field(default_factory=list)

    @property
    def share_text(self) -> str:
        if self.share is None:
            return ""
        pct = self.share * 100
        return f"{pct:.0f}%" if pct >= 1 else "less than 1%"


@dataclass
class AccountabilityReport:
    title: str
    area: str  # "Stirchley ward (E05011121)" or the zone's name
    period: Period
    generated_at: dt.datetime
    sections: list[ZoneSection]

    @property
    def variation_count(self) -> int:
        return sum(len(s.variations) for s in self.sections)


def _intervals(variation: Variation) -> list[tuple[dt.date, dt.date | None]]:
    """The periods the variation was active, from its status history."""
    out: list[tuple[dt.date, dt.date | None]] = []
    started = None
    for event in variation.events.all():  # ordered by (on, id)
        if event.status == VariationStatus.ACTIVE:
            if started is None:
                started = event.on
        elif started is not None:
            out.append((started, event.on))
            started = None
    if started is not None:
        out.append((started, None))
    return out


def _overlaps(intervals, period: Period) -> bool:
    return any(a <= period.end and (b is None or b >= period.start) for a, b in intervals)


def _line(v: Variation, intervals, figures: dict[int, str | None]) -> VariationLine:
    return VariationLine(
        variation=v,
        owner=v.owner.name,
        status=v.get_status_display(),
        in_force=intervals,
        outcomes=[
            OutcomeLine(o.title, figures.get(o.pk) or NOT_MEASURED) for o in v.outcomes.all()
        ],
    )


def _figures(by_zone: dict[int, list[Variation]]) -> dict[int, str | None]:
    """Latest figure of every outcome the variations are linked to, in one go."""
    return latest_figures(
        outcome_ids={o.pk for vs in by_zone.values() for v in vs for o in v.outcomes.all()}
    )


def _section(zone: Zone, period: Period, share: float | None, variations, figures) -> ZoneSection:
    section = ZoneSection(zone=zone, share=share)
    for v in variations:
        intervals = _intervals(v)
        if intervals and _overlaps(intervals, period):
            section.variations.append(_line(v, intervals, figures))
        elif v.status in LIVE and v.status != VariationStatus.ACTIVE:
            section.upcoming.append(_line(v, intervals, figures))
    return section


def _variations_of(zone_ids: list[int]) -> dict[int, list[Variation]]:
    by_zone: dict[int, list[Variation]] = {z: [] for z in zone_ids}
    qs = (
        Variation.objects.filter(zone_id__in=zone_ids)
        .select_related("owner", "zone")
        .prefetch_related("outcomes", "events")
        .order_by("subject", "title", "pk")
    )
    for v in qs:
        by_zone[v.zone_id].append(v)
    return by_zone


def accountability_report_for_zone(*, zone: Zone, period: Period) -> AccountabilityReport:
    """The report for one public zone."""
    if not zone.is_public:
        raise DomainError(code="not_found", message="There is no public zone here.", status=404)
    by_zone = _variations_of([zone.pk])
    figures = _figures(by_zone)
    return AccountabilityReport(
        title=f"Accountability report: {zone.name}",
        area=zone.name,
        period=period,
        generated_at=timezone.localtime(),
        sections=[_section(zone, period, None, by_zone[zone.pk], figures)],
    )


def accountability_report_for_ward(*, code: str, period: Period) -> AccountabilityReport:
    """The report for a ward (latest boundary vintage): every public zone touching it.

    NotFound (404) when no ward has the code.
    """
    ward = reference_area_get(area_type=AreaType.WARD, code=code)
    touching = zones_touching_area(area=ward)
    variations = _variations_of([t.zone.pk for t in touching])
    figures = _figures(variations)
    return AccountabilityReport(
        title=f"Accountability report: {ward.name} ward",
        area=f"{ward.name} ward ({ward.code})",
        period=period,
        generated_at=timezone.localtime(),
        sections=[
            _section(t.zone, period, t.share, variations[t.zone.pk], figures) for t in touching
        ],
    )


def variation_rows(line: VariationLine) -> list[tuple[str, str]]:
    """The facts shown for one variation, in order (shared by the PDF and the tests)."""
    v = line.variation
    outcomes = "\n".join(f"{o.title}: {o.latest}" for o in line.outcomes) or "None linked"
    rule = v.standard_rule + (f" ({v.standard_rule_url})" if v.standard_rule_url else "")
    return [
        ("Owner", line.owner),
        ("Status", line.status),
        ("Accountable leader", line.leader),
        ("What is different", v.difference),
        ("Standard rule", rule),
        ("Why", v.reason),
        ("Linked outcomes (latest figures)", outcomes),
        ("Applies to", v.applies_to),
        ("What stays guaranteed", v.guaranteed),
        ("Cap", v.cap or "No cap"),
        ("Where", v.get_scope_display()),
        ("Dates", line.dates + (f" Ended: {v.end_reason}" if v.end_reason else "")),
    ]
