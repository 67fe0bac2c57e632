"""A per-process spatial index of the current zone boundaries (core and fringe).

Each process keeps one `ZoneIndex` in memory: an STRtree over every zone's outer area (core
plus fringe) and the cores themselves, in WGS84 for point-in-polygon and in the metric CRS for
distances. Before each lookup `current_index()` reads the single-row `GeoRevision` number (one
tiny query) and rebuilds the index only when that number has changed — i.e. when some process
set a boundary. So lookups never rebuild per request, and several server processes sharing one
database see an edit made through any of them on their next lookup.

The index caches geometry only; zone status is read from the database by the caller, so a zone
being declared or dissolved is seen at once without a rebuild.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from sizes.geo import geometry as g
from sizes.geo.models import GeoRevision, ZoneBoundary

CORE = "core"
FRINGE = "fringe"


@dataclass(frozen=True)
class Hit:
    """A zone boundary that covers a point."""

    zone_id: int
    boundary_id: int
    membership: str  # CORE or FRINGE
    distance_m: float  # from the point to the core's edge (inside or outside it)


@dataclass
class _Entry:
    zone_id: int
    boundary_id: int
    core: BaseGeometry
    core_metric: BaseGeometry


def membership_of(
    *, lon: float, lat: float, core: BaseGeometry, outer: BaseGeometry, core_metric=None
) -> tuple[str | None, float]:
    """(CORE | FRINGE | None, distance in metres to the core's edge) for one point."""
    if shapely.intersects_xy(core, lon, lat):
        kind = CORE
    elif shapely.intersects_xy(outer, lon, lat):
        kind = FRINGE
    else:
        kind = None
    if kind is None:
        return None, 0.0
    core_metric = core_metric if core_metric is not None else g.to_metric(core)
    point = g.to_metric(Point(lon, lat))
    return kind, round(float(core_metric.boundary.distance(point)), 1)


class ZoneIndex:
    def __init__(self, revision: tuple[int, str], boundaries: list[ZoneBoundary]):
        self.revision = revision
        self.entries: list[_Entry] = []
        outers = []
        for b in boundaries:
            core = g.from_geojson(b.core)
            outer = g.from_geojson(b.fringe)
            shapely.prepare(core)
            shapely.prepare(outer)
            self.entries.append(_Entry(b.zone_id, b.pk, core, g.to_metric(core)))
            outers.append(outer)
        self.outers = outers
        self.tree = shapely.STRtree(outers)

    def __len__(self) -> int:
        return len(self.entries)

    def query(self, *, lon: float, lat: float) -> list[Hit]:
        """Every current boundary whose core or fringe covers the point."""
        hits = []
        for i in self.tree.query(Point(lon, lat), predicate="intersects"):
            entry = self.entries[int(i)]
            kind, distance = membership_of(
                lon=lon,
                lat=lat,
                core=entry.core,
                outer=self.outers[int(i)],
                core_metric=entry.core_metric,
            )
            if kind:
                hits.append(Hit(entry.zone_id, entry.boundary_id, kind, distance))
        return hits


_lock = threading.Lock()
_index: ZoneIndex | None = None
# How many times this process has built the index (tests count rebuilds with it).
rebuilds = 0


def _build(revision: tuple[int, str]) -> ZoneIndex:
    global rebuilds
    rows = list(
        ZoneBoundary.objects.current().only("id", "zone_id", "core", "fringe").order_by("id")
    )
    rebuilds += 1
    return ZoneIndex(revision, rows)


def current_index() -> ZoneIndex:
    """The index for the current geography revision, rebuilt only if the revision changed."""
    global _index
    # Read the revision before the boundaries: if an edit lands in between, the index holds
    # data at least as new as its number and the next lookup simply rebuilds again.
    revision = GeoRevision.current()
    index = _index
    if index is not None and index.revision == revision:
        return index
    with _lock:
        if _index is None or _index.revision != revision:
            _index = _build(revision)
        return _index


def reset() -> None:
    """Forget the index (tests use this; the next lookup rebuilds)."""
    global _index
    with _lock:
        _index = None
