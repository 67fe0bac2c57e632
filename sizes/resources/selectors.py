"""Reads of pooled information and pledges.

**Visibility lives here and only here.** Every page, feed, export and API endpoint reads records
through the `*_visible_to(user, zone)` family (or `records_visible_to`), which returns public
records of zones the person may see, plus partners-only records when the person is a member of
one of the zone's partner organisations (or of the record's own organisation), or an admin.
Public exports pass `user=None` and so get public records only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Q, QuerySet, Value

from sizes.partners.models import Organisation, Partnership
from sizes.resources.models import (
    Asset,
    Budget,
    Objective,
    OrganisationIdentifier,
    Plan,
    Pledge,
    PledgeStatus,
    Visibility,
)
from sizes.resources.permissions import member_org_ids
from sizes.zones.models import Zone
from sizes.zones.permissions import can_view_zone, is_admin

# The four kinds of pooled information the "second star" asks every partner to share.
POOLED_KINDS = ("budget", "asset", "objective", "plan")
POOLED_MODELS = {"budget": Budget, "asset": Asset, "objective": Objective, "plan": Plan}
POOLED_LABELS = {"budget": "Budgets", "asset": "Assets", "objective": "Objectives", "plan": "Plans"}


def _visible_q(user, member_orgs: set[int] | None = None) -> Q:
    """Which records `user` may see, as a filter (zone visibility is applied separately).
    `member_orgs`: the person's `member_org_ids`, when the caller has read them."""
    if is_admin(user):
        return Q()
    q = Q(visibility=Visibility.PUBLIC)
    ids = member_orgs if member_orgs is not None else member_org_ids(user)
    if ids:
        partner_zones = Partnership.objects.filter(organisation_id__in=ids).values("zone_id")
        q |= Q(zone_id__in=partner_zones) | Q(organisation_id__in=ids)
    return q


def records_visible_to(
    model, user, zone: Zone | None = None, *, organisation=None, member_orgs=None
) -> QuerySet:
    """Records of `model` that `user` may see (`user=None`: the public), in one zone or all.
    `member_orgs`: the person's `member_org_ids`, when the caller has read them (a page
    reading several kinds)."""
    if zone is not None:
        # One zone, in hand: whether the person may see it is decided here, by the rule
        # `Zone.objects.visible_to` applies (public, or a steward's, or an admin's), rather than
        # by a subquery in each read (building and compiling it was half the cost of each of
        # the zone page's five reads of records).
        if not (zone.is_public or (user is not None and can_view_zone(user, zone))):
            return model.objects.none()
        qs = model.objects.filter(zone=zone).filter(_visible_q(user, member_orgs))
    else:
        zones = Zone.objects.visible_to(user) if user is not None else Zone.objects.public()
        qs = model.objects.filter(zone_id__in=zones.values("pk")).filter(
            _visible_q(user, member_orgs)
        )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.select_related("zone", "organisation")


def budgets_visible_to(user, zone: Zone | None = None, **kw) -> QuerySet:
    return records_visible_to(Budget, user, zone, **kw)


def assets_visible_to(user, zone: Zone | None = None, **kw) -> QuerySet:
    return records_visible_to(Asset, user, zone, **kw)


def objectives_visible_to(user, zone: Zone | None = None, **kw) -> QuerySet:
    return records_visible_to(Objective, user, zone, **kw)


def plans_visible_to(user, zone: Zone | None = None, **kw) -> QuerySet:
    return records_visible_to(Plan, user, zone, **kw)


def pledges_visible_to(user, zone: Zone | None = None, **kw) -> QuerySet:
    return records_visible_to(Pledge, user, zone, **kw)


def grants_visible_to(user, zone: Zone | None = None, **kw) -> QuerySet:
    return pledges_visible_to(user, zone, **kw).filter(status=PledgeStatus.GRANTED)


# --- the star grade -------------------------------------------------------------------------


def zone_pooled_summary(*, zone: Zone, partner_ids=None) -> dict[int, set[str]]:
    """Organisation id -> which of "budget", "asset", "objective", "plan" it has shared for the
    zone, in any visibility. Every partner organisation of the zone is a key (an empty set when
    it has shared nothing), so the grade can say who is missing what. `partner_ids`: the ids
    of the zone's partner organisations, when the caller has read its partnerships already
    (the zone page): one query fewer."""
    partners = None if partner_ids is None else {zone.pk: partner_ids}
    return zones_pooled_summary(zone_ids=[zone.pk], partners=partners)[zone.pk]


def zones_pooled_summary(
    *, zone_ids: list[int], partners: dict[int, Iterable[int]] | None = None
) -> dict[int, dict[int, set[str]]]:
    """`zone_pooled_summary` for many zones at once (zone id -> summary), in two queries: the
    partners (unless given: zone id -> partner organisation ids), then who shared which kind
    (one UNION of the four kinds' tables)."""
    summaries: dict[int, dict[int, set[str]]] = {z: {} for z in zone_ids}
    if partners is None:
        partners = {}
        for zone_id, org_id in Partnership.objects.filter(zone_id__in=zone_ids).values_list(
            "zone_id", "organisation_id"
        ):
            partners.setdefault(zone_id, []).append(org_id)
    for zone_id, org_ids in partners.items():
        for org_id in org_ids:
            summaries[zone_id].setdefault(org_id, set())
    kinds = [
        model.objects.filter(zone_id__in=zone_ids)
        .annotate(pooled_kind=Value(kind, output_field=CharField()))
        .values_list("zone_id", "organisation_id", "pooled_kind")
        .order_by()
        for kind, model in POOLED_MODELS.items()
    ]
    shared = kinds[0].union(*kinds[1:]).order_by("zone_id", "organisation_id", "pooled_kind")
    for zone_id, org_id, kind in shared:
        summaries[zone_id].setdefault(org_id, set()).add(kind)
    return summaries


