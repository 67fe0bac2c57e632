"""Reads about places: which zones cover a point or a postcode (now or on a past date), and
which zones touch a ward."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import shapely
from django.utils import timezone

from sizes.core.errors import DomainError, NotFound
from sizes.geo import geometry as g
from sizes.geo.index import CORE, FRINGE, current_index, membership_of
from sizes.geo.models import AreaType, Postcode, ReferenceArea, ZoneBoundary
from sizes.geo.postcodes import normalise_postcode
from sizes.zones.models import ENDED, IN_FORCE, Zone, ZoneStatus

IN_FORCE_NOW = "in_force"
PROPOSED = "proposed"
HISTORY = "history"


@dataclass(frozen=True)
class ZoneAtPlace:
    """One zone whose core or fringe covers the place."""

    zone: Zone
    membership: str  # "core" or "fringe"
    distance_m: float  # to the edge of the core, in metres
    status: str  # the zone's status (on the date asked about, approximately, for `at=`)
    boundary: ZoneBoundary | None = None
    fringe_m: int | None = None


@dataclass
class PlaceLookup:
    """What covers a place: zones in force, proposed zones, and ended zones (history)."""

    lat: float
    lon: float
    at: dt.date | None = None
    postcode: str | None = None
    in_force: list[ZoneAtPlace] = field(default_factory=list)
    proposed: list[ZoneAtPlace] = field(default_factory=list)
    history: list[ZoneAtPlace] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.postcode or f"{self.lat:.5f}, {self.lon:.5f}"

    def answer(self) -> str:
        """The answer in plain English, e.g. "B30 2AA is inside the Stirchley zone."."""
        verb = "was" if self.at and self.at < timezone.localdate() else "is"
        when = f" on {self.at:%-d %B %Y}" if self.at else ""
        if not self.in_force:
            return f"{self.place} {verb} not in any zone{when}."
        parts = []
        for item in self.in_force:
            if item.membership == CORE:
                parts.append(f"inside the {item.zone.name} zone")
            else:
                parts.append(f"near (within {item.distance_m:,.0f} m of) the {item.zone.name} zone")
        return f"{self.place} {verb} " + _join(parts) + when + "."


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a local day: `at=` means "as things stood at the end of that day"."""
    start_next = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start_next) - dt.timedelta(microseconds=1)


def status_on(zone: Zone, day: dt.date) -> str | None:
    """The zone's status on a past or present day, approximately, from its dates.

    In force from `declared_on` until `ended_on`; proposed from `proposed_on` until declared;
    ended from `ended_on`. Renewals and review-due periods are not distinguished (both are
    in force). None when the zone was not yet public that day.
    """
    if zone.ended_on and zone.ended_on <= day and zone.status in ENDED:
        return zone.status
    if zone.declared_on and zone.declared_on <= day and zone.status in (*IN_FORCE, *ENDED):
        return ZoneStatus.DECLARED if zone.status in ENDED else zone.status
    if zone.proposed_on and zone.proposed_on <= day and zone.status != ZoneStatus.DRAFT:
        return ZoneStatus.PROPOSED
    return None


def _sort(items: list[ZoneAtPlace]) -> list[ZoneAtPlace]:
    # Core before fringe; within each, the zone whose edge is nearest first for fringe hits
    # and deepest inside first for core hits; then by name for a stable order.
    return sorted(
        items,
        key=lambda i: (
            i.membership != CORE,
            -i.distance_m if i.membership == CORE else i.distance_m,
            i.zone.name,
        ),
    )


def _file(result: PlaceLookup, item: ZoneAtPlace) -> None:
    if item.status in IN_FORCE:
        result.in_force.append(item)
    elif item.status == ZoneStatus.PROPOSED:
        result.proposed.append(item)
    elif item.status in ENDED:
        result.history.append(item)


