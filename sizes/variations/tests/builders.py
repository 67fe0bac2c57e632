"""Build a public zone with a real history through the services, for the history, feed and
accountability tests: declared 400 days ago, with variations active now, ended in the last
year, ended long ago, and proposed. The people involved have distinctive usernames and emails
so a test can check none of them leaks onto a public page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.utils import timezone

from sizes.partners import services as partner_services
from sizes.partners.models import Membership, Organisation, OrganisationKind, Partnership
from sizes.variations import services as vs
from sizes.variations.models import Variation
from sizes.zones import services as zs
from sizes.zones.models import Zone
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_boundary

PRIVATE_USERNAMES = ["pat_steward_x1", "cara_signer_x2", "rob_resident_x3", "fay_friends_x4"]


@dataclass
class World:
    zone: Zone
    council: Organisation
    community: Organisation
    steward: object
    council_signer: object
    community_signer: object
    resident: object
    active: Variation
    ended_recently: Variation
    ended_long_ago: Variation
    proposed: Variation

    @property
    def private_strings(self) -> list[str]:
        people = [self.steward, self.council_signer, self.community_signer, self.resident]
        return [p.username for p in people] + [p.email for p in people]


def _at(days_ago: int):
    # Noon local time on that day: "now minus N days" late in the evening lands on the next
    # local day across a change of clocks (23:15 GMT in winter is 00:15 BST in summer).
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    return time_machine.travel(moment, tick=False)


def variation_fields(outcome, today: dt.date, **kw) -> dict:
    data = {
        "subject": "asset",
        "action": "change",
        "title": "Park pavilion open early for health walks",
        "standard_rule": "Park buildings open 10:00 to 16:00",
        "difference": "The pavilion opens at 07:30 on weekdays for health walks.",
        "reason": "Walks before work reach people who are not active now.",
        "applies_to": "Health walk groups booked through the Friends of the park.",
        "guaranteed": "Normal opening hours stay the same for everyone else.",
        "cap": "Up to 3 mornings a week",
        "start_date": today,
        "end_date": None,
        "accountable_name": "Cllr Jane Smith",
        "accountable_role": "Ward councillor",
        "outcomes": [outcome.pk],
    }
    data.update(kw)
    return data


def _live(world_kwargs, outcome, *, days_ago: int, **fields) -> Variation:
    """Propose, agree (both sides) and activate a variation `days_ago` days ago."""
    council, signer, steward = (world_kwargs[k] for k in ("council", "signer", "steward"))
    with _at(days_ago):
        today = timezone.localdate()
        v = vs.variation_propose(
            actor=signer, zone=world_kwargs["zone"], owner=council,
            **variation_fields(outcome, today, **fields),
        )  # fmt: skip
        v = vs.variation_agree(actor=signer, variation=v)
        v = vs.variation_agree(actor=steward, variation=v)
        return vs.variation_activate(actor=signer, variation=v)


def build_world(*, name: str = "Park Lane zone", slug: str = "park-lane") -> World:
    steward = UserFactory(username=PRIVATE_USERNAMES[0], email="pat.private@example.org")
    # Get-or-create, so a test can build a second zone with the same partners and people.
    council = Organisation.objects.filter(name="Birmingham City Council").first() or (
        OrganisationFactory(name="Birmingham City Council", kind=OrganisationKind.COUNCIL)
    )
    community = Organisation.objects.filter(name="Friends of Park Lane").first() or (
        OrganisationFactory(name="Friends of Park Lane", kind=OrganisationKind.VOLUNTARY)
    )
    signer = UserFactory(username=PRIVATE_USERNAMES[1], email="cara.private@example.org")
    community_signer = UserFactory(username=PRIVATE_USERNAMES[3], email="fay.private@example.org")
    for org, user in ((council, signer), (community, community_signer)):
        if not Membership.objects.filter(organisation=org, user=user).exists():
            MembershipFactory(organisation=org, user=user)
    resident = UserFactory(username=PRIVATE_USERNAMES[2], email="rob.private@example.org")
    with _at(450):
        zone = zs.zone_create(
            actor=steward, name=name, summary="A zone for health walks.",
            intention="We will work together on health.",
            review_date=timezone.localdate() + dt.timedelta(days=750),
            outcomes=[("More people active in the park", "")],
        )  # fmt: skip
        # Somewhere out of the way; tests about wards set the boundary they need.
        give_boundary(zone, steward, lat=52.40, lon=-1.86)
        for org, who in ((council, signer), (community, community_signer)):
            p = partner_services.partnership_invite(
                actor=steward, zone=zone, organisation=org, role=Partnership.Role.PARTNER,
                commitment="We take part.",
            )  # fmt: skip
            partner_services.partnership_respond(
                actor=who, partnership=p, response=Partnership.Response.AGREED
            )
        zone = zs.zone_publish(actor=steward, zone=zone)
    with _at(400):
        zone = zs.zone_declare(actor=steward, zone=zone)
    outcome = zone.outcomes.get()
    ctx = {"zone": zone, "council": council, "signer": signer, "steward": steward}
    ended_long_ago = _live(
        ctx, outcome, days_ago=399, title="Library card rule relaxed",
        standard_rule="Library cards need proof of address",
        guaranteed="Every library keeps the standard rule for everyone else.",
        applies_to="Walkers joining the health walk library shelf.", cap="",
    )  # fmt: skip
    with _at(390):
        vs.variation_end(actor=steward, variation=ended_long_ago, reason="Trial over.")
    ended_recently = _live(
        ctx, outcome, days_ago=300, title="Community room booking rule relaxed",
        standard_rule="Council rooms must be booked 14 days ahead",
        guaranteed="Paid bookings keep priority.",
        applies_to="Resident groups in the zone.", cap="Two bookings a month per group",
        accountable_name="Dr Asha Patel", accountable_role="Service director",
    )  # fmt: skip
    with _at(200):
        vs.variation_end(actor=signer, variation=ended_recently, reason="Moved to a new room.")
    active = _live(ctx, outcome, days_ago=100)
    with _at(50):
        proposed = vs.variation_propose(
            actor=signer, zone=zone, owner=council,
            **variation_fields(
                outcome, timezone.localdate() + dt.timedelta(days=60),
                title="Social prescribing referral to park activities",
                standard_rule="GP referrals go to NHS services only",
            ),
        )  # fmt: skip
        zs.comment_add(actor=resident, zone=zone, body="I walk here every morning.")
    zone.refresh_from_db()
    return World(
        zone=zone, council=council, community=community, steward=steward,
        council_signer=signer, community_signer=community_signer, resident=resident,
        active=active, ended_recently=ended_recently, ended_long_ago=ended_long_ago,
        proposed=proposed,
    )  # fmt: skip
