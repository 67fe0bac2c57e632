"""Fixtures shared by every test: people in each role and a zone ready to declare."""

import datetime as dt

import pytest
from django.utils import timezone

from sizes.partners.models import OrganisationKind, Partnership
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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and other counters live in Django's cache: start each test with none (and
    with no postcode places kept by the lookup, sizes/geo/selectors.py)."""
    from django.core.cache import cache

    from sizes.geo.selectors import forget_postcode_places

    cache.clear()
    forget_postcode_places()
    yield
    cache.clear()
    forget_postcode_places()


@pytest.fixture
def steward(db):
    return UserFactory(username="steward")


@pytest.fixture
def resident(db):
    return UserFactory(username="resident")


@pytest.fixture
def council_admin(db):
    return UserFactory(username="counciladmin", is_council_admin=True)


@pytest.fixture
def site_admin(db):
    return UserFactory(username="siteadmin", is_superuser=True, is_staff=True)


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Test City Council", kind=OrganisationKind.COUNCIL)


@pytest.fixture
def community(db):
    return OrganisationFactory(name="Friends of Test Park", kind=OrganisationKind.VOLUNTARY)


@pytest.fixture
def council_signer(council):
    return MembershipFactory(organisation=council, user=UserFactory(username="councilsigner")).user


@pytest.fixture
def community_signer(community):
    return MembershipFactory(
        organisation=community, user=UserFactory(username="communitysigner")
    ).user


@pytest.fixture
def ready_zone(steward, council, community):
    """A proposed zone whose consultation ended yesterday, with a boundary, an outcome and two
    agreements: every declaration rule holds."""
    today = timezone.localdate()
    zone = ZoneFactory(
        name="Ready zone",
        slug="ready-zone",
        status=ZoneStatus.PROPOSED,
        proposed_on=today - dt.timedelta(days=50),
        consultation_ends=today - dt.timedelta(days=1),
        review_date=today + dt.timedelta(days=365),
        stewards=[steward],
    )
    OutcomeFactory(zone=zone, title="More people active in the park")
    give_boundary(zone, steward)
    for org in (council, community):
        PartnershipFactory(zone=zone, organisation=org, response=Partnership.Response.AGREED)
    return zone