@dataclass
class PartnerShare:
    """One row of the "two stars" check: what a partner has shared, and what is missing."""

    organisation: Organisation
    shared: list[str]  # kinds the viewer can see
    shared_privately: list[str]  # kinds shared with partners only, that the viewer cannot see
    missing: list[str]


def two_stars_check(
    *,
    zone: Zone,
    user,
    summary: dict[int, set[str]] | None = None,
    visible_records: dict[str, list] | None = None,
    organisations: dict[int, Organisation] | None = None,
) -> list[PartnerShare]:
    """Per partner: which pooled kinds are shared, which only with partners, which missing.

    Only the *fact* that a partners-only record exists is shown to others (the star grade counts
    it); its content never is. `summary`: the zone's `zone_pooled_summary`, and
    `visible_records`: kind -> the zone's records of that kind `user` may see (as
    `records_visible_to` returns them), and `organisations`: id -> Organisation for the zone's
    partners, when the caller has read them already (the zone page).
    """
    if summary is None:
        summary = zone_pooled_summary(zone=zone)
    visible: dict[int, set[str]] = defaultdict(set)
    for kind, model in POOLED_MODELS.items():
        if visible_records is not None:
            org_ids = [record.organisation_id for record in visible_records[kind]]
        else:
            org_ids = records_visible_to(model, user, zone).values_list(
                "organisation_id", flat=True
            )
        for org_id in org_ids:
            visible[org_id].add(kind)
    orgs = {pk: org for pk, org in (organisations or {}).items() if pk in summary}
    missing = [pk for pk in summary if pk not in orgs]
    if missing:  # an organisation that shared records without being a partner (any longer)
        orgs.update(Organisation.objects.in_bulk(missing))
    rows = []
    for org_id, kinds in summary.items():
        org = orgs[org_id]
        rows.append(
            PartnerShare(
                organisation=org,
                shared=[k for k in POOLED_KINDS if k in visible[org_id]],
                shared_privately=[
                    k for k in POOLED_KINDS if k in kinds and k not in visible[org_id]
                ],
                missing=[k for k in POOLED_KINDS if k not in kinds],
            )
        )
    return sorted(rows, key=lambda r: r.organisation.name)


# --- totals and charts ----------------------------------------------------------------------


@dataclass
class Totals:
    """Sums of the amount spent in the zone, per currency (amounts in one currency only add up)."""

    by_partner: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    by_service: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    by_period: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    by_period_partner: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    currencies: list[str] = field(default_factory=list)
    unestimated: int = 0  # budgets whose share in the zone is not given


def _add(table: dict, key: str, currency: str, amount: Decimal) -> None:
    row = table.setdefault(key, {})
    row[currency] = row.get(currency, Decimal("0")) + amount


def budget_totals(budgets) -> Totals:
    """Totals of the amount spent in the zone, by partner, by service and by period."""
    totals = Totals()
    ordered = sorted(budgets, key=lambda b: (b.period_start, b.period_end))
    for b in ordered:
        amount = b.zone_amount
        if amount is None:
            totals.unestimated += 1
            continue
        _add(totals.by_partner, b.organisation.name, b.currency, amount)
        _add(totals.by_service, b.service, b.currency, amount)
        _add(totals.by_period, b.period_label, b.currency, amount)
        _add(
            totals.by_period_partner, f"{b.period_label}|{b.organisation.name}", b.currency, amount
        )
        if b.period_label not in totals.periods:
            totals.periods.append(b.period_label)
        if b.currency not in totals.currencies:
            totals.currencies.append(b.currency)
    totals.by_partner = dict(sorted(totals.by_partner.items()))
    totals.by_service = dict(sorted(totals.by_service.items()))
    return totals


def organisation_identifiers(*, organisation) -> list[OrganisationIdentifier]:
    return list(OrganisationIdentifier.objects.filter(organisation=organisation))


def org_id_for(organisation) -> str | None:
    """The organisation's first org-id ("GB-CHC-1234567"), preferring charity and company
    numbers, then local authority and NHS codes; None when it has none."""
    order = ["GB-CHC", "GB-SC", "GB-NIC", "GB-COH", "GB-LAE", "GB-LAS", "GB-LAW", "GB-NHS"]
    ids = sorted(
        organisation.identifiers.all(),
        key=lambda i: order.index(i.scheme) if i.scheme in order else len(order),
    )
    return ids[0].org_id if ids else None


def asset_features(assets) -> dict:
    """Assets with a location as a GeoJSON FeatureCollection, for the zone map."""
    features = []
    for a in assets:
        if a.lat is not None:
            geometry = {"type": "Point", "coordinates": [a.lon, a.lat]}
        elif a.area:
            geometry = a.area
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "id": a.pk,
                "geometry": geometry,
                "properties": {
                    "name": a.name,
                    "kind": a.kind,
                    "kind_label": a.get_kind_display(),
                    "organisation": a.organisation.name,
                    "location_note": a.location_note,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def zones_for_funders(*, theme: str | None = None, outcome: str | None = None, zone_ids=None):
    """Public zones that have not ended, filtered by theme slug and outcome words."""
    from sizes.zones.models import ENDED

    qs = (
        Zone.objects.public()
        .exclude(status__in=ENDED)
        .prefetch_related("themes", "outcomes")
        .order_by("name")
    )
    if theme:
        qs = qs.filter(themes__slug=theme)
    if outcome:
        qs = qs.filter(outcomes__title__icontains=outcome)
    if zone_ids is not None:
        qs = qs.filter(pk__in=zone_ids)
    return qs.distinct()
