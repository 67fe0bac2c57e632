"""Reads for engagement pages. Nothing here returns personal data (emails, postcodes)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.urls import reverse

from sizes.engagement.models import Idea, IdeaStatus, Suggestion, SuggestionStatus
from sizes.geo import geometry as g
from sizes.geo.models import AreaType, ReferenceArea

SUGGESTION_SORTS = {"support": "Most supported", "newest": "Newest", "oldest": "Oldest"}


def suggestions_list(*, sort: str = "support", status: str | None = None):
    """Suggestions with their support counts, sorted by support (then newest) or date."""
    qs = (
        Suggestion.objects.select_related("author", "zone")
        .prefetch_related("themes", "wards")
        .annotate(support_count=Count("supports", distinct=True))
    )
    if status in SuggestionStatus.values:
        qs = qs.filter(status=status)
    if sort == "newest":
        return qs.order_by("-created_at", "-id")
    if sort == "oldest":
        return qs.order_by("created_at", "id")
    return qs.order_by("-support_count", "-created_at", "-id")


@dataclass(frozen=True)
class WardDensity:
    ward: ReferenceArea
    count: int
    level: int  # 0 (none) .. 4 (most), for shading
    path: str  # SVG path data in the map's own coordinates


def _level(count: int, top: int) -> int:
    if count == 0 or top == 0:
        return 0
    return max(1, min(4, round(4 * count / top + 0.49)))


def suggestion_density(*, width: int = 600) -> tuple[list[WardDensity], int, int]:
    """Suggestions per ward (latest vintage) with an SVG path for each ward, for a server-drawn
    choropleth. Returns (rows sorted by count then name, svg width, svg height)."""
    wards = list(ReferenceArea.objects.latest_vintage(area_type=AreaType.WARD).order_by("name"))
    if not wards:
        return [], width, 0
    counts = dict(
        ReferenceArea.objects.filter(pk__in=[w.pk for w in wards])
        .annotate(
            n=Count(
                "suggestions_counted",
                filter=~Q(suggestions_counted__status=SuggestionStatus.DECLINED),
            )
        )
        .values_list("pk", "n")
    )
    min_lon = min(w.min_lon for w in wards)
    max_lon = max(w.max_lon for w in wards)
    min_lat = min(w.min_lat for w in wards)
    max_lat = max(w.max_lat for w in wards)
    # Equirectangular projection scaled by the cosine of the middle latitude: good enough to
    # recognise a city's wards, with no tiles and no JavaScript.
    import math

    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = width / span_x
    height = max(1, round(span_y * scale))

    def path(ward) -> str:
        geom = g.from_geojson(ward.geometry)
        geom = geom.simplify(span_x / width / kx, preserve_topology=True)
        parts = []
        for poly in getattr(geom, "geoms", [geom]):
            for ring in [poly.exterior, *poly.interiors]:
                pts = [
                    f"{(x - min_lon) * kx * scale:.1f},{(max_lat - y) * scale:.1f}"
                    for x, y in ring.coords
                ]
                parts.append("M" + "L".join(pts) + "Z")
        return "".join(parts)

    top = max(counts.values() or [0])
    rows = [
        WardDensity(w, counts.get(w.pk, 0), _level(counts.get(w.pk, 0), top), path(w))
        for w in wards
    ]
    rows.sort(key=lambda r: (-r.count, r.ward.name))
    return rows, width, height


def ideas_for_zone(*, zone):
    return Idea.objects.filter(zone=zone).select_related("organisation", "author", "variation")


def ideas_overdue(*, zone, today):
    """Ideas still waiting for an answer after their deadline, oldest deadline first."""
    return (
        ideas_for_zone(zone=zone)
        .filter(status=IdeaStatus.OPEN, answer_due__lt=today)
        .order_by("answer_due", "id")
    )


def ideas_to_answer(*, user):
    """Open or deferred ideas addressed to organisations the person is an approved member of."""
    from sizes.partners.models import Membership

    if not user.is_authenticated:
        return Idea.objects.none()
    orgs = Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values(
        "organisation_id"
    )
    return (
        Idea.objects.filter(
            organisation_id__in=orgs, status__in=[IdeaStatus.OPEN, IdeaStatus.LATER]
        )
        .select_related("zone", "organisation")
        .order_by("answer_due", "id")
    )


def suggestions_map_data(suggestions) -> dict:
    """Suggestions as GeoJSON for the map on /suggestions/: each marked point and drawn area,
    with its name, status and page. Suggestions given as wards are on the ward map instead.
    Holds nothing personal: no author, and never a postcode (none is kept)."""
    features = []
    for s in suggestions:
        if s.area:
            geometry = s.area
        elif s.lat is not None and s.lon is not None:
            geometry = {"type": "Point", "coordinates": [s.lon, s.lat]}
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "name": s.place,
                    "status": s.status,
                    "url": reverse("engagement:suggestion", args=[s.pk]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def service_area_bounds() -> list[float] | None:
    """[min_lon, min_lat, max_lon, max_lat] a suggestion map opens on: the service area box,
    or the extent of the imported wards; None when there is neither."""
    raw = (settings.SIZES_SERVICE_AREA_BBOX or "").strip()
    if raw:
        return [float(x) for x in raw.split(",")]
    extent = ReferenceArea.objects.filter(type=AreaType.WARD).aggregate(
        Min("min_lon"), Min("min_lat"), Max("max_lon"), Max("max_lat")
    )
    if extent["min_lon__min"] is None:
        return None
    return [
        extent["min_lon__min"],
        extent["min_lat__min"],
        extent["max_lon__max"],
        extent["max_lat__max"],
    ]
