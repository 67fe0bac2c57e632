"""Pages: "Am I in a zone?" (postcode or point lookup) and a ward's zones."""

from django.shortcuts import render

from sizes.core.errors import DomainError
from sizes.geo.models import AreaType
from sizes.geo.selectors import (
    lookup_point,
    lookup_postcode,
    reference_area_get,
    zones_touching_area,
)


def lookup(request):
    """The lookup form; with a postcode or lat/lon in the query string, the answer too."""
    form = {k: request.GET.get(k, "").strip()[:40] for k in ("postcode", "lat", "lon", "at")}
    result, error, field = None, None, None
    if any(form[k] for k in ("postcode", "lat", "lon")):
        try:
            if form["postcode"]:
                field = "postcode"
                result = lookup_postcode(form["postcode"], form["at"] or None)
            else:
                field = "lat"
                if not (form["lat"] and form["lon"]):
                    raise DomainError(
                        code="point_incomplete",
                        message="Enter both a latitude and a longitude, or a postcode.",
                    )
                result = lookup_point(form["lat"], form["lon"], form["at"] or None)
        except DomainError as exc:
            error = exc
            if exc.code == "date_invalid":
                field = "at"
    status = error.status if error else 200
    return render(
        request,
        "geo/lookup.html",
        {"form": form, "result": result, "error": error, "error_field": field},
        status=status,
    )


def ward(request, code: str):
    area = reference_area_get(area_type=AreaType.WARD, code=code)
    zones = zones_touching_area(area=area, user=request.user)
    return render(request, "geo/ward.html", {"area": area, "zones": zones})
