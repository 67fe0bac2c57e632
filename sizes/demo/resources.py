"""Demo: what partners put into the Stirchley and Cotteridge zone, and a funder's grant.

Budgets from the council, the NHS and the Friends of Cotteridge Park over the last two
financial years; assets with locations (Cotteridge Park and its pavilion among them); objectives
and plans; and a pledge from a demo funder that became a grant. All figures are invented for
the demo. Locations are approximate: Cotteridge Park lies around 52.4193 N, 1.9278 W, east of
the Pershore Road in Cotteridge.

Everything is created through the services, by the demo people. Loading is idempotent: records
that exist already (matched by zone, organisation and name) are left alone.
"""

from __future__ import annotations

import datetime as dt

from sizes.accounts.models import User
from sizes.partners import services as partner_services
from sizes.partners.models import Membership, Organisation, OrganisationKind
from sizes.resources import services
from sizes.resources.models import (
    Asset,
    Budget,
    Objective,
    OrganisationIdentifier,
    Plan,
    Pledge,
)
from sizes.zones.models import Zone

SLUG = "stirchley-and-cotteridge-health-and-well-being"
COUNCIL = "Birmingham City Council"
NHS = "NHS Birmingham and Solihull"
FRIENDS = "Friends of Cotteridge Park"
FUNDER = "Birmingham Community Foundation (demo)"
FUNDER_USER = ("funder.demo", "Jo Reid (Birmingham Community Foundation, demo)")

# Cotteridge Park, approximately: a rough outline around 52.4193 N, 1.9278 W.
PARK = (52.4193, -1.9278)
PARK_AREA = {
    "type": "Polygon",
    "coordinates": [
        [
            [-1.9305, 52.4180],
            [-1.9250, 52.4180],
            [-1.9250, 52.4206],
            [-1.9305, 52.4206],
            [-1.9305, 52.4180],
        ]
    ],
}
PAVILION = (52.4197, -1.9283)


def financial_years(today: dt.date) -> list[str]:
    """The last complete UK financial year and the current one, like ["2025-26", "2026-27"]."""
    start = today.year if today.month >= 4 else today.year - 1
    return [f"{y}-{str(y + 1)[2:]}" for y in (start - 1, start)]


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _member(username: str) -> User:
    return User.objects.get(username=username)


def _funder(admin: User) -> tuple[Organisation, User]:
    org = Organisation.objects.filter(name=FUNDER).first()
    if org is None:
        org = partner_services.organisation_create(
            actor=admin,
            name=FUNDER,
            kind=OrganisationKind.FUNDER,
            description="A demo community foundation that funds local groups in Birmingham. "
            "Not a real organisation.",
        )
    username, display = FUNDER_USER
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display, "email": f"{username}@demo.sizes.invalid"},
    )
    if created:
        from sizes.demo.loader import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    membership = Membership.objects.filter(user=user, organisation=org).first()
    if membership is None:
        membership = partner_services.membership_request(actor=user, organisation=org)
    if membership.status != Membership.Status.APPROVED:
        partner_services.membership_decide(
            actor=admin, membership=membership, approve=True, can_sign=True
        )
    return org, user


def _identifier(actor, org, org_id: str) -> None:
    scheme, ident = org_id.rsplit("-", 1)
    if not OrganisationIdentifier.objects.filter(scheme=scheme, identifier=ident).exists():
        services.organisation_identifier_add(actor=actor, organisation=org, org_id=org_id)


