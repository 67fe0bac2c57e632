"""Factories for tests: real rows in the real database, built the way the services build them."""

import datetime as dt

import factory
from django.utils import timezone

from sizes.accounts.models import User
from sizes.partners.models import Membership, Organisation, OrganisationKind, Partnership
from sizes.zones.models import Outcome, Zone, ZoneStatus


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.VOLUNTARY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Membership.Status.APPROVED
    can_sign = True


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Zone {n}")
    slug = factory.Sequence(lambda n: f"zone-{n}")
    summary = "A zone for testing."
    intention = "We intend to test things together."
    status = ZoneStatus.DRAFT
    review_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))

    @factory.post_generation
    def stewards(self, create, extracted, **kwargs):
        if create and extracted:
            self.stewards.add(*extracted)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    zone = factory.SubFactory(ZoneFactory)
    title = factory.Sequence(lambda n: f"Outcome {n}")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    zone = factory.SubFactory(ZoneFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    commitment = "We commit to taking part."


def give_boundary(zone, actor, *, lat=52.4300, lon=-1.9250, radius_m=300, fringe_m=250):
    """Give `zone` a small round boundary through the real service (a circle in Stirchley)."""
    from sizes.geo.geometry import geometry_from_point
    from sizes.geo.services import zone_set_boundary

    return zone_set_boundary(
        actor=actor,
        zone=zone,
        geometry=geometry_from_point(lat=lat, lon=lon, radius_m=radius_m),
        fringe_m=fringe_m,
        method="point",
    )
