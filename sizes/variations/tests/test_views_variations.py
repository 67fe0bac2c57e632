import datetime as dt

import pytest
from django.utils import timezone

from sizes.partners.models import Partnership
from sizes.variations import services
from sizes.variations.models import Variation, VariationStatus
from sizes.zones.models import ZoneStatus
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    UserFactory,
    ZoneFactory,
    give_boundary,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def zone(steward, council):
    z = ZoneFactory(
        name="Park zone", slug="park-zone", status=ZoneStatus.DECLARED,
        declared_on=TODAY - dt.timedelta(days=10), review_date=TODAY + dt.timedelta(days=300),
        stewards=[steward],
    )  # fmt: skip
    PartnershipFactory(zone=z, organisation=council, response=Partnership.Response.AGREED)
    return z


@pytest.fixture
def outcome(zone):
    return OutcomeFactory(zone=zone, title="More people active")


@pytest.fixture
def member(council):
    return MembershipFactory(organisation=council, can_sign=False).user


def form_data(council, outcome, **kw):
    data = {
        "owner": council.pk,
        "title": "Pavilion open early",
        "subject": "asset",
        "action": "change",
        "standard_rule": "Park buildings open 10:00 to 16:00",
        "standard_rule_url": "",
        "difference": "Opens at 07:30 for health walks.",
        "reason": "Reach people before work.",
        "outcomes": [outcome.pk],
        "applies_to": "Health walk groups.",
        "guaranteed": "Normal hours for everyone else.",
        "cap": "",
        "scope": "whole_zone",
        "start_date_day": TODAY.day,
        "start_date_month": TODAY.month,
        "start_date_year": TODAY.year,
        "end_date_day": "",
        "end_date_month": "",
        "end_date_year": "",
        "accountable_name": "Cllr Jane Smith",
        "accountable_role": "Ward councillor",
    }
    data.update(kw)
    return data


def make_variation(member, zone, council, outcome):
    data = {
        k: v for k, v in form_data(council, outcome).items()
        if k != "owner" and not k.startswith(("start_date_", "end_date_"))
    }  # fmt: skip
    return services.variation_propose(
        actor=member, zone=zone, owner=council, start_date=TODAY, end_date=None, **data
    )


def test_member_proposes_through_the_page(client, zone, outcome, council, member):
    client.force_login(member)
    page = client.get("/variations/new/park-zone/")
    assert page.status_code == 200
    assert "Propose a variation" in page.content.decode()
    response = client.post("/variations/new/park-zone/", form_data(council, outcome))
    v = Variation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/variations/{v.pk}/"
    assert v.owner == council and v.status == VariationStatus.PROPOSED


def test_bad_input_shows_every_problem_and_saves_nothing(client, zone, outcome, council, member):
    client.force_login(member)
    bad = form_data(
        council, outcome, accountable_name="", start_date_day="31", start_date_month="2",
        guaranteed="",
    )  # fmt: skip
    response = client.post("/variations/new/park-zone/", bad)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Error: Propose a variation" in text
    assert "Enter the name of the accountable leader." in text
    assert "Start date must be a real date." in text
    assert "Enter what stays guaranteed." in text
    assert not Variation.objects.exists()


def test_end_before_start_is_explained(client, zone, outcome, council, member):
    client.force_login(member)
    earlier = TODAY - dt.timedelta(days=1)
    bad = form_data(
        council, outcome, end_date_day=earlier.day, end_date_month=earlier.month,
        end_date_year=earlier.year,
    )  # fmt: skip
    response = client.post("/variations/new/park-zone/", bad)
    assert response.status_code == 400
    assert "The end date must be after the start date." in response.content.decode()


def test_people_outside_the_partners_cannot_propose(client, zone, resident):
    assert client.get("/variations/new/park-zone/").status_code == 302  # sign in first
    client.force_login(resident)
    assert client.get("/variations/new/park-zone/").status_code == 403


def test_agree_activate_end_through_the_pages(
    client, zone, outcome, council, member, council_signer, steward
):
    v = make_variation(member, zone, council, outcome)
    for user in (council_signer, steward):
        client.force_login(user)
        v.refresh_from_db()
        assert client.post(f"/variations/{v.pk}/agree/", {"version": v.version}).status_code == 302
    v.refresh_from_db()
    assert v.status == VariationStatus.AGREED
    client.force_login(member)
    client.post(f"/variations/{v.pk}/activate/", {"version": v.version})
    v.refresh_from_db()
    assert v.status == VariationStatus.ACTIVE
    response = client.post(f"/variations/{v.pk}/end/", {"version": v.version, "reason": ""})
    assert response.status_code == 400 and "Enter why it is ending." in response.content.decode()
    client.post(f"/variations/{v.pk}/end/", {"version": v.version, "reason": "Done."})
    v.refresh_from_db()
    assert v.status == VariationStatus.ENDED


def test_stale_version_is_a_conflict_on_the_page(
    client, zone, outcome, council, member, council_signer
):
    v = make_variation(member, zone, council, outcome)
    client.force_login(council_signer)
    response = client.post(f"/variations/{v.pk}/agree/", {"version": v.version + 5})
    assert response.status_code == 409
    assert "Someone else changed this" in response.content.decode()
    v.refresh_from_db()
    assert v.owner_agreed_by is None


