"""Zone lifecycle pages: invite, answer, objection reply, publish, declare, withdraw, review,
and the whole journey from proposal to declaration through the pages."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sizes.partners.models import Partnership
from sizes.zones.models import Review, Zone, ZoneStatus
from tests.factories import OrganisationFactory, PartnershipFactory, ZoneFactory, give_boundary

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def html(response) -> str:
    return response.content.decode()


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", html(response), re.S).group(1).strip()


def url(name, zone, *args):
    return reverse(name, args=[zone.slug, *args])


def snapshot(zone):
    return (
        Zone.objects.filter(pk=zone.pk).values().get(),
        list(Partnership.objects.filter(zone=zone).values()),
    )


# --- Invite -----------------------------------------------------------------------------------


def test_invite_page_permissions_and_choices(client, ready_zone, steward, resident):
    other = OrganisationFactory(name="Local NHS")
    page = url("zones:partner-invite", ready_zone)
    assert client.get(page).status_code == 302
    client.force_login(resident)
    assert client.get(page).status_code == 403
    client.force_login(steward)
    r = client.get(page)
    assert r.status_code == 200
    body = html(r)
    assert "Local NHS" in body and f'value="{other.pk}"' in body
    assert "Test City Council</option>" not in body  # already a partner
    for label in (
        "Organisation",
        "Role in the zone",
        "What the organisation is asked to commit to",
    ):
        assert label in body


def test_invite(client, ready_zone, steward):
    org = OrganisationFactory(name="Local NHS")
    client.force_login(steward)
    r = client.post(
        url("zones:partner-invite", ready_zone),
        {"organisation": org.pk, "role": "supporter", "commitment": "Staff time."},
    )
    assert r.status_code == 302
    p = Partnership.objects.get(zone=ready_zone, organisation=org)
    assert p.role == "supporter" and p.commitment == "Staff time."


@pytest.mark.parametrize(
    ("data", "message", "href"),
    [
        ({"organisation": "99999"}, "Choose an organisation from the list.", "#id_organisation"),
        ({"organisation": "abc"}, "Choose an organisation from the list.", "#id_organisation"),
        ({"organisation": ""}, "Choose an organisation to invite.", "#id_organisation"),
        ({"role": "boss"}, "Choose the organisation&#39;s role.", "#id_role"),
        ({"commitment": " "}, "Enter the commitment.", "#id_commitment"),
    ],
)
def test_invite_bad_input(client, ready_zone, steward, data, message, href):
    org = OrganisationFactory()
    client.force_login(steward)
    before = snapshot(ready_zone)
    post = {"organisation": org.pk, "role": "partner", "commitment": "Time.", **data}
    r = client.post(url("zones:partner-invite", ready_zone), post)
    assert r.status_code == 400
    assert message in html(r) and f'href="{href}"' in html(r)
    assert title(r).startswith("Error: ")
    assert snapshot(ready_zone) == before


def test_invite_an_existing_partner_is_refused(client, ready_zone, steward, council):
    client.force_login(steward)
    r = client.post(
        url("zones:partner-invite", ready_zone),
        {"organisation": council.pk, "role": "partner", "commitment": "Again."},
    )
    assert r.status_code == 400
    assert "Choose an organisation from the list." in html(r)


# --- Answer and objection reply ---------------------------------------------------------------


def test_answer_permissions(client, ready_zone, council_signer, community_signer, resident):
    p = ready_zone.partnerships.get(organisation__name="Test City Council")
    page = url("zones:partner-answer", ready_zone, p.pk)
    assert client.get(page).status_code == 302
    client.force_login(resident)
    assert client.get(page).status_code == 403
    client.force_login(community_signer)
    assert client.get(page).status_code == 403
    client.force_login(council_signer)
    r = client.get(page)
    assert r.status_code == 200
    body = html(r)
    assert "Answer for Test City Council" in body
    for label in (
        "Agree",
        "Agree with reservations",
        "Object",
        "Your reservations, or your reason for objecting",
        "Publish answer",
    ):
        assert label in body
    assert client.get(url("zones:partner-answer", ready_zone, 99999)).status_code == 404


def test_answer_in_another_zone_is_404(client, ready_zone, council_signer, council):
    other = ZoneFactory(status=ZoneStatus.PROPOSED)
    p = PartnershipFactory(zone=other, organisation=council)
    client.force_login(council_signer)
    assert client.get(url("zones:partner-answer", ready_zone, p.pk)).status_code == 404


def test_object_then_steward_replies(client, ready_zone, council_signer, steward):
    p = ready_zone.partnerships.get(organisation__name="Test City Council")
    client.force_login(council_signer)
    r = client.post(url("zones:partner-answer", ready_zone, p.pk), {"response": "objected"})
    assert r.status_code == 400
    assert "Enter the reason for the objection." in html(r)
    assert 'href="#id_response_text"' in html(r)
    r = client.post(
        url("zones:partner-answer", ready_zone, p.pk),
        {"response": "objected", "response_text": "No budget."},
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.response == "objected" and p.responded_by == council_signer

    reply = url("zones:objection-reply", ready_zone, p.pk)
    assert client.get(reply).status_code == 403  # the signer is not a steward
    client.force_login(steward)
    body = html(client.get(url("zones:detail", ready_zone)))
    assert "No budget." in body and "Answer the objection from Test City Council" in body
    r = client.post(reply, {"objection_answer": ""})
    assert r.status_code == 400 and "Enter your answer." in html(r)
    r = client.post(reply, {"objection_answer": "We found the money."})
    assert r.status_code == 302
    assert "We found the money." in html(client.get(url("zones:detail", ready_zone)))


def test_reply_when_there_is_no_objection(client, ready_zone, steward):
    p = ready_zone.partnerships.first()
    client.force_login(steward)
    r = client.post(url("zones:objection-reply", ready_zone, p.pk), {"objection_answer": "Hm"})
    assert r.status_code == 400 and "There is no objection to answer." in html(r)


@pytest.mark.parametrize("response", ["", "maybe"])
def test_answer_needs_a_choice(client, ready_zone, council_signer, response):
    p = ready_zone.partnerships.get(organisation__name="Test City Council")
    client.force_login(council_signer)
    r = client.post(url("zones:partner-answer", ready_zone, p.pk), {"response": response})
    assert r.status_code == 400
    assert "Choose agree, agree with reservations, or object." in html(r)
    assert 'href="#id_response"' in html(r)


# --- Publish, declare, withdraw, review -------------------------------------------------------


def test_publish(client, steward, resident):
    zone = ZoneFactory(status=ZoneStatus.DRAFT, stewards=[steward])
    client.force_login(resident)
    assert client.get(url("zones:publish", zone)).status_code == 404  # drafts are hidden
    client.force_login(steward)
    r = client.get(url("zones:publish", zone))
    assert r.status_code == 200 and "Open the public consultation" in html(r)
    assert client.post(url("zones:publish", zone)).status_code == 302
    zone.refresh_from_db()
    assert zone.status == ZoneStatus.PROPOSED
    r = client.post(url("zones:publish", zone))
    assert r.status_code == 400 and "Only a draft can be opened for consultation." in html(r)


def test_declare_checklist_lists_every_unmet_rule_and_changes_nothing(
    client, steward, council, community
):
    today = timezone.localdate()
    zone = ZoneFactory(
        status=ZoneStatus.PROPOSED,
        consultation_ends=today + dt.timedelta(days=3),
        review_date=today + dt.timedelta(days=5 * 365),
        stewards=[steward],
    )
    PartnershipFactory(
        zone=zone, organisation=council, response="objected", response_text="No budget."
    )
    PartnershipFactory(zone=zone, organisation=community)
    client.force_login(steward)
    r = client.get(url("zones:declare", zone))
    assert r.status_code == 200
    body = html(r)
    assert body.count(">Not met<") == 7
    assert "Declare the zone</button>" not in body

    before = snapshot(zone)
    r = client.post(url("zones:declare", zone))
    assert r.status_code == 400
    assert title(r).startswith("Error: ")
    body = html(r)
    summary = body.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    for message in (
        "The public consultation is not over yet.",
        "Give the zone a boundary",
        "Add at least one outcome",
        "The review date must be no later than",
        "At least one council partner must agree",
        "At least one community partner",
        "Test City Council objects to the zone.",
    ):
        assert message in summary
    assert snapshot(zone) == before


def test_declare_permissions_and_success(client, ready_zone, steward, resident):
    page = url("zones:declare", ready_zone)
    assert client.get(page).status_code == 302
    client.force_login(resident)
    assert client.get(page).status_code == 403
    assert client.post(page).status_code == 403
    client.force_login(steward)
    r = client.get(page)
    assert html(r).count(">Met<") == 7 and "Declare the zone</button>" in html(r)
    r = client.post(page)
    assert r.status_code == 302
    ready_zone.refresh_from_db()
    assert ready_zone.status == ZoneStatus.DECLARED
    assert "has been declared" in html(client.get(r.url))


def test_withdraw(client, ready_zone, steward):
    client.force_login(steward)
    r = client.post(url("zones:withdraw", ready_zone), {"reason": ""})
    assert r.status_code == 400 and "Enter the reason." in html(r)
    assert Zone.objects.get(pk=ready_zone.pk).status == ZoneStatus.PROPOSED
    r = client.post(url("zones:withdraw", ready_zone), {"reason": "Partners left."})
    assert r.status_code == 302
    body = html(client.get(url("zones:detail", ready_zone)))
    assert "Withdrawn: Partners left." in body and "Withdraw the zone" not in body


def test_review_renew_and_bad_inputs(client, steward):
    zone = ZoneFactory(status=ZoneStatus.REVIEW_DUE, stewards=[steward])
    client.force_login(steward)
    page = url("zones:review", zone)
    body = html(client.get(page))
    for label in ("Summary of the evidence", "Decision", "New review date", "Record review"):
        assert label in body
    new = timezone.localdate() + dt.timedelta(days=300)
    good = {
        "evidence_summary": "Admissions fell.",
        "decision": "renew",
        "new_review_date_day": new.day,
        "new_review_date_month": new.month,
        "new_review_date_year": new.year,
    }
    r = client.post(page, {**good, "new_review_date_day": "", "new_review_date_month": ""})
    assert r.status_code == 400 and "New review date must include a day and a month." in html(r)
    r = client.post(page, {**good, "new_review_date_year": "", "new_review_date_day": ""})
    assert r.status_code == 400
    r = client.post(page, {**good, "new_review_date_day": "", "new_review_date_month": "",
                           "new_review_date_year": ""})  # fmt: skip
    assert r.status_code == 400 and "Set a review date." in html(r)
    assert 'href="#id_new_review_date"' in html(r)
    assert not Review.objects.exists()
    r = client.post(page, good)
    assert r.status_code == 302
    zone.refresh_from_db()
    assert zone.status == ZoneStatus.DECLARED and zone.review_date == new
    assert "Admissions fell." in html(client.get(url("zones:detail", zone)))


def test_review_of_a_proposed_zone_is_refused(client, ready_zone, steward):
    client.force_login(steward)
    r = client.post(
        url("zones:review", ready_zone), {"evidence_summary": "x", "decision": "dissolve"}
    )
    assert r.status_code == 400
    assert "Only a declared zone, or one due for review, can be reviewed." in html(r)


# --- The whole journey ------------------------------------------------------------------------


def test_journey_propose_publish_invite_answer_declare(
    client, steward, council, community, council_signer, community_signer
):
    review = timezone.localdate() + dt.timedelta(days=400)
    client.force_login(steward)
    r = client.post(
        reverse("zones:propose"),
        {
            "name": "Cotteridge zone",
            "summary": "Health in Cotteridge.",
            "intention": "Together.",
            "themes": ["Health and well-being"],
            "review_date_day": review.day,
            "review_date_month": review.month,
            "review_date_year": review.year,
            "outcome_title": "More people active",
            "action": "draft",
        },
    )
    zone = Zone.objects.get(name="Cotteridge zone")
    assert client.post(url("zones:publish", zone)).status_code == 302
    for org in (council, community):
        r = client.post(
            url("zones:partner-invite", zone),
            {"organisation": org.pk, "role": "partner", "commitment": "Work with us."},
        )
        assert r.status_code == 302
    for signer, org, answer in (
        (council_signer, council, {"response": "agreed"}),
        (community_signer, community, {"response": "reservations", "response_text": "Slowly."}),
    ):
        client.force_login(signer)
        p = Partnership.objects.get(zone=zone, organisation=org)
        assert client.post(url("zones:partner-answer", zone, p.pk), answer).status_code == 302

    client.force_login(steward)
    r = client.post(url("zones:declare", zone))
    assert r.status_code == 400  # the consultation is still open, and there is no boundary
    assert "The public consultation is not over yet." in html(r)
    assert "Give the zone a boundary" in html(r)
    give_boundary(zone, steward)
    Zone.objects.filter(pk=zone.pk).update(
        consultation_ends=timezone.localdate() - dt.timedelta(days=1)
    )
    assert client.post(url("zones:declare", zone)).status_code == 302
    zone.refresh_from_db()
    assert zone.status == ZoneStatus.DECLARED
    body = html(client.get(reverse("zones:register")))
    assert "Cotteridge zone" in body and "Declared" in body


# --- No 500s on nonsense ----------------------------------------------------------------------

GARBAGE = {
    "name": "\x00",
    "version": "99999999999999999999999",
    "review_date_day": "-1",
    "review_date_month": "13",
    "review_date_year": "99999",
    "themes": ["\x00"],
    "organisation": "1.5",
    "role": "",
    "response": "objected",
    "decision": "renew",
    "new_review_date_day": "1",
    "new_review_date_month": "1",
    "new_review_date_year": "1900",
    "body": "\x00",
    "reason": "x" * 3000,
}


@pytest.mark.parametrize("status", [ZoneStatus.PROPOSED, ZoneStatus.WITHDRAWN])
def test_nonsense_posts_never_give_a_500(client, steward, council, council_signer, status):
    zone = ZoneFactory(status=status, stewards=[steward])
    p = PartnershipFactory(zone=zone, organisation=council)
    client.force_login(steward)
    names = ["edit", "outcome-add", "partner-invite", "publish", "declare", "withdraw", "review"]
    for name in [*names, "comment"]:
        for data in (GARBAGE, {}):
            r = client.post(url(f"zones:{name}", zone), data)
            assert r.status_code in (302, 400, 409), (name, r.status_code)
    client.force_login(council_signer)
    for name in ("partner-answer", "objection-reply"):
        r = client.post(url(f"zones:{name}", zone, p.pk), GARBAGE)
        assert r.status_code in (302, 400, 403, 409), (name, r.status_code)
    assert client.post(reverse("zones:propose"), GARBAGE).status_code == 400
