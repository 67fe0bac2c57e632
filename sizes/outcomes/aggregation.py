"""From reference areas (LSOAs, wards) to the zone: area weighting.

Reference areas do not nest in zones: an LSOA may be partly inside. Each area i overlapping
the zone's current core gets

    overlap_i = area(LSOA_i ∩ core)       in m², measured in British National Grid (EPSG:27700)
    share_i   = overlap_i ÷ area(LSOA_i)  the share of the LSOA inside the zone

and the zone's value for a period is

    mean (rates, percentages, scores, ranks):  Σ v_i × overlap_i ÷ Σ overlap_i
    sum  (counts of people or things):         Σ v_i × share_i

The mean weights each area by how much of the zone it makes up; the sum assumes what is
counted is spread evenly over each area. Both are the standard areal-interpolation
assumptions; population weighting (by mid-year population) would be better for counts of
people where homes cluster, and is not done yet. Slivers under 1 m² (from generalised
boundaries) are ignored. A period is aggregated only when every overlapping area has a value:
otherwise the zone value would silently stand for a different place.
"""

from dataclasses import dataclass
from decimal import Decimal

from shapely.strtree import STRtree

from sizes.geo.geometry import from_geojson, to_metric
from sizes.geo.models import ReferenceArea, ZoneBoundary

SLIVER_M2 = 1.0


@dataclass(frozen=True)
class AreaWeight:
    code: str
    name: str
    overlap_m2: float
    share: float  # of the reference area inside the zone, 0–1


def zone_area_weights(*, zone, area_type: str) -> list[AreaWeight]:
    """The reference areas of `area_type` overlapping the zone's current core, with weights."""
    boundary = ZoneBoundary.objects.filter(zone=zone).current().first()
    if boundary is None:
        return []
    core = to_metric(from_geojson(boundary.core))
    areas = list(
        ReferenceArea.objects.latest_vintage(area_type=area_type).overlapping_bbox(
            (boundary.min_lon, boundary.min_lat, boundary.max_lon, boundary.max_lat)
        )
    )
    if not areas:
        return []
    shapes = [to_metric(from_geojson(a.geometry)) for a in areas]
    tree = STRtree(shapes)
    weights = []
    for index in tree.query(core, predicate="intersects"):
        shape = shapes[int(index)]
        overlap = float(shape.intersection(core).area)
        if overlap < SLIVER_M2:
            continue
        area = areas[int(index)]
        weights.append(AreaWeight(area.code, area.name, overlap, overlap / float(shape.area)))
    return sorted(weights, key=lambda w: w.code)


def aggregate(values: dict[str, Decimal], weights: list[AreaWeight], *, how: str) -> Decimal | None:
    """The zone value from area values, or None when an overlapping area has no value."""
    if not weights or any(w.code not in values for w in weights):
        return None
    if how == "sum":
        return sum((values[w.code] * Decimal(repr(w.share)) for w in weights), Decimal(0))
    total = sum(Decimal(repr(w.overlap_m2)) for w in weights)
    return sum((values[w.code] * Decimal(repr(w.overlap_m2)) for w in weights), Decimal(0)) / total