def test_other_organisation_cannot_edit(client, zone, outcome, council, member):
    v = make_variation(member, zone, council, outcome)
    other = MembershipFactory(organisation=OrganisationFactory()).user
    client.force_login(other)
    assert client.get(f"/variations/{v.pk}/edit/").status_code == 403
    data = form_data(council, outcome, title="Hijacked", version=v.version)
    assert client.post(f"/variations/{v.pk}/edit/", data).status_code == 403
    assert Variation.objects.get().title == "Pavilion open early"


def test_register_filters_and_public_detail(client, zone, outcome, council, member):
    v = make_variation(member, zone, council, outcome)
    text = client.get("/variations/").content.decode()
    assert "Pavilion open early" in text and "Cllr Jane Smith" in text
    assert "Pavilion open early" not in client.get("/variations/?subject=staff").content.decode()
    assert "Pavilion open early" in client.get("/variations/?zone=park-zone").content.decode()
    assert "0 variations" in client.get("/variations/?zone=nowhere&status=bogus").content.decode()
    detail = client.get(f"/variations/{v.pk}/")
    assert (
        detail.status_code == 200 and "Normal hours for everyone else." in detail.content.decode()
    )
    assert client.get("/variations/999999/").status_code == 404


def test_variations_of_draft_zones_are_not_public(client, council, steward):
    draft = ZoneFactory(status=ZoneStatus.DRAFT, stewards=[steward])
    member = MembershipFactory(organisation=council).user
    PartnershipFactory(zone=draft, organisation=council)
    assert client.get(f"/variations/new/{draft.slug}/").status_code == 302
    client.force_login(member)
    assert client.get(f"/variations/new/{draft.slug}/").status_code == 404


def test_limits_page_for_council_admins_only(client, zone, council_admin, steward):
    client.force_login(steward)
    assert client.get("/variations/limits/park-zone/").status_code == 403
    client.force_login(council_admin)
    response = client.post(
        "/variations/limits/park-zone/", {"allowed_subjects": ["asset"], "max_active": "x"}
    )
    assert response.status_code == 400 and "Enter a whole number" in response.content.decode()
    client.post("/variations/limits/park-zone/", {"allowed_subjects": ["asset"], "max_active": 2})
    zone.refresh_from_db()
    assert zone.variation_policy.max_active == 2


def test_baseline_page(client, zone, council, member):
    client.force_login(member)
    client.post(
        "/variations/baseline/park-zone/",
        {"organisation": council.pk, "service": "Parks", "statement": "Open 8am to dusk."},
    )
    assert zone.baselines.get().statement == "Open 8am to dusk."
    client.force_login(UserFactory())
    assert client.get("/variations/baseline/park-zone/").status_code == 403


def test_register_by_ward_and_by_date(
    client, zone, outcome, council, member, council_signer, steward
):
    from sizes.geo.importers import import_boundaries
    from sizes.geo.models import ZoneBoundary

    import_boundaries(
        "sizes/geo/data/birmingham_wards.geojson", area_type="ward", code_field="ward_code",
        name_field="ward_name", vintage="2018",
    )  # fmt: skip
    give_boundary(zone, steward, lat=52.4300, lon=-1.9250)  # inside Stirchley ward
    assert ZoneBoundary.objects.filter(zone=zone).exists()
    v = make_variation(member, zone, council, outcome)
    services.variation_agree(actor=council_signer, variation=v)
    v = services.variation_agree(actor=steward, variation=v)
    services.variation_activate(actor=member, variation=v)
    assert "Pavilion open early" in client.get("/variations/?ward=E05011172").content.decode()
    assert "Pavilion open early" not in client.get("/variations/?ward=E05011118").content.decode()
    bad = client.get("/variations/?ward=X99")
    assert bad.status_code == 400 and "We have no ward with the code X99." in bad.content.decode()
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert "Pavilion open early" in client.get(f"/variations/?on={TODAY}").content.decode()
    assert "Pavilion open early" not in client.get(f"/variations/?on={yesterday}").content.decode()
    bad = client.get("/variations/?on=31/02/2026")
    assert bad.status_code == 400 and "Enter the date as year-month-day" in bad.content.decode()


@pytest.mark.django_db
def test_the_registers_counts_leave_out_variations_of_hidden_zones():
    """Counting reads only an index of the variations and the list of hidden zones; it must
    count exactly what the register lists."""
    from bench.pagedata import populate, simple_shapes
    from sizes.variations.models import Variation
    from sizes.variations.selectors import variations_public
    from sizes.zones.models import Zone, ZoneStatus

    populate(n_zones=3, shapes=simple_shapes(3, 1, 0), variations_per_zone=4)
    hidden = Zone.objects.order_by("pk").first()
    hidden.status = ZoneStatus.DRAFT
    hidden.save(update_fields=["status"])
    listed = variations_public()
    counted = variations_public(counting=True)
    assert Variation.objects.count() == 12
    assert counted.count() == listed.count() == 8
    assert set(counted.values_list("pk", flat=True)) == set(listed.values_list("pk", flat=True))
    for subject in {v.subject for v in Variation.objects.all()}:
        assert (
            variations_public(counting=True, subject=subject).count()
            == variations_public(subject=subject).count()
        )
