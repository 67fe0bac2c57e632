"""The pages a member of the public can reach: the demo's data, with the pages discovered from
the database rather than listed by hand."""

from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from sizes.partners.models import Organisation
from sizes.zones.models import PUBLIC, Theme, Zone, ZoneStatus


def load_site_data() -> str:
    """Load the demo, the seed example a visitor sees; return where the data came from."""
    call_command("demo", "--no-serve")
    return "demo"


def _maybe_reverse(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def public_urls() -> list[str]:
    """Every public page: fixed pages, the register with each kind of filter, every public zone
    and organisation, the account pages that exist, and a page that is not there."""
    urls = [reverse("web:home"), reverse("web:about"), reverse("zones:register")]
    urls.append(reverse("zones:register") + f"?status={ZoneStatus.DECLARED}")
    theme = Theme.objects.filter(zones__status__in=PUBLIC).order_by("slug").first()
    if theme:
        urls.append(reverse("zones:register") + f"?theme={theme.slug}")
    for slug in (
        Zone.objects.filter(status__in=PUBLIC).order_by("slug").values_list("slug", flat=True)
    ):
        urls.append(reverse("zones:detail", kwargs={"slug": slug}))
    urls.append(reverse("partners:organisations"))
    for slug in Organisation.objects.order_by("slug").values_list("slug", flat=True):
        url = _maybe_reverse("partners:detail", slug=slug) or _maybe_reverse(
            "partners:organisation", slug=slug
        )
        if url:
            urls.append(url)
    urls += _variation_and_accountability_urls()
    urls.append(reverse("accounts:sign-in"))
    for name in ("accounts:sign-up", "accounts:signup", "accounts:register"):
        url = _maybe_reverse(name)
        if url:
            urls.append(url)
            break
    urls.append("/this-page-does-not-exist/")
    return list(dict.fromkeys(u for u in urls if u))


def _variation_and_accountability_urls() -> list[str | None]:
    """The variations register, each variation of a public zone with its history, each public
    zone's accountability report and history, the postcode look-up, and a few wards."""
    from sizes.geo.models import AreaType, ReferenceArea
    from sizes.variations.models import Variation, VariationStatus

    urls = [
        _maybe_reverse("variations:register"),
        (_maybe_reverse("variations:register") or "") + f"?status={VariationStatus.ACTIVE}",
    ]
    variations = Variation.objects.filter(zone__status__in=PUBLIC).order_by("pk")
    for pk in variations.values_list("pk", flat=True):
        urls += [
            _maybe_reverse("variations:detail", pk=pk),
            _maybe_reverse("history:variation", pk=pk),
        ]
    for slug in (
        Zone.objects.filter(status__in=PUBLIC).order_by("slug").values_list("slug", flat=True)
    ):
        urls += [
            _maybe_reverse("accountability:zone", slug=slug),
            _maybe_reverse("history:zone", slug=slug),
        ]
    urls.append(_maybe_reverse("geo:lookup"))
    # Wards: a few are enough to check the page; the demo's own wards come first by code.
    codes = (
        ReferenceArea.objects.latest_vintage(area_type=AreaType.WARD)
        .order_by("code")
        .values_list("code", flat=True)[:2]
    )
    for code in codes:
        urls += [
            _maybe_reverse("geo:ward", code=code),
            _maybe_reverse("accountability:ward", code=code),
        ]
    return urls
