"""API fixtures: a public zone with a real history (built through the services), and tokens."""

import pytest

from sizes.api.services import token_create
from sizes.variations.tests.builders import build_world
from tests.factories import OrganisationFactory


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "contract: schemathesis contract tests over the OpenAPI document"
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    """The engagement rate limiter counts in Django's cache, which outlives a test; the world
    builder comments as the same person every time."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def council_token(world):
    """A token of the council's signer, scoped to the council (which owns every variation)."""
    _, secret = token_create(
        actor=world.council_signer, name="Case system", organisations=[world.council]
    )
    return secret


@pytest.fixture
def community_token(world):
    """A token scoped to the community group, which owns none of the variations."""
    _, secret = token_create(
        actor=world.community_signer, name="Group laptop", organisations=[world.community]
    )
    return secret


@pytest.fixture
def steward_token(world):
    """A token of the zone's steward, for steward work only (stewards act for zones, not for
    organisations)."""
    _, secret = token_create(
        actor=world.steward, name="Evidence system", organisations=[], stewardship=True
    )
    return secret


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Elsewhere Housing", kind="housing")


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def funder(world):
    """A funder (not a partner of the zone: funders need not be) whose member is the council's
    signer, so the same person's tokens can act for either."""
    from sizes.partners.models import OrganisationKind
    from tests.factories import MembershipFactory

    org = OrganisationFactory(name="Park Lane Trust", slug="park-lane-trust",
                              kind=OrganisationKind.FUNDER)  # fmt: skip
    MembershipFactory(organisation=org, user=world.council_signer)
    return org


@pytest.fixture
def funder_token(world, funder):
    """A token of the funder's member, scoped to the funder."""
    _, secret = token_create(
        actor=world.council_signer, name="Grants system", organisations=[funder]
    )
    return secret


@pytest.fixture
def uploads(settings, tmp_path):
    """Uploaded PDFs go to a folder of this test's own."""
    settings.SIZES_UPLOAD_DIR = tmp_path / "uploads"
    return tmp_path / "uploads" / "plans"
