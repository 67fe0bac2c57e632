"""Bulk export of every public zone: one GeoJSON FeatureCollection, or CSV."""

from __future__ import annotations

import csv
import io
import json

from django.http import HttpResponse

from sizes.api import selectors
from sizes.api.conventions import ApiRouter, set_last_modified
from sizes.api.geojson import GEOJSON, bbox_of, feature
from sizes.api.schemas import FeatureCollection

router = ApiRouter(tags=["export"])

CSV_FIELDS = [
    "id", "slug", "name", "status", "themes", "partners", "proposed_on", "declared_on",
    "review_date", "ended_on", "fringe_m", "min_lon", "min_lat", "max_lon", "max_lat",
    "updated_at", "url",
]  # fmt: skip


def _zones():
    return list(selectors.zones_public_filtered().order_by("pk"))


def _boundary(zone):
    return zone.current[0] if zone.current else None


def _properties(zone) -> dict:
    b = _boundary(zone)
    return {
        "slug": zone.slug,
        "name": zone.name,
        "status": zone.status,
        "themes": [t.slug for t in zone.themes.all()],
        "partners": [p.organisation.slug for p in zone.partnerships.all()],
        "proposed_on": zone.proposed_on.isoformat() if zone.proposed_on else None,
        "declared_on": zone.declared_on.isoformat() if zone.declared_on else None,
        "review_date": zone.review_date.isoformat(),
        "ended_on": zone.ended_on.isoformat() if zone.ended_on else None,
        "fringe_m": b.fringe_m if b else None,
        "updated_at": zone.updated_at.isoformat(),
        "url": f"/zones/{zone.slug}/",
    }


def _last_modified(zones):
    return max((z.updated_at for z in zones), default=None)


@router.get(
    "/zones.geojson", response=FeatureCollection, summary="Every public zone as GeoJSON",
    openapi_extra={"x-media-type": GEOJSON},
)  # fmt: skip
def export_zones_geojson(request):
    """One RFC 7946 FeatureCollection: each public zone's core boundary (null when it has
    none yet) with its main facts as properties."""
    zones = _zones()
    body = {
        "type": "FeatureCollection",
        "features": [
            feature(fid=z.slug, geometry=_boundary(z).core if _boundary(z) else None,
                    properties=_properties(z))
            for z in zones
        ],
    }  # fmt: skip
    response = HttpResponse(json.dumps(body), content_type=GEOJSON)
    response["Content-Disposition"] = 'inline; filename="sizes-zones.geojson"'
    set_last_modified(response, _last_modified(zones))
    return response


@router.get(
    "/zones.csv", response=str, summary="Every public zone as CSV",
    openapi_extra={"x-media-type": "text/csv"},
)  # fmt: skip
def export_zones_csv(request):
    """One row per public zone; lists (themes, partners) are separated by semicolons."""
    zones = _zones()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for z in zones:
        props = _properties(z)
        b = _boundary(z)
        bounds = bbox_of(b.core) if b else [None] * 4
        row = {k: props.get(k) for k in CSV_FIELDS}
        row.update(
            id=z.pk, themes=";".join(props["themes"]), partners=";".join(props["partners"]),
            min_lon=bounds[0], min_lat=bounds[1], max_lon=bounds[2], max_lat=bounds[3],
        )  # fmt: skip
        writer.writerow({k: _safe(v) for k, v in row.items()})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sizes-zones.csv"'
    set_last_modified(response, _last_modified(zones))
    return response


def _safe(value):
    """Stop a spreadsheet running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value
