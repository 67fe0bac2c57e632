"""Zone pages. Views parse input, call a service or selector, and render; no rules here."""

from django.shortcuts import render

from sizes.zones import selectors
from sizes.zones.models import ZoneStatus


def register(request):
    status = request.GET.get("status") or None
    theme = request.GET.get("theme") or None
    if status not in ZoneStatus.values:
        status = None
    zones = selectors.zones_for_register(user=request.user, status=status, theme=theme)
    return render(
        request,
        "zones/register.html",
        {
            "zones": zones,
            "status": status,
            "theme": theme,
            "statuses": ZoneStatus.choices,
            "themes": selectors.themes_in_use(),
        },
    )


def detail(request, slug):
    zone = selectors.zone_get_for_user(slug=slug, user=request.user)
    return render(request, "zones/detail.html", {"zone": zone})