def _parse_at(at) -> dt.date | None:
    if at is None or at == "":
        return None
    if isinstance(at, dt.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    if isinstance(at, dt.date):
        return at
    try:
        return dt.date.fromisoformat(str(at).strip())
    except ValueError as exc:
        raise DomainError(
            code="date_invalid",
            message=f"“{str(at)[:20]}” is not a date. Give it as YYYY-MM-DD, like 2026-05-01.",
        ) from exc


def lookup_point(lat, lon, at=None, *, postcode: str | None = None) -> PlaceLookup:
    """Zones covering a point (WGS84): in force, proposed, and ended (history).

    With `at` (a date or YYYY-MM-DD), answer from boundary history: the boundary each zone had
    at the end of that day, and the zone's status then (approximated from its dates, see
    `status_on`). Draft zones are never shown.
    """
    lat, lon = g.check_lat_lon(lat, lon)
    day = _parse_at(at)
    result = PlaceLookup(lat=lat, lon=lon, at=day, postcode=postcode)
    if day is None:
        hits = current_index().query(lon=lon, lat=lat)
        zones = Zone.objects.in_bulk([h.zone_id for h in hits])
        boundaries = ZoneBoundary.objects.only("id", "fringe_m").in_bulk(
            [h.boundary_id for h in hits]
        )
        for hit in hits:
            zone = zones.get(hit.zone_id)
            if zone is None:
                continue
            boundary = boundaries.get(hit.boundary_id)
            _file(
                result,
                ZoneAtPlace(
                    zone,
                    hit.membership,
                    hit.distance_m,
                    zone.status,
                    boundary,
                    boundary.fringe_m if boundary else None,
                ),
            )
    else:
        moment = _end_of_day(day)
        rows = (
            ZoneBoundary.objects.valid_at(moment)
            .containing_point(lat=lat, lon=lon)
            .select_related("zone")
        )
        for b in rows:
            kind, distance = membership_of(
                lon=lon, lat=lat, core=g.from_geojson(b.core), outer=g.from_geojson(b.fringe)
            )
            status = status_on(b.zone, day) if kind else None
            if status:
                _file(result, ZoneAtPlace(b.zone, kind, distance, status, b, b.fringe_m))
    result.in_force = _sort(result.in_force)
    result.proposed = _sort(result.proposed)
    result.history = _sort(result.history)
    return result


def postcode_get(postcode: str) -> Postcode:
    """The postcode's centroid; 400 `postcode_malformed` or 404 `postcode_unknown`."""
    normalised = normalise_postcode(postcode)
    found = Postcode.objects.filter(postcode=normalised).first()
    if found is None:
        raise NotFound(
            f"We do not have {normalised} in our list of postcodes. Check it, or use a point "
            "on the map instead.",
            code="postcode_unknown",
        )
    return found


def lookup_postcode(postcode: str, at=None) -> PlaceLookup:
    """Zones covering a postcode's centroid (see `lookup_point`)."""
    found = postcode_get(postcode)
    return lookup_point(found.lat, found.lon, at, postcode=found.postcode)


@dataclass(frozen=True)
class ZoneInArea:
    zone: Zone
    share: float  # of the area's area covered by the zone's core, 0..1
    overlap_m2: float


def reference_area_get(*, area_type: str, code: str, vintage: str | None = None) -> ReferenceArea:
    """The latest vintage of a reference area (or the one asked for); NotFound otherwise."""
    qs = ReferenceArea.objects.filter(type=area_type, code=code.strip().upper())
    if vintage:
        qs = qs.filter(vintage=vintage)
    area = qs.order_by("-vintage").first()
    if area is None:
        raise NotFound(
            f"We have no {AreaType(area_type).label.lower()} with the code {code[:20]}.",
            code="area_unknown",
        )
    return area


def zones_touching_area(*, area: ReferenceArea, user=None) -> list[ZoneInArea]:
    """Public zones whose current core overlaps the area, with the share of the area covered.

    Zones that only share an edge (overlap under 1 m²) are left out. Largest share first.
    """
    area_geom = g.from_geojson(area.geometry)
    area_metric = g.to_metric(area_geom)
    total = area_metric.area or area.area_m2
    qs = (
        ZoneBoundary.objects.current()
        .overlapping_bbox((area.min_lon, area.min_lat, area.max_lon, area.max_lat))
        .select_related("zone")
    )
    visible = set(Zone.objects.visible_to(user).values_list("pk", flat=True)) if user else None
    results = []
    for b in qs:
        if visible is not None and b.zone_id not in visible:
            continue
        if visible is None and not b.zone.is_public:
            continue
        core = g.from_geojson(b.core)
        if not shapely.intersects(core, area_geom):
            continue
        overlap = float(shapely.intersection(g.to_metric(core), area_metric).area)
        if overlap < 1.0:
            continue
        results.append(ZoneInArea(b.zone, min(overlap / total, 1.0), round(overlap, 1)))
    return sorted(results, key=lambda r: (-r.share, r.zone.name))


def zone_current_boundary(*, zone: Zone) -> ZoneBoundary | None:
    return ZoneBoundary.objects.filter(zone=zone).current().first()


__all__ = [
    "CORE",
    "FRINGE",
    "HISTORY",
    "IN_FORCE_NOW",
    "PROPOSED",
    "PlaceLookup",
    "ZoneAtPlace",
    "ZoneInArea",
    "lookup_point",
    "lookup_postcode",
    "postcode_get",
    "reference_area_get",
    "status_on",
    "zone_current_boundary",
    "zones_touching_area",
]
