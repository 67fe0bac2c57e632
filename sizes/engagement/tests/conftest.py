import pytest


@pytest.fixture(autouse=True)
def _immediate_tasks_and_locmem_mail(settings):
    """Run background tasks at once and keep email in `django.core.mail.outbox`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SIZES_SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


from sizes.engagement.tests.geo_data import BOURNVILLE, STIRCHLEY, load_postcodes, load_wards  # noqa: E402,F401


@pytest.fixture
def wards(db):
    """Two real wards (Stirchley; Bournville & Cotteridge) stored as the importer would."""
    return load_wards()


@pytest.fixture
def postcodes(db):
    """One postcode in Stirchley ward, one in Bournville & Cotteridge, one far away."""
    return load_postcodes()


def verified(user):
    from sizes.engagement.services import profile_mark_verified

    profile_mark_verified(user=user)
    return user


@pytest.fixture
def alex(db):
    from tests.factories import UserFactory

    return verified(UserFactory(username="alex", display_name="Alex from Stirchley"))


@pytest.fixture
def bo(db):
    from tests.factories import UserFactory

    return verified(UserFactory(username="bo"))


@pytest.fixture
def declared(steward, council, community, council_signer):
    """A declared zone with the council and a community group as partners, and one outcome."""
    import datetime as dt

    from django.utils import timezone

    from sizes.zones.models import ZoneStatus
    from tests.factories import OutcomeFactory, PartnershipFactory, ZoneFactory

    today = timezone.localdate()
    zone = ZoneFactory(
        name="Declared zone",
        slug="declared-zone",
        status=ZoneStatus.DECLARED,
        proposed_on=today - dt.timedelta(days=100),
        declared_on=today - dt.timedelta(days=40),
        review_date=today + dt.timedelta(days=365),
    )
    zone.stewards.add(steward)
    PartnershipFactory(zone=zone, organisation=council)
    PartnershipFactory(zone=zone, organisation=community)
    OutcomeFactory(zone=zone, title="Fewer lonely older people")
    return zone
