"""Zone boundary pages: set or change the boundary (steward only), download it as GeoJSON, and
the register's map data.

The boundary page works without JavaScript: every way of giving a boundary is a plain form
field. Only drawing on the map needs JavaScript, and it writes its GeoJSON into a text box
that can also be filled in by hand. Each method turns into one call to `zone_set_boundary`;
a `DomainError` (bad geometry, unknown ward, ...) is shown beside the field it is about and
nothing is stored.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods

from sizes.core.errors import DomainError, NotFound
from sizes.geo import geometry as g
from sizes.geo import maps
from sizes.geo.api import problem
from sizes.geo.forms import METHOD_HINTS, BoundaryForm, parse_line, split_codes
from sizes.geo.models import BoundaryMethod
from sizes.geo.selectors import zone_current_boundary
from sizes.geo.services import zone_boundary_from_areas, zone_set_boundary
from sizes.geo.templating import map_settings
from sizes.zones import permissions as perms
from sizes.zones.forms import add_domain_error
from sizes.zones.selectors import zone_get_for_user

GEOJSON = "application/geo+json"

# Which form field a service's refusal belongs to, per method.
_FIELD_FOR_METHOD = {
    "areas": "codes",
    "upload": "file",
    "point": "radius_m",
    "line": "line",
    "drawn": "drawn",
}


def _FieldError(field: str, message: str, code: str = "boundary_input_invalid") -> DomainError:  # noqa: N802
    """A problem with the input that belongs to one field of the boundary form."""
    return DomainError(code=code, message=message, field=field)


def _boundary_input(data: dict) -> dict:
    """The form's cleaned data as `zone_set_boundary` arguments (geometry, method, source, crs).

    Reference areas and postcodes are joined by `zone_boundary_from_areas`; points and lines
    are turned into areas by the builders in `sizes.geo.geometry`. Raises DomainError.
    """
    method = data["method"]
    if method == "areas":
        wards = list(data.get("wards") or [])
        lsoas, postcodes = split_codes(data.get("codes", ""))
        parts, sources = [], []
        if wards:
            parts.append(zone_boundary_from_areas(area_type="ward", codes=wards))
            sources.append("ward:" + ",".join(wards))
        try:
            if lsoas:
                parts.append(zone_boundary_from_areas(area_type="lsoa", codes=lsoas))
                sources.append("lsoa:" + ",".join(lsoas))
            if postcodes:
                parts.append(zone_boundary_from_areas(area_type="postcode", codes=postcodes))
                sources.append("postcode:" + ",".join(postcodes))
        except DomainError as exc:
            raise _FieldError("codes", exc.message, exc.code) from exc
        geometry = (
            parts[0] if len(parts) == 1 else g.union_geometries([g.from_geojson(p) for p in parts])
        )
        only_postcodes = postcodes and not (wards or lsoas)
        return {
            "geometry": geometry,
            "method": BoundaryMethod.POSTCODES if only_postcodes else BoundaryMethod.AREAS,
            "source": "; ".join(sources),
        }
    if method == "upload":
        upload = data["file"]
        raw = upload.read(g.max_upload_bytes() + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _FieldError(
                "file", "The file is not a text (UTF-8) GeoJSON file.", "geojson_malformed"
            ) from exc
        return {
            "geometry": text,
            "method": BoundaryMethod.UPLOAD,
            "source": f"file:{upload.name}"[:200],
            "crs": data.get("crs") or None,
        }
    if method == "point":
        try:
            geometry = g.geometry_from_point(
                lat=data["lat"], lon=data["lon"], radius_m=data["radius_m"]
            )
        except DomainError as exc:
            field = "radius_m" if exc.code == "radius_invalid" else "lat"
            raise _FieldError(field, exc.message, exc.code) from exc
        return {
            "geometry": geometry,
            "method": BoundaryMethod.POINT,
            "source": f"point:{data['lat']},{data['lon']} radius {data['radius_m']} m",
        }
    if method == "line":
        try:
            positions = parse_line(data["line"])
        except ValueError as exc:
            raise _FieldError("line", str(exc), "coordinates_invalid") from exc
        try:
            geometry = g.geometry_from_line(positions, width_m=data["width_m"])
        except DomainError as exc:
            field = "width_m" if exc.code == "radius_invalid" else "line"
            raise _FieldError(field, exc.message, exc.code) from exc
        return {
            "geometry": geometry,
            "method": BoundaryMethod.LINE,
            "source": f"line:{len(positions)} points, width {data['width_m']} m",
        }
    return {"geometry": data["drawn"], "method": BoundaryMethod.DRAWN, "source": "drawn"}


def _field_for(exc: DomainError, method: str) -> str:
    named = getattr(exc, "field", None)
    if named:
        return named
    if exc.code == "fringe_invalid":
        return "fringe_m"
    return _FIELD_FOR_METHOD.get(method, "method")


@require_http_methods(["GET", "POST"])
@login_required
def boundary(request, slug):
    """Set or change a zone's boundary: areas, a file, a point, a line, or drawn."""
    zone = zone_get_for_user(slug=slug, user=request.user)
    perms.require(
        perms.can_edit_zone(request.user, zone), "Only the zone's stewards can change its boundary."
    )
    current = zone_current_boundary(zone=zone)
    if request.method == "POST":
        form = BoundaryForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                zone_set_boundary(
                    actor=request.user,
                    zone=zone,
                    fringe_m=data["fringe_m"] if data["fringe_m"] != "" else None,
                    **_boundary_input(data),
                )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                field = _field_for(exc, data["method"])
                add_domain_error(form, exc, field_map={exc.code: field})
            else:
                messages.success(request, "The zone's boundary has been saved.")
                return redirect("zones:detail", zone.slug)
        status = 400
    else:
        initial = None
        if current is not None and current.fringe_m is not None:
            initial = {"fringe_m": str(current.fringe_m), "crs": "EPSG:4326"}
        form = BoundaryForm(initial=initial)
        status = 200
    return render(
        request,
        "geo/boundary.html",
        {
            "form": form,
            "zone": zone,
            "current": current,
            "current_map": maps.zone_map_data(current) if current else None,
            "method_hints": METHOD_HINTS,
            **map_settings(),
        },
        status=status,
    )


def _geojson_response(body: dict, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(body, separators=(",", ":")), content_type=GEOJSON)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def boundary_geojson(request, slug):
    """The zone's current boundary (core and fringe) as RFC 7946 GeoJSON."""
    zone = zone_get_for_user(slug=slug, user=request.user)
    current = zone_current_boundary(zone=zone)
    if current is None:
        raise NotFound("This zone has no boundary yet.", code="boundary_missing")
    return _geojson_response(
        maps.boundary_feature_collection(current), filename=f"{zone.slug}-boundary.geojson"
    )


@require_GET
@gzip_page
def map_geojson(request):
    """Every zone in force, simplified for `?zoom=N` (0–20, default 12), for the register map;
    `?bbox=min_lon,min_lat,max_lon,max_lat` keeps only the zones meeting that box (the map asks
    for what it shows). Gzip-compressed for clients that accept it: megabytes at 10,000 zones."""
    try:
        zoom = maps.parse_zoom(request.GET.get("zoom"))
        bbox = maps.parse_bbox(request.GET.get("bbox"))
    except DomainError as exc:
        return problem(exc)
    response = HttpResponse(maps.zones_map_json(zoom=zoom, bbox=bbox), content_type=GEOJSON)
    response["Cache-Control"] = "public, max-age=60"
    return response
