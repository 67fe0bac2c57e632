"""The demo: the Stirchley and Cotteridge health and well-being zone, and zones in other states.

Everything is created through the same services people use, then dates are moved back so the
zones sit at realistic points in their lives relative to today (the demo never goes stale).
Loading is idempotent: people, organisations and zones that exist already are left alone.
"""

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from sizes.accounts.models import User
from sizes.demo import engagement as demo_engagement
from sizes.demo import outcomes as demo_outcomes
from sizes.demo import resources as demo_resources
from sizes.geo import services as geo_services
from sizes.geo.geometry import geometry_from_line, geometry_from_point
from sizes.geo.importers import import_boundaries, import_postcodes
from sizes.geo.models import BoundaryMethod, Postcode, ReferenceArea
from sizes.partners import services as partner_services
from sizes.partners.models import Membership, Organisation, OrganisationKind, Partnership
from sizes.variations import services as variation_services
from sizes.variations.models import Action, Subject, Variation, VariationStatus
from sizes.zones import services as zone_services
from sizes.zones.models import Review, Zone

# Demo accounts share one password, for trying the site on your own machine only.
DEMO_PASSWORD = os.environ.get("SIZES_DEMO_PASSWORD", "sizes-demo-2026")

PEOPLE = [
    # username, display name, council admin?
    ("council.officer", "Priya Shah (Birmingham City Council)", True),
    ("nhs.lead", "Dr Tom Ellis (NHS Birmingham and Solihull)", False),
    ("residents.chair", "Maureen O'Connor (Stirchley and Cotteridge Residents' Forum)", False),
    ("park.friends", "Sam Okafor (Friends of Cotteridge Park)", False),
    ("resident", "Alex, a Stirchley resident", False),
]

ORGANISATIONS = [
    # name, kind, description, website, signer
    (
        "Birmingham City Council",
        OrganisationKind.COUNCIL,
        "The local authority for Birmingham, including parks, libraries, leisure and "
        "public health.",
        "https://www.birmingham.gov.uk/",
        "council.officer",
    ),
    (
        "NHS Birmingham and Solihull",
        OrganisationKind.HEALTH,
        "The integrated care board that plans and pays for NHS services in Birmingham and "
        "Solihull, working with local GP practices.",
        "https://www.birminghamsolihull.icb.nhs.uk/",
        "nhs.lead",
    ),
    (
        "Stirchley and Cotteridge Residents' Forum",
        OrganisationKind.RESIDENTS,
        "Residents of Stirchley and Cotteridge who meet monthly to speak up for the area.",
        "",
        "residents.chair",
    ),
    (
        "Friends of Cotteridge Park",
        OrganisationKind.VOLUNTARY,
        "Volunteers who look after Cotteridge Park and run Active Parks sessions there: free "
        "outdoor activities such as walking, tai chi and fitness for all ages.",
        "",
        "park.friends",
    ),
]

SLUG = "stirchley-and-cotteridge-health-and-well-being"
DATA = Path(__file__).resolve().parent.parent / "geo" / "data"
STIRCHLEY, BOURNVILLE_COTTERIDGE = "E05011172", "E05011129"
# Pershore Road through Stirchley, south to north (lon, lat): an approximate centre line.
PERSHORE_ROAD = [(-1.9262, 52.4262), (-1.9247, 52.4300), (-1.9217, 52.4345)]


def _load_geography() -> None:
    """Import the shipped wards, 2011 LSOAs and south-Birmingham postcodes once."""
    if not ReferenceArea.objects.filter(type="ward", vintage="2018").exists():
        import_boundaries(
            DATA / "birmingham_wards.geojson", area_type="ward", code_field="ward_code",
            name_field="ward_name", vintage="2018",
        )  # fmt: skip
    if not ReferenceArea.objects.filter(type="lsoa", vintage="2011").exists():
        import_boundaries(
            DATA / "birmingham_lsoa.geojson", area_type="lsoa", code_field="lsoa_code",
            name_field="lsoa_name", vintage="2011",
        )  # fmt: skip
    if not Postcode.objects.exists():
        import_postcodes(DATA / "birmingham_south_postcodes.csv")


@dataclass
class DemoResult:
    created_zones: int
    created_people: int


