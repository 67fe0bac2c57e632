"""Public history pages: what happened to a zone (and everything in it), and to a variation."""

from django.shortcuts import render

from sizes.audit import selectors


def zone_history(request, slug: str):
    zone = selectors.public_zone_get(slug=slug)
    entries = selectors.zone_history(zone=zone)
    return render(request, "history/zone.html", {"zone": zone, "entries": entries})


def variation_history(request, pk: int):
    variation = selectors.public_variation_get(pk=pk)
    entries = selectors.variation_history(variation=variation)
    return render(
        request,
        "history/variation.html",
        {"variation": variation, "zone": variation.zone, "entries": entries},
    )
