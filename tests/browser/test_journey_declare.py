"""The foundation's journey in a real browser: a steward proposes a zone, invites a council
and a community partner, each partner's signer agrees, and the steward declares the zone.
Pages are checked with axe-core on the way."""

import datetime as dt

import pytest
from django.utils import timezone

from sizes.partners.models import OrganisationKind
from sizes.zones.models import Zone, ZoneStatus
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_boundary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def test_propose_invite_sign_declare(page, page_problems, axe_check):
    steward = UserFactory(username="steward")
    council = OrganisationFactory(name="Test City Council", kind=OrganisationKind.COUNCIL)
    friends = OrganisationFactory(name="Friends of Test Park", kind=OrganisationKind.VOLUNTARY)
    MembershipFactory(organisation=council, user=UserFactory(username="councilsigner"))
    MembershipFactory(organisation=friends, user=UserFactory(username="friendssigner"))

    # 1. Propose, opening the public consultation at once.
    sign_in(page, "steward")
    page.goto("/zones/propose/")
    axe_check(page, "propose form")
    page.get_by_label("Zone name").fill("Test Park health zone")
    page.get_by_label("Summary").fill("The streets around Test Park.")
    page.get_by_label("Health and well-being").check()
    next_year = timezone.localdate() + dt.timedelta(days=365)
    page.get_by_label("Day").fill(str(next_year.day))
    page.get_by_label("Month").fill(str(next_year.month))
    page.get_by_label("Year").fill(str(next_year.year))
    page.get_by_label("Statement of shared intention").fill("We will work together.")
    page.get_by_label("First outcome").fill("More people walking in the park")
    page.get_by_role("button", name="Propose and open consultation").click()
    page.get_by_text("has been proposed").wait_for()
    zone = Zone.objects.get(name="Test Park health zone")
    assert zone.status == ZoneStatus.PROPOSED
    axe_check(page, "zone page seen by its steward")

    # 2. Invite both partners.
    for org in (council, friends):
        page.get_by_role("link", name="Invite a partner").click()
        page.get_by_label("Organisation", exact=True).select_option(label=org.name)
        page.get_by_label("Lead", exact=True).check()
        page.get_by_label("What the organisation is asked to commit to").fill("Take part.")
        page.get_by_role("button", name="Invite partner").click()
        page.wait_for_url(lambda url: "/invite/" not in url)
    assert zone.partnerships.count() == 2

    # 3. Each partner's signer answers for it.
    for signer, org in (("councilsigner", council), ("friendssigner", friends)):
        sign_in(page, signer)
        page.goto(f"/zones/{zone.slug}/")
        page.get_by_role("link", name=f"Answer for {org.name}").first.click()
        axe_check(page, "answer form")
        page.get_by_label("Agree", exact=True).check()
        page.get_by_role("button", name="Publish answer").click()
        page.wait_for_url(lambda url: "/answer/" not in url)
    assert sorted(zone.partnerships.values_list("response", flat=True)) == ["agreed", "agreed"]

    # 4. Declaring is refused while the consultation runs and there is no boundary ...
    sign_in(page, "steward")
    page.goto(f"/zones/{zone.slug}/declare/")
    assert page.get_by_text("Not met").count() == 2
    axe_check(page, "declaration checklist")
    # ... then six weeks pass and the steward gives the zone its boundary.
    Zone.objects.filter(pk=zone.pk).update(
        consultation_ends=timezone.localdate() - dt.timedelta(days=1)
    )
    give_boundary(zone, steward)
    page.goto(f"/zones/{zone.slug}/declare/")
    assert page.get_by_text("Not met").count() == 0
    page.get_by_role("button", name="Declare the zone").click()
    page.get_by_text("has been declared").wait_for()
    zone.refresh_from_db()
    assert zone.status == ZoneStatus.DECLARED
    axe_check(page, "declared zone")
    assert not page_problems.page_errors and not page_problems.console_errors