def _person(username: str, display_name: str, council_admin: bool) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": display_name,
            "email": f"{username}@demo.sizes.invalid",
            "is_council_admin": council_admin,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


# Where each demo organisation is based, approximately (for the zone map).
PLACES = {
    "Birmingham City Council": (52.4796, -1.9030),  # the Council House, city centre
    "NHS Birmingham and Solihull": (52.4769, -1.9077),  # city centre
    "Stirchley and Cotteridge Residents' Forum": (52.4300, -1.9245),  # Stirchley
    "Friends of Cotteridge Park": (52.4193, -1.9278),  # Cotteridge Park
}


def _organisation(name, kind, description, website, signer: User, admin: User) -> Organisation:
    org = Organisation.objects.filter(name=name).first()
    if org is None:
        lat, lon = PLACES.get(name, (None, None))
        org = partner_services.organisation_create(
            actor=admin, name=name, kind=kind, description=description, website=website,
            lat=lat, lon=lon,
        )  # fmt: skip
    Membership.objects.get_or_create(
        user=signer,
        organisation=org,
        defaults={"status": Membership.Status.APPROVED, "can_sign": True, "decided_by": admin},
    )
    return org


def _backdate(zone: Zone, **dates) -> None:
    Zone.objects.filter(pk=zone.pk).update(**dates)
    zone.refresh_from_db()


def _invite_and_answer(zone, org, signer, steward, role, commitment, response, text=""):
    p = partner_services.partnership_invite(
        actor=steward, zone=zone, organisation=org, role=role, commitment=commitment
    )
    if response:
        partner_services.partnership_respond(
            actor=signer, partnership=p, response=response, text=text
        )
    return p


def _seed_zone(people, orgs, today) -> Zone:
    officer = people["council.officer"]
    zone = zone_services.zone_create(
        actor=officer,
        name="Stirchley and Cotteridge: health and well-being",
        summary=(
            "Stirchley and Cotteridge, in south Birmingham, around Cotteridge Park. The council, "
            "the NHS, residents and the Friends of Cotteridge Park are trying new ways to help "
            "people be more active, less isolated and use the park for their health."
        ),
        intention=(
            "We, the partners in this zone, intend to improve health and well-being in Stirchley "
            "and Cotteridge by working together around Cotteridge Park and its Active Parks "
            "programme. We will say openly what we do differently here, why, and who answers "
            "for it, and we will review what we have learned by the review date."
        ),
        review_date=today + dt.timedelta(days=200),
        themes=["Health and well-being", "Older people", "Environment"],
        outcomes=[
            (
                "More adults physically active",
                "More adults in the zone doing at least 150 minutes of moderate activity a week.",
            ),
            (
                "Less social isolation",
                "Fewer residents, especially older people, saying they often feel lonely.",
            ),
            (
                "Parks used for health",
                "More people using Cotteridge Park for walking, exercise and social prescribing "
                "activities.",
            ),
        ],
    )
    geo_services.zone_set_boundary(
        actor=officer, zone=zone,
        geometry=geo_services.zone_boundary_from_areas(
            area_type="ward", codes=[STIRCHLEY, BOURNVILLE_COTTERIDGE]
        ),
        fringe_m=250, method=BoundaryMethod.AREAS,
        source=f"Wards {STIRCHLEY} Stirchley and {BOURNVILLE_COTTERIDGE} Bournville & Cotteridge",
    )  # fmt: skip
    zone_services.zone_publish(actor=officer, zone=zone)
    S = Partnership.Role
    R = Partnership.Response
    _invite_and_answer(
        zone, orgs["Birmingham City Council"], officer, officer, S.LEAD,
        "Open park buildings and council rooms for health activities, and relax booking rules "
        "for community groups in the zone.",
        R.AGREED,
    )  # fmt: skip
    _invite_and_answer(
        zone, orgs["NHS Birmingham and Solihull"], people["nhs.lead"], officer, S.PARTNER,
        "Let GP practices in the zone refer patients straight to Active Parks sessions through "
        "social prescribing link workers.",
        R.RESERVATIONS,
        "We can fund link-worker time only until the end of the financial year; we will "
        "review it then.",
    )  # fmt: skip
    _invite_and_answer(
        zone, orgs["Stirchley and Cotteridge Residents' Forum"], people["residents.chair"],
        officer, S.PARTNER,
        "Tell residents about the zone, gather their views and sit on the zone's steering group.",
        R.AGREED,
    )  # fmt: skip
    _invite_and_answer(
        zone, orgs["Friends of Cotteridge Park"], people["park.friends"], officer, S.PARTNER,
        "Run Active Parks sessions in Cotteridge Park and welcome people referred by GPs.",
        R.AGREED,
    )  # fmt: skip
    # The consultation ran for six weeks, some months ago.
    _backdate(
        zone,
        proposed_on=today - dt.timedelta(days=220),
        consultation_ends=today - dt.timedelta(days=178),
    )
    zone_services.comment_add(
        actor=people["resident"],
        zone=zone,
        body="Great idea. Could the walks start from the Pershore Road entrance too?",
    )
    zone = zone_services.zone_declare(actor=officer, zone=zone)
    _backdate(zone, declared_on=today - dt.timedelta(days=170))
    _seed_variations(zone, people, orgs, today)
    return zone


