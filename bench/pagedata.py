"""Bulk data for the page benchmarks and the constant-query-count tests.

`populate(n_zones=..., variations_per_zone=...)` fills the current database quickly with
`bulk_create`: zones in force with boundaries, themes, partners, outcomes, indicators with
baselines, zone and comparison-area measurements, variations (linked to outcomes), pooled
records, an SROI analysis, a review with a published lesson, an adoption, suggestions,
meetings and ideas. It bypasses the services (no audit events): it builds the rows the pages
read, not a history, so it is for benchmarks and read-only tests only.

Every row is deterministic for a given `seed`; calling it twice adds a second batch with new
names (`start` is derived from the zones already there).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
from decimal import Decimal
from pathlib import Path

import shapely
from django.db import transaction
from django.utils import timezone

# Birmingham-ish origin for generated shapes.
ORIGIN_LON, ORIGIN_LAT = -2.05, 52.38
STEP_DEG = 0.012  # grid spacing of generated zones


def simple_shapes(n: int, seed: int = 1, start: int = 0, vertices: int = 64) -> list[tuple]:
    """(core, outer) shapely polygons on a grid, each core a wobbly `vertices`-gon.

    Used when `bench.common.zone_shapes` is not available (and by the tests, which need
    only a few small shapes)."""
    rng = random.Random(seed * 1_000_003 + start)
    cols = max(1, int(math.sqrt(n + start)) + 1)
    out = []
    for i in range(start, start + n):
        cx = ORIGIN_LON + (i % cols) * STEP_DEG * 1.6
        cy = ORIGIN_LAT + (i // cols) * STEP_DEG
        r = STEP_DEG * 0.35
        pts = []
        for k in range(vertices):
            a = 2 * math.pi * k / vertices
            rr = r * (0.85 + 0.15 * rng.random())
            pts.append((cx + 1.6 * rr * math.cos(a), cy + rr * math.sin(a)))
        core = shapely.Polygon(pts)
        outer = core.buffer(r * 0.25, quad_segs=4)
        out.append((core, outer))
    return out


def bench_shapes(n: int, seed: int) -> list[tuple]:
    """Realistic shapes from bench.common when it exists, else simple generated ones."""
    try:
        from bench.common import zone_shapes
    except ImportError:
        return simple_shapes(n, seed)
    return zone_shapes(n, seed)


def multipolygon(geom) -> dict:
    """A shapely (Multi)Polygon as the GeoJSON MultiPolygon SIZes stores."""
    from sizes.geo import geometry as g

    if geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    return g.to_geojson(geom)


@transaction.atomic
def _zoom_shapes(pair: tuple[dict, dict]) -> list:
    from sizes.geo.mapshapes import zoom_shapes

    return zoom_shapes(*pair)


def _store_map_shapes(boundaries: list, cache_dir: str | None = None) -> None:
    """`maps.store_map_shapes` for freshly made boundaries, the shapes computed by
    `mapshapes.zoom_shapes` in one process per core.

    With `cache_dir`, shapes computed for exactly these boundaries' GeoJSON before (the pages
    benchmark fills SQLite, then PostgreSQL, with the same zones) are read back from a file
    there instead of being computed again (about 10 ms a boundary on each core)."""
    import hashlib
    import multiprocessing
    import pickle

    from sizes.geo.models import ZoneBoundaryMapShape

    pairs = [(b.core, b.fringe) for b in boundaries]
    cache = None
    if cache_dir:
        from sizes.geo import mapshapes

        key = hashlib.sha256(Path(mapshapes.__file__).read_bytes())  # the code that made them
        key.update(json.dumps(pairs, sort_keys=True).encode())
        digest = key.hexdigest()[:32]
        cache = Path(cache_dir) / f"mapshapes-{digest}.pickle"
    if cache is not None and cache.exists():
        runs = pickle.loads(cache.read_bytes())  # noqa: S301 - our own file, made just above
    else:
        with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
            runs = pool.map(_zoom_shapes, pairs, chunksize=200)
        if cache is not None:
            cache.write_bytes(pickle.dumps(runs, protocol=pickle.HIGHEST_PROTOCOL))
    ZoneBoundaryMapShape.objects.bulk_create(
        [
            ZoneBoundaryMapShape(boundary=b, min_zoom=lo, max_zoom=hi, core=core, fringe=fringe)
            for b, shapes in zip(boundaries, runs, strict=True)
            for lo, hi, core, fringe in shapes
        ],
        batch_size=1000,
    )


def populate(
    *,
    n_zones: int,
    variations_per_zone: int = 3,
    partners_per_zone: int = 2,
    years: int = 2,
    outcomes_per_zone: int = 2,
    indicators_per_zone: int = 1,
    seed: int = 1,
    shapes: list[tuple] | None = None,
    rich: bool = True,
    batch_size: int = 2000,
    map_shapes: bool = True,
    map_shapes_cache: str | None = None,
) -> dict:
    """Add `n_zones` declared zones and their data; returns counts of what was made.
    `map_shapes_cache`: a folder where the map shapes computed are kept for a later fill with
    the same zones (`_store_map_shapes`)."""
    from sizes.accounts.models import User
    from sizes.engagement.models import Idea, Meeting, Role, Suggestion
    from sizes.geo.models import AreaType, GeoRevision, ReferenceArea, ZoneBoundary
    from sizes.outcomes.models import (
        ComparisonArea,
        Indicator,
        Lesson,
        Measurement,
        SROIAnalysis,
        VariationAdoption,
    )
    from sizes.partners.models import Organisation, OrganisationKind, Partnership
    from sizes.resources.models import Asset, Budget, Objective, Plan
    from sizes.variations.models import Action, Subject, Variation, VariationEvent, VariationStatus
    from sizes.zones.models import Outcome, Review, Theme, Zone, ZoneStatus

    rng = random.Random(seed)
    start = Zone.objects.count()
    shapes = shapes if shapes is not None else simple_shapes(n_zones, seed, start)
    assert len(shapes) >= n_zones, "not enough shapes"
    today = timezone.localdate()
    now = timezone.now()
    bs = batch_size

    author, _ = User.objects.get_or_create(
        username="bench-author", defaults={"email": "bench-author@example.org"}
    )
    themes = list(Theme.objects.all()[:6])
    if len(themes) < 3:
        for name in ("Health", "Housing", "Work and skills"):
            Theme.objects.get_or_create(
                slug=name.lower().replace(" ", "-"), defaults={"name": name, "is_default": True}
            )
        themes = list(Theme.objects.all()[:6])

    # Organisations: a pool shared across zones, growing slowly with the number of zones.
    n_orgs = max(4, partners_per_zone, n_zones // 10)
    org_start = Organisation.objects.count()
    kinds = [OrganisationKind.COUNCIL, OrganisationKind.VOLUNTARY]
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench organisation {org_start + i}",
                slug=f"bench-organisation-{org_start + i}",
                kind=kinds[i % 2],
            )
            for i in range(n_orgs)
        ],
        batch_size=bs,
    )
    comparison, _ = ReferenceArea.objects.get_or_create(
        type=AreaType.LSOA,
        code="E01999999",
        vintage="bench",
        defaults={
            "name": "Bench comparison area",
            "geometry": multipolygon(shapely.box(-2.2, 52.2, -2.19, 52.21)),
            "area_m2": 1.0,
            "min_lon": -2.2,
            "min_lat": 52.2,
            "max_lon": -2.19,
            "max_lat": 52.21,
        },
    )

    zones = Zone.objects.bulk_create(
        [
            Zone(
                name=f"Bench zone {start + i:06d}",
                slug=f"bench-zone-{start + i}",
                summary=f"Bench zone {start + i}: a generated zone for measuring pages.",
                intention="We intend to measure how fast the pages are.",
                status=ZoneStatus.DECLARED,
                created_by=author,
                proposed_on=today - dt.timedelta(days=120),
                consultation_ends=today - dt.timedelta(days=90),
                declared_on=today - dt.timedelta(days=80),
                review_date=today + dt.timedelta(days=300),
            )
            for i in range(n_zones)
        ],
        batch_size=bs,
    )
    through = Zone.themes.through
    through.objects.bulk_create(
        [
            through(zone_id=z.pk, theme_id=themes[(i + k) % len(themes)].pk)
            for i, z in enumerate(zones)
            for k in range(2)
        ],
        batch_size=bs,
    )
    boundaries = []
    for z, (core, outer) in zip(zones, shapes[:n_zones], strict=False):
        b = ZoneBoundary(
            zone=z,
            core=multipolygon(core),
            fringe=multipolygon(outer),
            fringe_m=250,
            area_m2=1_000_000.0,
            valid_from=now - dt.timedelta(days=100),
            method="drawn",
            created_by=author,
        )
        b.set_bbox(outer.bounds)
        boundaries.append(b)
    boundaries = ZoneBoundary.objects.bulk_create(boundaries, batch_size=bs)
    # The register map's shapes, as the geo service stores them with each boundary it sets
    # (the same function, on every core: about 12 ms a boundary). Without them (map_shapes
    # False: the HTTP benchmark, which never asks for the map) the map simplifies per request.
    if map_shapes:
        _store_map_shapes(boundaries, map_shapes_cache)
    GeoRevision.bump()

    partnerships = Partnership.objects.bulk_create(
        [
            Partnership(
                zone=z,
                organisation=orgs[(i + k) % len(orgs)],
                role=Partnership.Role.LEAD if k == 0 else Partnership.Role.PARTNER,
                commitment="We commit to taking part.",
                response=Partnership.Response.AGREED,
                responded_at=now,
            )
            for i, z in enumerate(zones)
            for k in range(min(partners_per_zone, len(orgs)))
        ],
        batch_size=bs,
    )
    outcomes = Outcome.objects.bulk_create(
        [
            Outcome(zone=z, title=f"Outcome {k + 1} of zone {z.pk}", description="Better lives.")
            for z in zones
            for k in range(outcomes_per_zone)
        ],
        batch_size=bs,
    )
    outcomes_by_zone: dict[int, list] = {}
    for o in outcomes:
        outcomes_by_zone.setdefault(o.zone_id, []).append(o)

    subjects = [s for s, _ in Subject.choices]
    actions = [a for a, _ in Action.choices]
    variations = []
    for i, z in enumerate(zones):
        for k in range(variations_per_zone):
            owner = orgs[(i + k) % len(orgs)]
            variations.append(
                Variation(
                    zone=z,
                    owner=owner,
                    subject=subjects[(i + k) % len(subjects)],
                    action=actions[k % len(actions)],
                    title=f"Variation {k + 1} in zone {z.pk}",
                    standard_rule=f"Standard rule {k % 7}",
                    rule_key=f"standard rule {k % 7}",
                    difference="Inside the zone the rule works differently.",
                    reason="To improve outcomes.",
                    applies_to="Residents of the zone.",
                    guaranteed="Everyone keeps their statutory rights.",
                    cap="At most 100 households.",
                    start_date=today - dt.timedelta(days=60),
                    accountable_name="A. Leader",
                    accountable_role="Service manager",
                    status=VariationStatus.ACTIVE,
                    activated_on=today - dt.timedelta(days=60),
                    created_by=author,
                )
            )
    variations = Variation.objects.bulk_create(variations, batch_size=bs)
    VariationEvent.objects.bulk_create(
        [
            VariationEvent(variation=v, status=VariationStatus.ACTIVE, on=v.activated_on)
            for v in variations
        ],
        batch_size=bs,
    )
    vo = Variation.outcomes.through
    vo.objects.bulk_create(
        [vo(variation_id=v.pk, outcome_id=outcomes_by_zone[v.zone_id][0].pk) for v in variations],
        batch_size=bs,
    )
    counts = {
        "zones": len(zones),
        "variations": len(variations),
        "organisations": len(orgs),
        "partnerships": len(partnerships),
    }
    if not rich:
        return counts

    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                outcome=outcomes_by_zone[z.pk][k % len(outcomes_by_zone[z.pk])],
                name=f"Indicator {k + 1} of zone {z.pk}",
                definition="People helped.",
                unit="people",
                polarity="higher",
                source="Bench",
                licence="Open Government Licence",
                geography_level="lsoa",
                baseline_value=Decimal("10"),
                baseline_date=today - dt.timedelta(days=400),
            )
            for z in zones
            for k in range(indicators_per_zone)
        ],
        batch_size=bs,
    )
    ComparisonArea.objects.bulk_create(
        [ComparisonArea(indicator=ind, area=comparison) for ind in indicators], batch_size=bs
    )
    measurements = []
    for ind in indicators:
        periods = [(2025 - y, "") for y in range(years)] + [(2025, comparison.code)]
        for year, code in periods:
            measurements.append(
                Measurement(
                    indicator=ind,
                    area_code=code,
                    period=str(year),
                    period_start=dt.date(year, 1, 1),
                    period_end=dt.date(year, 12, 31),
                    value=Decimal(rng.randint(5, 30)),
                )
            )
    Measurement.objects.bulk_create(measurements, batch_size=bs)
    SROIAnalysis.objects.bulk_create(
        [
            SROIAnalysis(
                zone=z,
                title=f"Social return of zone {z.pk}",
                period_start=dt.date(2025, 1, 1),
                period_end=dt.date(2025, 12, 31),
                inputs={},
                results={},
                sroi_ratio=Decimal("3.20"),
                published=True,
            )
            for z in zones
        ],
        batch_size=bs,
    )
    reviews = Review.objects.bulk_create(
        [
            Review(
                zone=z,
                held_on=today - dt.timedelta(days=30),
                evidence_summary="It worked.",
                decision=Review.Decision.RENEW,
                new_review_date=today + dt.timedelta(days=300),
                recorded_by=author,
            )
            for z in zones
        ],
        batch_size=bs,
    )
    Lesson.objects.bulk_create(
        [
            Lesson(
                zone_id=r.zone_id,
                review=r,
                title=f"What zone {r.zone_id} learned",
                theme=themes[i % len(themes)],
                outcome=outcomes_by_zone[r.zone_id][0],
                what_worked="Working together.",
                published=True,
                published_at=now,
                created_by=author,
            )
            for i, r in enumerate(reviews)
        ],
        batch_size=bs,
    )
    first_variation: dict[int, Variation] = {}
    for v in variations:
        first_variation.setdefault(v.zone_id, v)
    VariationAdoption.objects.bulk_create(
        [
            VariationAdoption(
                variation=v, adopted_beyond="The next ward", adopted_on=today, recorded_by=author
            )
            for v in first_variation.values()
        ],
        batch_size=bs,
    )
    for model, extra in (
        (
            Budget,
            lambda i: {
                "service": "Youth work",
                "period_start": dt.date(2025, 4, 1),
                "period_end": dt.date(2026, 3, 31),
                "amount": Decimal("10000"),
                "share_basis": "Population share.",
                "kind": "redirected",
            },
        ),
        (Asset, lambda i: {"kind": "building", "name": "Community hall", "description": "A hall."}),
        (Objective, lambda i: {"title": "Fewer evictions", "summary": "Keep people housed."}),
        (Plan, lambda i: {"title": "Housing plan", "summary": "The plan."}),
    ):
        model.objects.bulk_create(
            [
                model(zone_id=p.zone_id, organisation_id=p.organisation_id, **extra(i))
                for i, p in enumerate(partnerships)
            ],
            batch_size=bs,
        )
    Meeting.objects.bulk_create(
        [
            Meeting(
                zone=z,
                title=f"Zone {z.pk} open meeting",
                starts_at=now + dt.timedelta(days=7),
                ends_at=now + dt.timedelta(days=7, hours=2),
                agenda="Everything.",
                created_by=author,
            )
            for z in zones
        ],
        batch_size=bs,
    )
    Idea.objects.bulk_create(
        [
            Idea(
                zone=z,
                organisation=orgs[i % len(orgs)],
                author=author,
                author_role=Role.RESIDENT,
                title=f"An idea for zone {z.pk}",
                obstacle="A rule gets in the way.",
                proposal="Change it.",
                answer_due=today + dt.timedelta(days=30),
            )
            for i, z in enumerate(zones)
        ],
        batch_size=bs,
    )
    Suggestion.objects.bulk_create(
        [
            Suggestion(author=author, place=f"Place {start + i}", why="It needs a zone.")
            for i in range(max(1, n_zones // 10))
        ],
        batch_size=bs,
    )
    counts.update(indicators=len(indicators), measurements=len(measurements), reviews=len(reviews))
    return counts
