"""Ideas from the edge: propose, answer in time (adopt, later, decline), overdue list."""

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from sizes.core.errors import DomainError, InvalidTransition, NotAllowed
from sizes.engagement import selectors, services
from sizes.engagement.models import Idea, IdeaStatus
from sizes.engagement.views import zone_engagement_context
from sizes.variations.models import Variation, VariationStatus
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def propose(actor, zone, org, **kw):
    data = {
        "title": "Let us book rooms for groups",
        "obstacle": "Only staff can book the library room, so groups cannot meet.",
        "proposal": "Let residents' groups book it online.",
        "role": "frontline",
        **kw,
    }
    return services.idea_propose(actor=actor, zone=zone, organisation=org, **data)


def adopt_fields(zone, **kw):
    return {
        "subject": "asset",
        "action": "change",
        "title": "Library room open to groups",
        "standard_rule": "Only staff book rooms",
        "difference": "Groups book it online.",
        "reason": "Groups need somewhere to meet.",
        "applies_to": "Residents' groups",
        "guaranteed": "Staff bookings come first.",
        "cap": "",
        "scope": "whole_zone",
        "start_date": timezone.localdate(),
        "end_date": None,
        "accountable_name": "Cllr Jane Smith",
        "accountable_role": "Ward councillor",
        "outcomes": [zone.outcomes.first().pk],
        **kw,
    }


def test_frontline_worker_idea_adopted_becomes_a_linked_proposed_variation(
    alex, declared, council, council_signer, settings
):
    settings.SIZES_IDEA_ANSWER_DAYS = 30
    idea = propose(alex, declared, council)
    assert idea.answer_due == timezone.localdate() + dt.timedelta(days=30)
    assert idea.author_role == "frontline"
    idea = services.idea_adopt(actor=council_signer, idea=idea, **adopt_fields(declared))
    assert idea.status == IdeaStatus.ADOPTED
    v = Variation.objects.get()
    assert v.status == VariationStatus.PROPOSED and v.owner == council and v.idea == idea
    with pytest.raises(InvalidTransition):
        services.idea_answer(actor=council_signer, idea=idea, decision="declined", reason="x")


def test_adopt_with_missing_variation_fields_changes_nothing(
    alex, declared, council, council_signer
):
    idea = propose(alex, declared, council)
    with pytest.raises(DomainError):
        services.idea_adopt(actor=council_signer, idea=idea, **adopt_fields(declared, title=""))
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.OPEN and not Variation.objects.exists()


def test_only_members_of_the_addressed_partner_answer(
    alex, bo, declared, council, community_signer
):
    idea = propose(alex, declared, council)
    for actor in (bo, community_signer):
        with pytest.raises(NotAllowed):
            services.idea_answer(actor=actor, idea=idea, decision="declined", reason="No")


def test_consider_later_then_decline_with_a_reason(alex, declared, council, council_signer):
    idea = propose(alex, declared, council)
    with pytest.raises(DomainError):
        services.idea_answer(actor=council_signer, idea=idea, decision="declined", reason="")
    services.idea_answer(actor=council_signer, idea=idea, decision="later", reason="Next year.")
    idea = services.idea_answer(
        actor=council_signer, idea=idea, decision="declined", reason="Fire rules."
    )
    assert (idea.status, idea.answer) == (IdeaStatus.DECLINED, "Fire rules.")


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"role": ""}, "role_required"),
        ({"role": "mayor"}, "role_required"),
        ({"title": "x" * 151}, "title_too_long"),
        ({"obstacle": ""}, "obstacle_required"),
        ({"proposal": "\x00"}, "proposal_invalid"),
    ],
)
def test_bad_ideas_are_refused(alex, declared, council, kw, code):
    with pytest.raises(DomainError) as e:
        propose(alex, declared, council, **kw)
    assert code in [p.code for p in e.value.details]
    assert not Idea.objects.exists()


def test_idea_must_go_to_a_partner_of_the_zone(alex, declared):
    with pytest.raises(DomainError) as e:
        propose(alex, declared, OrganisationFactory())
    assert [p.code for p in e.value.details] == ["organisation_invalid"]


def test_unverified_cannot_send_ideas(resident, declared, council):
    with pytest.raises(NotAllowed):
        propose(resident, declared, council)


def test_overdue_ideas_are_listed_on_the_zone_section(alex, declared, council, council_signer):
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        late = propose(alex, declared, council, title="Late one")
        answered = propose(alex, declared, council, title="Answered one")
        services.idea_answer(actor=council_signer, idea=answered, decision="later", reason="Soon.")
    propose(alex, declared, council, title="Fresh one")
    today = timezone.localdate()
    assert list(selectors.ideas_overdue(zone=declared, today=today)) == [late]
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    context = zone_engagement_context(request, declared)
    assert context["engagement"]["overdue_ideas"] == [late]
    from django.template.loader import render_to_string

    html = render_to_string(
        "engagement/_zone_section.html", {**context, "zone": declared}, request=request
    )
    assert "Late one" in html and "Overdue ideas" in html and "Fresh one" not in html


def test_idea_pages_propose_answer_adopt(client, alex, declared, council, council_signer):
    client.force_login(alex)
    new = reverse("engagement:idea-new", args=[declared.slug])
    assert client.get(new).status_code == 200
    r = client.post(
        new,
        {
            "role": "service_user",
            "organisation": council.pk,
            "title": "<img src=x onerror=alert(1)>",
            "obstacle": "O",
            "proposal": "P",
        },
    )
    assert r.status_code == 302
    idea = Idea.objects.get()
    page = client.get(r.url).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert (
        client.get(reverse("engagement:idea-adopt", args=[declared.slug, idea.pk])).status_code
        == 403
    )
    client.force_login(council_signer)
    adopt = reverse("engagement:idea-adopt", args=[declared.slug, idea.pk])
    assert client.get(adopt).status_code == 200
    assert client.post(adopt, {"owner": council.pk}).status_code == 400
    today = timezone.localdate()
    data = {
        "owner": council.pk,
        "title": "Library room",
        "subject": "asset",
        "action": "change",
        "standard_rule": "Staff only",
        "difference": "Groups book",
        "reason": "Meet",
        "outcomes": [declared.outcomes.first().pk],
        "applies_to": "Groups",
        "guaranteed": "Staff first",
        "scope": "whole_zone",
        "start_date_day": today.day,
        "start_date_month": today.month,
        "start_date_year": today.year,
        "accountable_name": "Jane",
        "accountable_role": "Head of libraries",
    }
    r = client.post(adopt, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED and r.url == reverse(
        "variations:detail", args=[idea.variation.pk]
    )
    detail = client.get(reverse("engagement:idea", args=[declared.slug, idea.pk])).content.decode()
    assert "Library room" in detail
    assert client.get(reverse("engagement:ideas", args=[declared.slug])).status_code == 200


def test_idea_page_bad_input_and_unknown(client, alex, declared, council):
    client.force_login(alex)
    r = client.post(
        reverse("engagement:idea-new", args=[declared.slug]),
        {"organisation": "999", "title": "x" * 500},
    )
    assert r.status_code == 400 and not Idea.objects.exists()
    assert client.get(reverse("engagement:idea", args=[declared.slug, 999])).status_code == 404
    assert client.get(reverse("engagement:ideas", args=["no-such-zone"])).status_code == 404