def _variation(zone, actor, owner, outcomes, started_days_ago, **fields):
    return variation_services.variation_propose(
        actor=actor,
        zone=zone,
        owner=owner,
        outcomes=[o.pk for o in outcomes],
        start_date=timezone.localdate() - dt.timedelta(days=started_days_ago),
        **fields,
    )


def _seed_variations(zone, people, orgs, today) -> None:
    """Three variations in force or proposed, and one that ended, as issue 4 describes."""
    officer, nhs = people["council.officer"], people["nhs.lead"]
    council, health = orgs["Birmingham City Council"], orgs["NHS Birmingham and Solihull"]
    active, isolation, parks = list(zone.outcomes.order_by("pk"))
    walks = _variation(
        zone, officer, council, [active, parks], 150,
        subject=Subject.ASSET, action=Action.CHANGE,
        title="Park pavilion opens early for health walks",
        standard_rule="Cotteridge Park pavilion is open 10am to 4pm",
        difference="The pavilion opens at 7:30am on weekdays so health walk groups can meet, "
        "use the toilets and shelter before work.",
        reason="Walks before work reach people who are not active now.",
        applies_to="Health walk groups run by the Friends of Cotteridge Park.",
        guaranteed="The usual opening hours stay the same for everyone else; a trained walk "
        "leader is always present.",
        cap="Up to 3 mornings a week",
        end_date=None,
        accountable_name="Priya Shah",
        accountable_role="Head of Parks, Birmingham City Council",
    )  # fmt: skip
    referrals = _variation(
        zone, nhs, health, [active, isolation], 120,
        subject=Subject.PRACTICE, action=Action.CHANGE,
        title="GP practices refer patients straight to Active Parks sessions",
        standard_rule="Social prescribing referrals go through the central referral hub",
        difference="GP practices in the zone can refer patients straight to Active Parks "
        "sessions in Cotteridge Park, through their social prescribing link worker.",
        reason="A direct route is quicker and more people take it up.",
        applies_to="Adults registered with a GP practice in the zone.",
        guaranteed="Everyone can still be referred through the central hub; no one loses a "
        "service they have now.",
        cap="",
        end_date=zone.review_date,
        accountable_name="Dr Tom Ellis",
        accountable_role="Clinical lead for social prescribing, NHS Birmingham and Solihull",
    )  # fmt: skip
    parking = _variation(
        zone, officer, council, [parks], 160,
        subject=Subject.ASSET, action=Action.SUSPEND,
        title="Free parking at the park for walk leaders",
        standard_rule="Parking charges apply in the Cotteridge Park car park",
        difference="Volunteer walk leaders park free while leading a session.",
        reason="Make it easier for volunteers to lead sessions.",
        applies_to="Registered volunteer walk leaders.",
        guaranteed="Blue badge spaces and charges for everyone else are unchanged.",
        cap="Up to 6 spaces",
        end_date=None,
        accountable_name="Priya Shah",
        accountable_role="Head of Parks, Birmingham City Council",
    )  # fmt: skip
    signers = {council.pk: officer, health.pk: nhs}
    for v in (walks, referrals, parking):
        v = variation_services.variation_agree(actor=signers[v.owner_id], variation=v)
        if v.status != VariationStatus.AGREED:
            v = variation_services.variation_agree(actor=officer, variation=v)
        variation_services.variation_activate(actor=officer, variation=v)
        # Their history, as it happened: agreed a week before starting, active from the start.
        v.events.exclude(status=VariationStatus.ACTIVE).update(
            on=v.start_date - dt.timedelta(days=7)
        )
        v.events.filter(status=VariationStatus.ACTIVE).update(on=v.start_date)
        Variation.objects.filter(pk=v.pk).update(activated_on=v.start_date)
    variation_services.variation_end(
        actor=officer,
        variation=parking,
        reason="The trial ended: the car park was too full at weekends. Walk leaders now get "
        "bus passes instead.",
    )
    ended_on = today - dt.timedelta(days=30)
    parking.events.filter(status=VariationStatus.ENDED).update(on=ended_on)
    Variation.objects.filter(pk=parking.pk).update(ended_on=ended_on)
    _variation(
        zone, officer, council, [isolation], 0,
        subject=Subject.POLICY, action=Action.SUSPEND,
        title="Community groups book park rooms without a deposit",
        standard_rule="Council rooms need a £50 deposit when booked",
        difference="Community groups in the zone book the park's meeting rooms without paying "
        "a deposit.",
        reason="The deposit stops small groups that bring isolated people together.",
        applies_to="Voluntary and community groups based in the zone.",
        guaranteed="Room hire charges, safety rules and the booking system are unchanged.",
        cap="Up to 4 bookings a month per group",
        end_date=None,
        accountable_name="Cllr Fatima Khan",
        accountable_role="Ward councillor, Bournville and Cotteridge (demo)",
    )  # fmt: skip


