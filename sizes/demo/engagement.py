"""Demo engagement for the Stirchley and Cotteridge zone: suggestions (one supported, one
turned down), ideas from the edge (one adopted as a proposed variation, one declined, one
overdue), comments, and a past meeting with minutes and a future one.

Everything is made through the engagement services, as a person would. Two things cannot be
done "in the past" by a service, so they are backdated after being created: the overdue idea
(sent 40 days ago) and the past meeting. `load(today=...)` is idempotent: it does nothing if
the zone already has ideas.
"""

import datetime as dt
import json

from django.utils import timezone

from sizes.accounts.models import User
from sizes.engagement import services
from sizes.engagement.models import Idea, Meeting
from sizes.partners.models import Organisation
from sizes.zones.models import Zone
from sizes.zones.services import themes_ensure_defaults

SLUG = "stirchley-and-cotteridge-health-and-well-being"
FRONTLINE = ("district.nurse", "Jo Adeyemi (district nurse, Stirchley)")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def load(*, today: dt.date) -> dict:
    zone = Zone.objects.get(slug=SLUG)
    if Idea.objects.filter(zone=zone).exists():
        return {"created": False}
    themes_ensure_defaults()
    people = {u.username: u for u in User.objects.filter(
        username__in=["council.officer", "nhs.lead", "residents.chair", "park.friends",
                      "resident"])}  # fmt: skip
    nurse, _ = User.objects.get_or_create(
        username=FRONTLINE[0],
        defaults={"display_name": FRONTLINE[1], "email": "district.nurse@example.org"},
    )
    for user in [*people.values(), nurse]:
        services.profile_mark_verified(user=user)
    officer, nhs, chair = people["council.officer"], people["nhs.lead"], people["residents.chair"]
    friends, resident = people["park.friends"], people["resident"]
    services.profile_update(actor=nurse, user=nurse, display_name=FRONTLINE[1], role="frontline")
    services.profile_update(
        actor=resident,
        user=resident,
        display_name=resident.display_name,
        role="resident",
        home_postcode="B30 2AA",
    )
    orgs = {o.name: o for o in Organisation.objects.all()}
    council, health = orgs["Birmingham City Council"], orgs["NHS Birmingham and Solihull"]

    # Suggestions: where else could a zone help?
    kings_norton = services.suggestion_create(
        actor=resident,
        place="Pershore Road shops, Cotteridge",
        postcode="B30 2AA",
        why="The shops are where older people meet. Benches, a toilet and a bus stop that "
        "works would keep them coming out.",
        themes=["older-people", "transport"],
    )
    for supporter in (chair, friends, nurse):
        services.suggestion_support(actor=supporter, suggestion=kings_norton)
    bournville = services.suggestion_create(
        actor=friends,
        place="Bournville Lane green spaces",
        area_codes=["E05011129"],
        why="Young people have nowhere to go in the evening.",
        themes=["children-and-young-people"],
    )
    services.suggestion_support(actor=resident, suggestion=bournville)
    # Drawn on the map: the outline of a park and the riverside path beside it.
    services.suggestion_create(
        actor=nurse,
        place="Hazelwell Park and the River Rea path",
        drawn=json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [-1.9190, 52.4283],
                                    [-1.9120, 52.4283],
                                    [-1.9120, 52.4331],
                                    [-1.9190, 52.4331],
                                    [-1.9190, 52.4283],
                                ]
                            ],
                        },
                    }
                ],
            }
        ),
        why="Walkers and runners use the path every morning but it floods and has no lights; "
        "the park could host the walks the GP surgeries prescribe.",
        themes=["health-and-well-being"],
    )
    declined = services.suggestion_create(
        actor=chair,
        place="Stirchley high street",
        postcode="B30 2BJ",
        why="Empty shops could become places for health and advice.",
        themes=["health-and-well-being"],
    )
    services.suggestion_decline(
        actor=officer,
        suggestion=declined,
        reason="The high street is already inside the Stirchley and Cotteridge zone: bring "
        "this idea to that zone's next meeting.",
    )

    # Ideas from the edge.
    outcomes = list(zone.outcomes.order_by("pk"))
    adopted = services.idea_propose(
        actor=nurse,
        zone=zone,
        organisation=health,
        role="frontline",
        title="Let nurses refer straight to health walks",
        obstacle="Patients can join a health walk only after a GP appointment, which takes "
        "three weeks. By then many have lost heart.",
        proposal="Let district nurses refer patients they visit straight to the walks.",
    )
    services.idea_adopt(
        actor=nhs,
        idea=adopted,
        subject="practice",
        action="change",
        title="District nurses refer patients straight to health walks",
        standard_rule="Referral to social prescribing needs a GP appointment",
        difference="District nurses can refer patients they visit straight to health walks.",
        reason="Quicker referrals keep people who are ready to start walking.",
        applies_to="Adults visited by district nurses living in the zone.",
        guaranteed="GPs are told of every referral; medical advice is unchanged.",
        cap="",
        scope="whole_zone",
        start_date=today,
        end_date=None,
        accountable_name="Dr Tom Ellis",
        accountable_role="Clinical lead, NHS Birmingham and Solihull",
        outcomes=[outcomes[0].pk],
    )
    no = services.idea_propose(
        actor=resident,
        zone=zone,
        organisation=council,
        role="resident",
        title="Free parking at the library for volunteers",
        obstacle="Volunteers pay to park when they run the Tuesday coffee morning.",
        proposal="Give volunteers a free permit for the library car park on Tuesdays.",
    )
    services.idea_answer(
        actor=officer,
        idea=no,
        decision="declined",
        reason="The car park belongs to a private landlord; we have asked them instead and "
        "will report back at the next meeting.",
    )
    overdue = services.idea_propose(
        actor=friends,
        zone=zone,
        organisation=council,
        role="service_user",
        title="Open the park toilets before 10am",
        obstacle="The toilets in Cotteridge Park are locked until 10am, so early walkers and "
        "parents at the playground have nowhere to go.",
        proposal="Unlock them at 7:30am on weekdays, as the pavilion is.",
    )
    Idea.objects.filter(pk=overdue.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40),
        answer_due=today - dt.timedelta(days=10),
    )

    # Comments.
    services.comment_add(
        actor=chair,
        target=zone,
        body="The forum will bring the results of the walks survey to the next meeting.",
    )
    services.comment_add(
        actor=nurse,
        target=kings_norton,
        format="markdown",
        body="**Yes.** Many of my patients shop there. See the council's "
        "[bus stop survey](https://www.birmingham.gov.uk/).",
    )
    services.comment_add(
        actor=friends,
        target=adopted,
        body="The Friends' walk leaders can take nurse referrals from May.",
    )

    # Meetings: one past, with minutes; one next month.
    past = services.meeting_schedule(
        actor=officer,
        zone=zone,
        title="Zone meeting: walks and the park",
        starts_at=_at(today + dt.timedelta(days=1), 18, 30),
        ends_at=_at(today + dt.timedelta(days=1), 20, 0),
        place="Stirchley Baths, 2 Bournville Lane, B30 2JT",
        agenda="1. Health walks: first results\n2. Park toilets\n3. Any other business",
    )
    last_month = today - dt.timedelta(days=21)
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=_at(last_month, 18, 30), ends_at=_at(last_month, 20, 0)
    )
    services.meeting_record(
        actor=officer,
        meeting=Meeting.objects.get(pk=past.pk),
        expected_version=1,
        minutes="Thirty-one people came. The walk leaders reported 140 walkers since the "
        "pavilion opened early. Residents asked for the park toilets to open earlier too.",
        decisions="The council will answer the idea about the park toilets.\nThe forum will "
        "run a survey of walkers.",
        attended_residents=22,
        attended_partners=7,
        attended_others=2,
    )
    next_month = today + dt.timedelta(days=28)
    services.meeting_schedule(
        actor=officer,
        zone=zone,
        title="Zone meeting: the first year",
        starts_at=_at(next_month, 18, 30),
        ends_at=_at(next_month, 20, 0),
        place="Cotteridge Church hall, Pershore Road",
        online_url="https://meet.example.org/sizes",
        agenda="1. What the walks survey found\n2. Nurse referrals\n3. Ideas waiting for an answer",
    )
    return {"created": True, "suggestions": 3, "ideas": 3, "meetings": 2}
