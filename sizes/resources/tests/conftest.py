"""A declared zone with two partners (council, community), a member of each, a funder body
with a member, and an outsider: enough to test who may write and who may see what."""

import pytest

from sizes.partners.models import OrganisationKind
from sizes.zones.models import ZoneStatus
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def zone(ready_zone):
    ready_zone.status = ZoneStatus.DECLARED
    ready_zone.save(update_fields=["status"])
    return ready_zone


@pytest.fixture
def funder(db):
    return OrganisationFactory(name="Test Community Foundation", kind=OrganisationKind.FUNDER)


@pytest.fixture
def funder_member(funder):
    return MembershipFactory(organisation=funder, user=UserFactory(username="fundermember")).user


@pytest.fixture
def outsider_org(db):
    return OrganisationFactory(name="Outside Org", kind=OrganisationKind.VOLUNTARY)


@pytest.fixture
def outsider(outsider_org):
    """An approved member of an organisation that is not a partner in the zone."""
    return MembershipFactory(organisation=outsider_org, user=UserFactory(username="outsider")).user


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.SIZES_UPLOAD_DIR = tmp_path / "uploads"