def _proposed_zone(people, orgs, today) -> Zone:
    officer = people["council.officer"]
    zone = zone_services.zone_create(
        actor=officer,
        name="Pershore Road, Stirchley: safer, busier high street",
        summary=(
            "The shops and cafés along Pershore Road in Stirchley. Traders, residents and the "
            "council want to make the street safer and busier during the day and evening."
        ),
        intention=(
            "We intend to make Pershore Road a safer and busier high street by trying new ways "
            "to use empty shops, light the street and share information about problems quickly."
        ),
        review_date=today + dt.timedelta(days=600),
        themes=["Community safety", "Employment", "Transport"],
        outcomes=[
            ("Fewer empty shop units", "Empty shop units on the street brought back into use.")
        ],
    )
    geo_services.zone_set_boundary(
        actor=officer, zone=zone, geometry=geometry_from_line(PERSHORE_ROAD, width_m=120),
        fringe_m=150, method=BoundaryMethod.LINE, source="Pershore Road, 120 m wide",
    )  # fmt: skip
    zone_services.zone_publish(actor=officer, zone=zone)
    _backdate(
        zone,
        proposed_on=today - dt.timedelta(days=12),
        consultation_ends=today + dt.timedelta(days=30),
    )
    _invite_and_answer(
        zone, orgs["Birmingham City Council"], officer, officer, Partnership.Role.LEAD,
        "Offer empty council-owned units for short 'meanwhile' lets to local groups.",
        Partnership.Response.AGREED,
    )  # fmt: skip
    _invite_and_answer(
        zone, orgs["Stirchley and Cotteridge Residents' Forum"], people["residents.chair"],
        officer, Partnership.Role.PARTNER,
        "Run a street survey and share residents' views with the partners.",
        Partnership.Response.OBJECTED,
        "The proposed area leaves out the streets behind the high street, where most "
        "problems are.",
    )  # fmt: skip
    return zone


