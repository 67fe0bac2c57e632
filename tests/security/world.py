"""One world for the authorisation matrix: two organisations, two zones, and something of each.

Side A and side B mirror each other. Organisation A (a funder) and organisation B (a
university) are both agreed partners of both zones, so when a member of A is refused B's
record the refusal comes from ownership, not from A being a stranger to the zone.

- Zone A is stewarded by `steward`; zone B by `steward_b`, who plays no role in the matrix.
- Every organisation-owned object of side X (variation, budget, asset, objective, plan with a
  PDF, pledge, idea addressed to X, pending membership request, API token) belongs to
  organisation X and sits in zone X.
- Every zone-owned object of side X (outcome, indicator, meeting, review, lesson, SROI
  analysis, comment) sits in zone X.
- A draft zone, a partners-only budget and people's email addresses are the private data no
  public page may show.

Built through the services where the rule matters (records, variations, tokens, indicators)
and with the ORM for plain state (zones, comments, meetings), once per test module.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from sizes.api.services import token_create
from sizes.engagement.models import Comment, Idea, Meeting, Suggestion
from sizes.engagement.notify import unsubscribe_token
from sizes.engagement.services import email_verification_token, profile_mark_verified
from sizes.outcomes.models import Lesson
from sizes.outcomes.services import indicator_create, sroi_analysis_save
from sizes.outcomes.tests.helpers import make_area
from sizes.partners.models import Membership, OrganisationKind, Partnership
from sizes.resources import services as resource_services
from sizes.resources.tests import builders
from sizes.variations import services as variation_services
from sizes.variations.tests.builders import variation_fields
from sizes.zones.models import Review, ZoneStatus
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    UserFactory,
    ZoneFactory,
    give_boundary,
)

ROLES = (
    "anonymous",
    "resident",
    "member_a",
    "member_b",
    "steward",
    "council_admin",
    "site_admin",
)
SIDES = ("A", "B")

SROI_EXAMPLE = Path(__file__).resolve().parents[2] / "sizes/outcomes/tests/data/sroi_example.json"

# Strings that must never appear on a page seen by someone with no right to them.
PRIVATE_BUDGET = "Partners-only budget line QX7"
DRAFT_ZONE_NAME = "Unpublished draft zone QX9"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role (and helpers) -> User
    org: dict = field(default_factory=dict)  # side -> Organisation
    zone: dict = field(default_factory=dict)
    outcome: dict = field(default_factory=dict)
    indicator: dict = field(default_factory=dict)
    variation: dict = field(default_factory=dict)
    budget: dict = field(default_factory=dict)
    asset: dict = field(default_factory=dict)
    objective: dict = field(default_factory=dict)
    plan: dict = field(default_factory=dict)
    pledge: dict = field(default_factory=dict)
    idea: dict = field(default_factory=dict)
    comment: dict = field(default_factory=dict)
    meeting: dict = field(default_factory=dict)
    review: dict = field(default_factory=dict)
    lesson: dict = field(default_factory=dict)
    analysis: dict = field(default_factory=dict)
    partnership: dict = field(default_factory=dict)
    applicant: dict = field(default_factory=dict)  # side -> pending Membership
    token: dict = field(default_factory=dict)  # side -> ApiToken
    secret: dict = field(default_factory=dict)  # side -> token secret
    # role -> the secret of the widest token the role can have: a member's for their
    # organisation; stewards' and admins' for steward work; the resident can have none.
    role_secret: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # role -> session cookie value
    outsider_org: object = None
    draft_zone: object = None
    private_budget: object = None
    suggestion: object = None
    ward_code: str = ""
    lsoa_code: str = ""
    unsubscribe_token: str = ""
    verify_token: str = ""

    def user(self, role: str):
        return None if role == "anonymous" else self.users[role]

    @property
    def private_strings(self) -> list[str]:
        emails = [u.email for u in self.users.values()]
        return [PRIVATE_BUDGET, DRAFT_ZONE_NAME, *emails]


def _person(username: str, **kw):
    user = UserFactory(username=username, email=f"{username}.private@example.org", **kw)
    profile_mark_verified(user=user)
    return user


def build_world() -> World:
    w = World()
    today = timezone.localdate()
    w.users = {
        "resident": _person("mx_resident"),
        "member_a": _person("mx_member_a"),
        "member_b": _person("mx_member_b"),
        "steward": _person("mx_steward"),
        "council_admin": _person("mx_council_admin", is_council_admin=True),
        "site_admin": _person("mx_site_admin", is_superuser=True, is_staff=True),
        "steward_b": _person("mx_steward_b"),
        "suggester": _person("mx_suggester"),
    }
    w.org = {
        "A": OrganisationFactory(
            name="Org A Foundation", slug="org-a", kind=OrganisationKind.FUNDER
        ),
        "B": OrganisationFactory(
            name="Org B University", slug="org-b", kind=OrganisationKind.UNIVERSITY
        ),
    }
    w.outsider_org = OrganisationFactory(name="Org C Housing", slug="org-c", kind="housing")
    # A council partner of both zones, so a zone can be declared again; none of the roles
    # belongs to it.
    council = OrganisationFactory(name="Matrix Council", slug="matrix-council", kind="council")
    residents = OrganisationFactory(
        name="Matrix Residents", slug="matrix-residents", kind="residents"
    )
    stewards = {"A": w.users["steward"], "B": w.users["steward_b"]}
    for side, lat in (("A", 52.4300), ("B", 52.4500)):
        MembershipFactory(organisation=w.org[side], user=w.users[f"member_{side.lower()}"])
        applicant = _person(f"mx_applicant_{side.lower()}")
        w.users[f"applicant_{side.lower()}"] = applicant
        w.applicant[side] = MembershipFactory(
            organisation=w.org[side], user=applicant,
            status=Membership.Status.REQUESTED, can_sign=False,
        )  # fmt: skip
        zone = ZoneFactory(
            name=f"Zone {side} of the matrix", slug=f"zone-{side.lower()}",
            status=ZoneStatus.DECLARED,
            proposed_on=today - dt.timedelta(days=100),
            consultation_ends=today - dt.timedelta(days=60),
            declared_on=today - dt.timedelta(days=40),
            review_date=today + dt.timedelta(days=365),
            stewards=[stewards[side]],
        )  # fmt: skip
        w.zone[side] = zone
        give_boundary(zone, stewards[side], lat=lat, lon=-1.9250)
        for s in SIDES:
            p = PartnershipFactory(
                zone=zone, organisation=w.org[s], response=Partnership.Response.AGREED
            )
            if s == side:
                w.partnership[side] = p
        for other in (council, residents):
            PartnershipFactory(zone=zone, organisation=other, response=Partnership.Response.AGREED)
        w.outcome[side] = OutcomeFactory(zone=zone, title=f"Outcome {side}")
    for side in SIDES:
        zone, org, member = w.zone[side], w.org[side], w.users[f"member_{side.lower()}"]
        w.variation[side] = variation_services.variation_propose(
            actor=member, zone=zone, owner=org,
            **variation_fields(w.outcome[side], today, title=f"Variation {side}"),
        )  # fmt: skip
        w.budget[side] = builders.budget(member, zone, org, service=f"Budget {side}")
        w.asset[side] = builders.asset(member, zone, org, name=f"Asset {side}")
        w.objective[side] = builders.objective(member, zone, org, title=f"Objective {side}")
        w.plan[side] = builders.plan(
            member, zone, org, title=f"Plan {side}", document=b"%PDF-1.4\n%%EOF\n"
        )
        w.pledge[side] = builders.pledge(member, zone, org, title=f"Pledge {side}")
        # A granted one too, so the zone publishes 360Giving grants.
        resource_services.pledge_grant(
            actor=member, pledge=builders.pledge(member, zone, org, title=f"Grant {side}"),
            granted_on=today, granted_amount="15000",
        )  # fmt: skip
        w.indicator[side] = indicator_create(
            actor=w.users["council_admin"], outcome=w.outcome[side],
            name=f"Indicator {side}", definition="Share of adults active", unit="%",
            polarity="higher", source="Test survey", licence="OGL v3.0",
            geography_level="zone",
        )  # fmt: skip
        w.idea[side] = Idea.objects.create(
            zone=zone, organisation=org, author=w.users["resident"], author_role="resident",
            title=f"Idea for {side}", obstacle="A rule in the way.", proposal="Change it.",
            answer_due=today + dt.timedelta(days=30),
        )  # fmt: skip
        w.comment[side] = Comment.objects.create(
            zone=zone, author=w.users["resident"], body=f"Comment on zone {side}"
        )
        w.meeting[side] = Meeting.objects.create(
            zone=zone, title=f"Meeting {side}", agenda="Agenda",
            starts_at=timezone.now() - dt.timedelta(days=2),
            ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=2),
            created_by=w.users["council_admin"],
        )  # fmt: skip
        w.review[side] = Review.objects.create(
            zone=zone, held_on=today - dt.timedelta(days=10), evidence_summary="Evidence.",
            decision=Review.Decision.RENEW, new_review_date=today + dt.timedelta(days=365),
            recorded_by=w.users["council_admin"],
        )  # fmt: skip
        w.lesson[side] = Lesson.objects.create(
            zone=zone, review=w.review[side], title=f"Lesson {side}", what_worked="Walks.",
            created_by=w.users["council_admin"],
        )  # fmt: skip
        w.analysis[side] = sroi_analysis_save(
            actor=w.users["council_admin"], zone=zone, title=f"Analysis {side}",
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31),
            inputs=json.loads(SROI_EXAMPLE.read_text()),
        )  # fmt: skip
        w.token[side], w.secret[side] = token_create(
            actor=member, name=f"Token {side}", organisations=[org]
        )
    w.role_secret = {"member_a": w.secret["A"], "member_b": w.secret["B"]}
    for role in ("steward", "council_admin", "site_admin"):
        w.role_secret[role] = token_create(
            actor=w.users[role], name="Steward work", organisations=[], stewardship=True
        )[1]
    w.private_budget = builders.budget(
        w.users["member_a"], w.zone["A"], w.org["A"], service=PRIVATE_BUDGET, visibility="partners"
    )
    w.draft_zone = ZoneFactory(
        name=DRAFT_ZONE_NAME, slug="draft-zone", stewards=[w.users["steward"]]
    )
    w.suggestion = Suggestion.objects.create(
        author=w.users["suggester"], place="The old library", why="It could be a hub.",
        lat=52.43, lon=-1.925,
    )  # fmt: skip
    w.ward_code = make_area(
        "E05099999", 0, 0, 2000, 2000, area_type="ward", name="Matrix ward"
    ).code
    w.lsoa_code = make_area(
        "E01099999", 20000, 20000, 20900, 20900, area_type="lsoa", name="Matrix LSOA"
    ).code
    w.unsubscribe_token = unsubscribe_token(w.users["resident"])
    # Someone who has not confirmed their address yet: the link is the authority.
    w.verify_token = email_verification_token(user=UserFactory(username="mx_unconfirmed"))
    return w
