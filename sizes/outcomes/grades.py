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

from dataclasses import dataclass, field
from datetime import date

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


def _pooled_summary(zone) -> dict[int, set[str]]:
    """What each partner organisation has pooled: sizes.resources, when it is installed."""
    try:
        from sizes.resources.selectors import zone_pooled_summary
    except ImportError:  # the resources app not there yet: nothing pooled
        return {}
    return zone_pooled_summary(zone=zone)


def _star_declared(zone, c) -> Star:
    from sizes.zones.models import ZoneStatus

    star = Star(1, "Declared", False)
    if zone.declared_on and zone.status != ZoneStatus.WITHDRAWN:
        star.met = True
        star.evidence.append(f"Declared on {zone.declared_on:%-d %B %Y}.")
    else:
        star.missing.append("The zone has not been declared yet.")
    return star


def _star_pooled(zone, c) -> Star:
    from sizes.partners.models import Organisation

    star = Star(2, "Budgets, assets, objectives and plans pooled", False)
    kinds = set(c["pooled_kinds"])
    summary = _pooled_summary(zone)
    names = dict(Organisation.objects.filter(pk__in=summary).values_list("pk", "name"))
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


def _star_variations(zone, c) -> Star:
    from sizes.variations.models import Variation, VariationStatus

    star = Star(3, "Active variations with a leader and limits", False)
    active = Variation.objects.filter(zone=zone, status=VariationStatus.ACTIVE)
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
        if active.exists():
            star.missing.append("Active variations need an accountable leader and stated limits.")
        star.missing.append(
            f"At least {need} variation{'s' if need > 1 else ''} must be active, "
            "with an accountable leader and limits."
        )
    return star


def _measured_outcomes(zone) -> list[str]:
    """Outcomes with an indicator that has a baseline, a zone value since, and comparison
    areas with values."""
    from sizes.outcomes.models import Indicator, Measurement

    found = []
    for ind in Indicator.objects.filter(
        outcome__zone=zone, is_context=False, baseline_value__isnull=False
    ).select_related("outcome"):
        after = ind.measurements.filter(area_code="", period_end__gt=ind.baseline_date).exists()
        codes = list(ind.comparison_areas.values_list("area__code", flat=True))
        compared = Measurement.objects.filter(indicator=ind, area_code__in=codes).exists()
        if after and compared and ind.outcome.title not in found:
            found.append(ind.outcome.title)
    return found


def _star_measured(zone, c) -> Star:
    from sizes.outcomes.models import SROIAnalysis

    star = Star(4, "Outcomes measured and social return published", False)
    measured = _measured_outcomes(zone)
    for title in measured:
        star.evidence.append(f"“{title}” is measured against its baseline and comparison areas.")
    published = list(SROIAnalysis.objects.filter(zone=zone, published=True))
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


def _improved(zone) -> list[str]:
    """Indicators whose latest zone value is better than the baseline, by their polarity."""
    from sizes.outcomes.models import Indicator, Polarity

    better = []
    for ind in Indicator.objects.filter(
        outcome__zone=zone, is_context=False, baseline_value__isnull=False
    ):
        latest = (
            ind.measurements.filter(area_code="", period_end__gt=ind.baseline_date)
            .order_by("-period_start")
            .first()
        )
        if latest is None:
            continue
        delta = latest.value - ind.baseline_value
        if (delta > 0 and ind.polarity == Polarity.HIGHER_IS_BETTER) or (
            delta < 0 and ind.polarity == Polarity.LOWER_IS_BETTER
        ):
            better.append(ind.name)
    return better


def _star_learning(zone, c) -> Star:
    from sizes.outcomes.models import Lesson, VariationAdoption
    from sizes.zones.models import Review

    star = Star(5, "Reviewed, lessons published, and spread or renewed", False)
    reviews = Review.objects.filter(zone=zone)
    lessons = Lesson.objects.filter(zone=zone, published=True, review__isnull=False)
    if reviews.exists():
        star.evidence.append(f"Reviewed on {reviews.first().held_on:%-d %B %Y}.")
    else:
        star.missing.append("Hold a review of the zone.")
    if lessons.count() >= c["min_published_lessons"]:
        star.evidence.append(
            f"{lessons.count()} lesson{'s' if lessons.count() > 1 else ''} published from reviews."
        )
    else:
        star.missing.append("Publish the lessons learned at a review.")
    adoptions = list(
        VariationAdoption.objects.filter(variation__zone=zone).select_related("variation")
    )
    for a in adoptions:
        star.evidence.append(
            f"“{a.variation.title}” was adopted beyond the zone: {a.adopted_beyond}."
        )
    renewed = reviews.filter(decision=Review.Decision.RENEW).exists()
    improved = _improved(zone)
    if renewed and improved:
        star.evidence.append(f"Renewed with improved outcomes ({', '.join(improved)}).")
    if not adoptions and not (renewed and improved):
        star.missing.append(
            "Have a variation adopted beyond the zone, or renew the zone on improved outcomes."
        )
    star.met = not star.missing
    return star


STAR_TESTS = (_star_declared, _star_pooled, _star_variations, _star_measured, _star_learning)


def zone_grade(*, zone, today: date | None = None) -> Grade:
    """The zone's star grade (0–5), each star's evidence, and what is missing for the next."""
    c = criteria()
    levels = [test(zone, c) for test in STAR_TESTS]
    stars = 0
    for level in levels:
        if not level.met:
            break
        stars += 1
    return Grade(stars=stars, levels=levels)