def _dissolved_zone(people, orgs, today) -> Zone:
    officer = people["council.officer"]
    zone = zone_services.zone_create(
        actor=officer,
        name="Bournville Lane: job support pilot",
        summary="A pilot bringing job support into community venues around Bournville Lane.",
        intention=(
            "We intended to help more residents into work by offering job support in places "
            "they already go."
        ),
        review_date=today + dt.timedelta(days=100),
        themes=["Employment"],
        outcomes=[
            ("More residents into work", "People helped into paid work of 16 hours or more.")
        ],
    )
    geo_services.zone_set_boundary(
        actor=officer, zone=zone,
        geometry=geometry_from_point(lat=52.4276, lon=-1.9343, radius_m=400),
        fringe_m=250, method=BoundaryMethod.POINT, source="400 m around Bournville Lane",
    )  # fmt: skip
    zone_services.zone_publish(actor=officer, zone=zone)
    _invite_and_answer(
        zone, orgs["Birmingham City Council"], officer, officer, Partnership.Role.LEAD,
        "Run job clubs in libraries and community centres.",
        Partnership.Response.AGREED,
    )  # fmt: skip
    _invite_and_answer(
        zone, orgs["Stirchley and Cotteridge Residents' Forum"], people["residents.chair"],
        officer, Partnership.Role.PARTNER,
        "Tell residents about the job clubs.",
        Partnership.Response.AGREED,
    )  # fmt: skip
    _backdate(
        zone,
        proposed_on=today - dt.timedelta(days=700),
        consultation_ends=today - dt.timedelta(days=658),
    )
    zone = zone_services.zone_declare(actor=officer, zone=zone)
    zone_services.zone_record_review(
        actor=officer,
        zone=zone,
        evidence_summary=(
            "Job clubs were well used, but most people came from outside the area. The council "
            "now runs them city-wide, so a separate zone is no longer needed."
        ),
        decision=Review.Decision.DISSOLVE,
    )
    _backdate(
        zone,
        declared_on=today - dt.timedelta(days=650),
        ended_on=today - dt.timedelta(days=60),
        end_reason="Dissolved after the review: job clubs now run across the city.",
    )
    Review.objects.filter(zone=zone).update(held_on=today - dt.timedelta(days=60))
    return zone


def _withdrawn_zone(people, today) -> Zone:
    officer = people["council.officer"]
    zone = zone_services.zone_create(
        actor=officer,
        name="Cotteridge school streets",
        summary="Streets around Cotteridge schools closed to through traffic at school times.",
        intention="We intended to make the school run safer and healthier.",
        review_date=today + dt.timedelta(days=400),
        themes=["Children and young people", "Transport"],
        outcomes=[("More children walking to school", "")],
    )
    geo_services.zone_set_boundary(
        actor=officer, zone=zone,
        geometry=geo_services.zone_boundary_from_areas(
            area_type="postcode", codes=["B30 1AA", "B30 1AB", "B30 1AD"]
        ),
        fringe_m=100, method=BoundaryMethod.POSTCODES, source="B30 1AA, B30 1AB, B30 1AD",
    )  # fmt: skip
    zone_services.zone_publish(actor=officer, zone=zone)
    zone_services.zone_withdraw(
        actor=officer,
        zone=zone,
        reason="The council's city-wide school streets scheme now covers these schools.",
    )
    return zone


@transaction.atomic
def load_demo() -> DemoResult:
    """Create the demo people, organisations and zones that do not exist yet."""
    today = timezone.localdate()
    people, created_people = {}, 0
    for username, name, admin in PEOPLE:
        people[username], created = _person(username, name, admin)
        created_people += created
    admin = people["council.officer"]
    _load_geography()
    orgs = {
        name: _organisation(name, kind, desc, web, people[signer], admin)
        for name, kind, desc, web, signer in ORGANISATIONS
    }
    builders = [
        (SLUG, lambda: _seed_zone(people, orgs, today)),
        ("pershore-road-stirchley-safer-busier-high-street",
         lambda: _proposed_zone(people, orgs, today)),
        ("bournville-lane-job-support-pilot", lambda: _dissolved_zone(people, orgs, today)),
        ("cotteridge-school-streets", lambda: _withdrawn_zone(people, today)),
    ]  # fmt: skip
    created_zones = 0
    for slug, build in builders:
        if not Zone.objects.filter(slug=slug).exists():
            zone = build()
            if zone.slug != slug:
                raise RuntimeError(f"Demo zone got slug {zone.slug!r}, expected {slug!r}.")
            created_zones += 1
    # What partners put in, how people take part, and the evidence (which grades the zone on
    # what the others added, so it comes last). Each is idempotent.
    demo_resources.load(today=today)
    demo_engagement.load(today=today)
    demo_outcomes.load(today=today)
    return DemoResult(created_zones=created_zones, created_people=created_people)
