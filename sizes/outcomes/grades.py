"""The star grade: how far a zone has got, computed from its data, never typed in.

    ★      declared
    ★★     budgets, assets, objectives and plans shared by at least two partners
    ★★★    at least one active variation with an accountable leader and limits
    ★★★★   at least one outcome measured against its baseline and comparison areas,
           and an SROI analysis published
    ★★★★★  a review held with lessons published, and a variation adopted beyond the zone or
           the zone renewed on improved outcomes

Stars build on each other: a zone has n stars when the tests for stars 1 … n all pass. Each
star's test returns the evidence it found and what is missing, so the zone page can say both.
The numbers in the tests live in `CRITERIA` below; a deployment may override any of them with
the `SIZES_GRADE_CRITERIA` setting (a dict with the same keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from django.conf import settings

CRITERIA: dict = {
    # ★★: which kinds each pooling partner must share, and how many partners must.
    "pooled_kinds": ("budget", "asset", "objective", "plan"),
    "min_pooling_partners": 2,
    # ★★★: how many active variations with a leader and limits.
    "min_active_variations": 1,
    # ★★★★: outcomes measured against baseline and comparison areas; published SROI analyses.
    "min_measured_outcomes": 1,
    "min_published_sroi": 1,
    # ★★★★★: published lessons from a review.
    "min_published_lessons": 1,
}

KIND_NAMES = {"budget": "budgets", "asset": "assets", "objective": "objectives", "plan": "plans"}


def criteria() -> dict:
    return {**CRITERIA, **getattr(settings, "SIZES_GRADE_CRITERIA", {})}


@dataclass
class Star:
    number: int
    title: str
    met: bool
    evidence: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class Grade:
    stars: int
    levels: list[Star]

    @property
    def next_star(self) -> Star | None:
        return self.levels[self.stars] if self.stars < len(self.levels) else None

    @property
    def missing_for_next(self) -> list[str]:
        nxt = self.next_star
        return nxt.missing if nxt else []

    def as_dict(self) -> dict:
        return {
            "stars": self.stars,
            "levels": [
                {
                    "number": s.number,
                    "title": s.title,
                    "met": s.met,
                    "evidence": s.evidence,
                    "missing": s.missing,
                }
                for s in self.levels
            ],
            "missing_for_next": self.missing_for_next,
        }


def _pooled_summaries(zone_ids: list[int], partners=None) -> dict[int, dict[int, set[str]]]:
    """Per zone, what each partner organisation has pooled: sizes.resources, when installed.
    `partners`: zone id -> partner organisation ids, when the caller has them."""
    try:
        from sizes.resources.selectors import zones_pooled_summary
    except ImportError:  # the resources app not there yet: nothing pooled
        return {z: {} for z in zone_ids}
    if partners is None:
        return zones_pooled_summary(zone_ids=zone_ids)
    return zones_pooled_summary(
        zone_ids=zone_ids, partners={z: partners.get(z, ()) for z in zone_ids}
    )


def _prefetched_partners(zones: list) -> tuple[dict[int, list[int]], dict[int, str]] | None:
    """(zone id -> partner organisation ids, organisation id -> name) from the zones'
    prefetched partnerships with their organisations (the register reads them to list the
    partners), or None unless every zone has them."""
    partners: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for zone in zones:
        cache = getattr(zone, "_prefetched_objects_cache", {})
        if "partnerships" not in cache:
            return None
        partners[zone.pk] = []
        for p in cache["partnerships"]:
            if not p._meta.get_field("organisation").is_cached(p):
                return None
            partners[zone.pk].append(p.organisation_id)
            names[p.organisation_id] = p.organisation.name
    return partners, names


@dataclass
class _Facts:
    """What the star tests read about one zone, loaded for many zones in a fixed number of
    queries by `_facts_for` (so the register does not run a query per zone)."""

    pooled: dict[int, set[str]] = field(default_factory=dict)
    active: list = field(default_factory=list)  # active Variations, in register order
    indicators: list = field(default_factory=list)  # judged indicators with a baseline
    zone_values: dict[int, list] = field(default_factory=dict)  # indicator id -> zone values
    compared: set[int] = field(default_factory=set)  # indicator ids with comparison values
    published_sroi: list = field(default_factory=list)
    reviews: list = field(default_factory=list)  # newest first
    published_lessons: int = 0
    adoptions: list = field(default_factory=list)


@dataclass
class Known:
    """What the zone page has read already about its zone, for `zone_grade`: each part given
    replaces one of `_facts_for`'s queries, and the grade is the same (tests compare).

    `pooled`: its `zone_pooled_summary`; `names`: organisation id -> name, for (at least) its
    partners; `reviews`: its Reviews (any order: sorted here, newest first); `indicators`: its
    Indicators with their outcome loaded (`zone_indicators`); `sroi`: its published
    SROIAnalysis records; `variations`: all its variations, whatever their status (the grade
    keeps the active ones).
    """

    pooled: dict[int, set[str]] | None = None
    names: dict[int, str] | None = None
    reviews: list | None = None
    indicators: list | None = None
    sroi: list | None = None
    variations: list | None = None


class _IndicatorRow(NamedTuple):
    """The fields of a judged indicator the star tests read (as `_facts_for` reads them)."""

    pk: int
    outcome_id: int
    name: str
    polarity: str
    baseline_value: object
    baseline_date: date | None
    outcome__zone_id: int
    outcome__title: str


def _judged(rows) -> list:
    """Judged indicators (not context, with a baseline) in (outcome, name, id) order, sorted
    here rather than by the database so that the order is the same on every database (their
    collations order names differently) and from Indicator instances or rows alike."""
    return sorted(
        (r for r in rows if not getattr(r, "is_context", False) and r.baseline_value is not None),
        key=lambda r: (r.outcome_id, r.name, r.pk),
    )


def _indicator_rows(indicators: list) -> list[_IndicatorRow]:
    """`_IndicatorRow`s of Indicator instances whose outcome is loaded."""
    return [
        _IndicatorRow(
            i.pk,
            i.outcome_id,
            i.name,
            i.polarity,
            i.baseline_value,
            i.baseline_date,
            i.outcome.zone_id,
            i.outcome.title,
        )  # fmt: skip
        for i in _judged(indicators)
    ]


def _facts_for(
    zone_ids: list[int],
    pooled: dict[int, dict[int, set[str]]] | None = None,
    known: Known | None = None,
    partners: dict[int, list[int]] | None = None,
    names: dict[int, str] | None = None,
) -> tuple[dict[int, _Facts], dict[int, str]]:
    """(zone id -> facts, organisation id -> name) for these zones; a dozen queries in all.
    `pooled`: zone id -> pooled summary for zones whose summary the caller has read already;
    `known`: what the caller has read already about its one zone (`Known`); `partners`: zone
    id -> partner organisation ids, and `names`: organisation id -> name for (at least) those
    partners, when the caller has read them."""
    from sizes.outcomes.models import (
        ComparisonArea,
        Indicator,
        Lesson,
        Measurement,
        SROIAnalysis,
        VariationAdoption,
    )
    from sizes.partners.models import Organisation
    from sizes.variations.models import Variation, VariationStatus
    from sizes.zones.models import Review

    facts = {z: _Facts() for z in zone_ids}
    known = known or Known()
    if known.pooled is not None:
        assert len(zone_ids) == 1, "Known is about one zone"
        pooled = {zone_ids[0]: known.pooled}
    pooled = {z: s for z, s in (pooled or {}).items() if z in facts}
    missing = [z for z in zone_ids if z not in pooled]
    if missing:
        pooled.update(_pooled_summaries(missing, partners))
    for zone_id, summary in pooled.items():
        facts[zone_id].pooled = summary
    org_ids = {org for f in facts.values() for org in f.pooled}
    given = known.names if known.names is not None else names
    if given is not None and org_ids <= given.keys():
        names = {org: given[org] for org in org_ids}
    else:
        names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    # Rows with only what the star tests read, not model instances: the register grades fifty
    # zones with hundreds of variations and measurements (a model instance costs ~40 µs).
    if known.variations is not None:
        assert len(zone_ids) == 1, "Known is about one zone"
        active = [v for v in known.variations if v.status == VariationStatus.ACTIVE]
    else:
        active = (
            Variation.objects.filter(zone_id__in=zone_ids, status=VariationStatus.ACTIVE)
            .order_by()  # sorted below: the model's order would join every zone for its name
            .values_list(
                "pk", "zone_id", "subject", "title", "accountable_name", "guaranteed", "cap",
                named=True,
            )
        )  # fmt: skip
    # Sorted here, not by the database: the same order on every database and from either.
    for v in sorted(active, key=lambda v: (v.zone_id, v.subject, v.title, v.pk)):
        facts[v.zone_id].active.append(v)
    if known.indicators is not None:
        assert len(zone_ids) == 1, "Known is about one zone"
        indicators = _indicator_rows(known.indicators)
    else:
        indicators = _judged(
            Indicator.objects.filter(
                outcome__zone_id__in=zone_ids, is_context=False, baseline_value__isnull=False
            )
            .order_by()
            .values_list(*_IndicatorRow._fields, named=True)
        )
    for ind in indicators:
        facts[ind.outcome__zone_id].indicators.append(ind)
    by_indicator = {ind.pk: ind for ind in indicators}
    codes: dict[int, set[str]] = {}
    for ind_id, code in ComparisonArea.objects.filter(indicator_id__in=by_indicator).values_list(
        "indicator_id", "area__code"
    ):
        codes.setdefault(ind_id, set()).add(code)
    for m in Measurement.objects.filter(indicator_id__in=by_indicator).values_list(
        "indicator_id", "area_code", "period_start", "period_end", "value", named=True
    ):
        ind = by_indicator[m.indicator_id]
        zone_facts = facts[ind.outcome__zone_id]
        if m.area_code == "":
            zone_facts.zone_values.setdefault(ind.pk, []).append(m)
        elif m.area_code in codes.get(ind.pk, ()):
            zone_facts.compared.add(ind.pk)
    if known.sroi is not None:
        assert len(zone_ids) == 1, "Known is about one zone"
        sroi = sorted(
            (a for a in known.sroi if a.published), key=lambda a: (a.period_end, a.pk), reverse=True
        )
    else:
        sroi = SROIAnalysis.objects.filter(zone_id__in=zone_ids, published=True).values_list(
            "zone_id", "title", "sroi_ratio", named=True
        )
    for a in sroi:
        facts[a.zone_id].published_sroi.append(a)
    if known.reviews is not None:
        assert len(zone_ids) == 1, "Known is about one zone"
        reviews = sorted(known.reviews, key=lambda r: (r.held_on, r.pk), reverse=True)
    else:
        reviews = Review.objects.filter(zone_id__in=zone_ids).values_list(
            "zone_id", "held_on", "decision", named=True
        )
    for r in reviews:
        facts[r.zone_id].reviews.append(r)
    for zone_id in Lesson.objects.filter(
        zone_id__in=zone_ids, published=True, review__isnull=False
    ).values_list("zone_id", flat=True):
        facts[zone_id].published_lessons += 1
    for a in VariationAdoption.objects.filter(variation__zone_id__in=zone_ids).values_list(
        "variation__zone_id", "variation__title", "adopted_beyond", named=True
    ):
        facts[a.variation__zone_id].adoptions.append(a)
    return facts, names


def _star_declared(zone, c, facts, names) -> Star:
    from sizes.zones.models import ZoneStatus

    star = Star(1, "Declared", False)
    if zone.declared_on and zone.status != ZoneStatus.WITHDRAWN:
        star.met = True
        star.evidence.append(f"Declared on {zone.declared_on:%-d %B %Y}.")
    else:
        star.missing.append("The zone has not been declared yet.")
    return star


def _star_pooled(zone, c, facts, names) -> Star:
    star = Star(2, "Budgets, assets, objectives and plans pooled", False)
    kinds = set(c["pooled_kinds"])
    summary = facts.pooled
    full = sorted(names.get(org, str(org)) for org, shared in summary.items() if kinds <= shared)
    need = c["min_pooling_partners"]
    for name in full:
        star.evidence.append(
            f"{name} has shared its {', '.join(KIND_NAMES.get(k, k) for k in c['pooled_kinds'])}."
        )
    star.met = len(full) >= need
    if not star.met:
        star.missing.append(
            f"At least {need} partners must each share their "
            f"{', '.join(KIND_NAMES.get(k, k) for k in c['pooled_kinds'])}; "
            f"{len(full)} {'has' if len(full) == 1 else 'have'} so far."
        )
        for org, shared in sorted(summary.items(), key=lambda kv: names.get(kv[0], "")):
            lacking = [KIND_NAMES.get(k, k) for k in c["pooled_kinds"] if k not in shared]
            if lacking and shared:
                star.missing.append(
                    f"{names.get(org, org)} has not shared its {', '.join(lacking)}."
                )
    return star


def _star_variations(zone, c, facts, names) -> Star:
    star = Star(3, "Active variations with a leader and limits", False)
    active = facts.active
    good = [
        v for v in active if v.accountable_name.strip() and (v.guaranteed.strip() or v.cap.strip())
    ]
    for v in good:
        star.evidence.append(
            f"“{v.title}” is active, led by {v.accountable_name}, with stated limits."
        )
    need = c["min_active_variations"]
    star.met = len(good) >= need
    if not star.met:
        if active:
            star.missing.append("Active variations need an accountable leader and stated limits.")
        star.missing.append(
            f"At least {need} variation{'s' if need > 1 else ''} must be active, "
            "with an accountable leader and limits."
        )
    return star


def _measured_outcomes(facts) -> list[str]:
    """Outcomes with an indicator that has a baseline, a zone value since, and comparison
    areas with values."""
    found = []
    for ind in facts.indicators:
        after = ind.baseline_date is not None and any(
            m.period_end > ind.baseline_date for m in facts.zone_values.get(ind.pk, ())
        )
        if after and ind.pk in facts.compared and ind.outcome__title not in found:
            found.append(ind.outcome__title)
    return found


def _star_measured(zone, c, facts, names) -> Star:
    star = Star(4, "Outcomes measured and social return published", False)
    measured = _measured_outcomes(facts)
    for title in measured:
        star.evidence.append(f"“{title}” is measured against its baseline and comparison areas.")
    published = facts.published_sroi
    for a in published:
        star.evidence.append(f"SROI analysis “{a.title}” published: £{a.sroi_ratio} for every £1.")
    if len(measured) < c["min_measured_outcomes"]:
        star.missing.append(
            "Measure at least one outcome against its baseline and against comparison "
            "areas outside the zone."
        )
    if len(published) < c["min_published_sroi"]:
        star.missing.append("Publish an SROI analysis.")
    star.met = not star.missing
    return star


def _improved(facts) -> list[str]:
    """Indicators whose latest zone value is better than the baseline, by their polarity."""
    from sizes.outcomes.models import Polarity

    better = []
    for ind in facts.indicators:
        since = [
            m
            for m in facts.zone_values.get(ind.pk, ())
            if ind.baseline_date is not None and m.period_end > ind.baseline_date
        ]
        if not since:
            continue
        latest = max(since, key=lambda m: m.period_start)
        delta = latest.value - ind.baseline_value
        if (delta > 0 and ind.polarity == Polarity.HIGHER_IS_BETTER) or (
            delta < 0 and ind.polarity == Polarity.LOWER_IS_BETTER
        ):
            better.append(ind.name)
    return better


def _star_learning(zone, c, facts, names) -> Star:
    from sizes.zones.models import Review

    star = Star(5, "Reviewed, lessons published, and spread or renewed", False)
    reviews = facts.reviews
    lessons = facts.published_lessons
    if reviews:
        star.evidence.append(f"Reviewed on {reviews[0].held_on:%-d %B %Y}.")
    else:
        star.missing.append("Hold a review of the zone.")
    if lessons >= c["min_published_lessons"]:
        star.evidence.append(
            f"{lessons} lesson{'s' if lessons > 1 else ''} published from reviews."
        )
    else:
        star.missing.append("Publish the lessons learned at a review.")
    adoptions = facts.adoptions
    for a in adoptions:
        star.evidence.append(
            f"“{a.variation__title}” was adopted beyond the zone: {a.adopted_beyond}."
        )
    renewed = any(r.decision == Review.Decision.RENEW for r in reviews)
    improved = _improved(facts)
    if renewed and improved:
        star.evidence.append(f"Renewed with improved outcomes ({', '.join(improved)}).")
    if not adoptions and not (renewed and improved):
        star.missing.append(
            "Have a variation adopted beyond the zone, or renew the zone on improved outcomes."
        )
    star.met = not star.missing
    return star


STAR_TESTS = (_star_declared, _star_pooled, _star_variations, _star_measured, _star_learning)


def _grade(zone, c, facts, names) -> Grade:
    levels = [test(zone, c, facts, names) for test in STAR_TESTS]
    stars = 0
    for level in levels:
        if not level.met:
            break
        stars += 1
    return Grade(stars=stars, levels=levels)


def zone_grade(
    *,
    zone,
    today: date | None = None,
    pooled: dict[int, set[str]] | None = None,
    known: Known | None = None,
) -> Grade:
    """The zone's star grade (0–5), each star's evidence, and what is missing for the next.
    `pooled`: the zone's pooled summary (`sizes.resources.selectors.zone_pooled_summary`), and
    `known`: more of what the grade reads (`Known`), when the caller has read it already."""
    if pooled is not None:
        known = replace(known or Known(), pooled=pooled)
    facts, names = _facts_for([zone.pk], known=known)
    return _grade(zone, criteria(), facts[zone.pk], names)


def zone_grades(
    *, zones, today: date | None = None, pooled: dict[int, dict[int, set[str]]] | None = None
) -> dict[int, Grade]:
    """Zone id -> grade for many zones at once, in a fixed number of queries (the register)."""
    zones = list(zones)
    # The register has read each zone's partners with their organisations: their ids and names
    # need not be read again (two queries).
    partners, names = _prefetched_partners(zones) or (None, None)
    facts, names = _facts_for([z.pk for z in zones], pooled, partners=partners, names=names)
    c = criteria()
    return {z.pk: _grade(z, c, facts[z.pk], names) for z in zones}