def load(*, today: dt.date) -> dict[str, int]:
    """Add the demo's pooled information to the seed zone; return how many records were added."""
    zone = Zone.objects.get(slug=SLUG)
    officer, nhs_lead, friends = (
        _member("council.officer"),
        _member("nhs.lead"),
        _member("park.friends"),
    )
    council, nhs, park_friends = _org(COUNCIL), _org(NHS), _org(FRIENDS)
    funder, funder_user = _funder(officer)
    _identifier(officer, council, "GB-LAE-BIR")
    _identifier(nhs_lead, nhs, "GB-NHS-QHL")
    added = {"budgets": 0, "assets": 0, "objectives": 0, "plans": 0, "pledges": 0}

    last, this = financial_years(today)
    budgets = [
        # actor, org, service, year, amount, share (% or amount), basis, kind, visibility
        (officer, council, "Parks and open spaces", last, "2400000", ("%", "4.5"),
         "Share of the city's park area inside the zone.", "redirected", "public"),
        (officer, council, "Parks and open spaces", this, "2450000", ("%", "5"),
         "Share of the city's park area inside the zone, plus the extra Active Parks hours.",
         "redirected", "public"),
        (officer, council, "Public health: physical activity", last, "800000", ("£", "30000"),
         "Sessions commissioned in the two wards.", "new", "public"),
        (officer, council, "Public health: physical activity", this, "850000", ("£", "42000"),
         "Sessions commissioned in the two wards.", "new", "public"),
        (nhs_lead, nhs, "Social prescribing link workers", last, "1200000", ("%", "3"),
         "The zone's share of the primary care network's registered patients.", "redirected",
         "public"),
        (nhs_lead, nhs, "Social prescribing link workers", this, "1300000", ("%", "3.5"),
         "The zone's share of registered patients, plus one extra link worker day a week.",
         "redirected", "public"),
        (nhs_lead, nhs, "Falls prevention", this, "400000", ("%", "2"),
         "Estimated from referrals from the zone's GP practices.", "new", "partners"),
        (friends, park_friends, "Volunteer time in the park", last, "18000", ("%", "100"),
         "Volunteer hours valued at the Real Living Wage.", "in_kind", "public"),
        (friends, park_friends, "Volunteer time in the park", this, "21000", ("%", "100"),
         "Volunteer hours valued at the Real Living Wage.", "in_kind", "public"),
    ]  # fmt: skip
    for actor, org, service, year, amount, share, basis, kind, visibility in budgets:
        start = dt.date(int(year[:4]), 4, 1)
        if Budget.objects.filter(
            zone=zone, organisation=org, service=service, period_start=start, kind=kind
        ).exists():
            continue
        key = "zone_share_percent" if share[0] == "%" else "zone_share_amount"
        services.budget_create(
            actor=actor, zone=zone, organisation=org, service=service, financial_year=year,
            amount=amount, currency="GBP", share_basis=basis, kind=kind, visibility=visibility,
            **{key: share[1]},
        )  # fmt: skip
        added["budgets"] += 1

    assets = [
        (officer, council, {
            "kind": "park", "name": "Cotteridge Park",
            "description": "A public park with open grass, a playground, woodland paths and "
            "a community orchard.",
            "area": PARK_AREA,
            "location_note": "Off the Pershore Road in Cotteridge (outline approximate).",
            "availability": "Open every day, dawn to dusk.",
            "terms": "Free. Book larger events through the council's parks events team.",
            "contact_route": "Parks events team, through the council's online contact form.",
        }),
        (officer, council, {
            "kind": "building", "name": "Cotteridge Park pavilion",
            "description": "The park's pavilion: a meeting room for 20, a kitchen and toilets.",
            "lat": str(PAVILION[0]), "lon": str(PAVILION[1]),
            "location_note": "Inside Cotteridge Park, near the main gate (approximate).",
            "availability": "Weekday mornings from 7am for health walks and tai chi.",
            "terms": "Free for zone activities; other groups pay the standard hire rate.",
            "contact_route": "Friends of Cotteridge Park, through their website's contact page.",
        }),
        (friends, park_friends, {
            "kind": "staff_team", "name": "Active Parks volunteer leaders",
            "description": "Twelve trained volunteers who lead walks and outdoor sessions.",
            "lat": str(PARK[0]), "lon": str(PARK[1]),
            "location_note": "They meet at the park (approximate).",
            "availability": "Saturday and Tuesday mornings.",
            "contact_route": "Friends of Cotteridge Park, through their website's contact page.",
        }),
        (nhs_lead, nhs, {
            "kind": "data_set", "name": "Falls and frailty data for the two wards",
            "description": "Quarterly counts of falls-related admissions for the zone and two "
            "comparison areas, shared with partners only.",
            "visibility": "partners",
            "contact_route": "The ICB's population health team mailbox.",
        }),
    ]  # fmt: skip
    for actor, org, fields in assets:
        if not Asset.objects.filter(zone=zone, organisation=org, name=fields["name"]).exists():
            services.asset_create(actor=actor, zone=zone, organisation=org, **fields)
            added["assets"] += 1

    year_start = dt.date(int(this[:4]), 4, 1)
    year_end = dt.date(int(this[:4]) + 1, 3, 31)
    objectives = [
        (officer, council, "More adults active for 150 minutes a week",
         "Raise the share of adults in the zone doing 150 minutes of activity a week."),
        (nhs_lead, nhs, "Fewer falls among people over 65",
         "Reduce falls-related hospital admissions among residents over 65."),
        (friends, park_friends, "A park everyone feels safe using",
         "More people using the park, at more times of day, and saying they feel safe."),
    ]  # fmt: skip
    for actor, org, title, summary in objectives:
        if not Objective.objects.filter(zone=zone, organisation=org, title=title).exists():
            services.objective_create(
                actor=actor, zone=zone, organisation=org, title=title, summary=summary,
                start_date=year_start, end_date=year_end,
            )  # fmt: skip
            added["objectives"] += 1

    plans = [
        (officer, council, "Active Parks plan for Cotteridge Park",
         "Early opening of the pavilion, free sessions five days a week, and signs in four "
         "languages.", "https://www.birmingham.gov.uk/", "public"),
        (nhs_lead, nhs, "Social prescribing in the zone",
         "How link workers will refer patients to park sessions, and how referrals are counted.",
         "", "partners"),
        (friends, park_friends, "Friends of Cotteridge Park: year plan",
         "Volunteer rota, the orchard, and the summer festival.", "", "public"),
    ]  # fmt: skip
    for actor, org, title, summary, link, visibility in plans:
        if not Plan.objects.filter(zone=zone, organisation=org, title=title).exists():
            services.plan_create(
                actor=actor, zone=zone, organisation=org, title=title, summary=summary,
                start_date=year_start, end_date=year_end, link=link, visibility=visibility,
            )  # fmt: skip
            added["plans"] += 1

    title = "Active Parks small grant"
    if not Pledge.objects.filter(zone=zone, organisation=funder, title=title).exists():
        pledge = services.pledge_create(
            actor=funder_user, zone=zone, organisation=funder, kind="money", title=title,
            amount="15000", currency="GBP", period_start=year_start, period_end=year_end,
            conditions="Spent on free outdoor sessions in Cotteridge Park; a short report at "
            "the end of the year.",
        )  # fmt: skip
        granted_on = max(year_start, today - dt.timedelta(days=30))
        granted_on = min(granted_on, today)
        services.pledge_grant(
            actor=funder_user, pledge=pledge, granted_on=granted_on, granted_amount="12500"
        )
        added["pledges"] += 1
    expertise = "Evaluation design"
    if not Pledge.objects.filter(zone=zone, organisation=funder, title=expertise).exists():
        services.pledge_create(
            actor=funder_user, zone=zone, organisation=funder, kind="expertise",
            title=expertise, expertise_days="5", expertise_kind="Designing the evaluation",
        )  # fmt: skip
        added["pledges"] += 1
    # The residents' forum shares nothing yet: the "two stars" check shows what is missing.
    return added
