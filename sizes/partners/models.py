"""Organisations, the people who may answer for them, and their part in zones."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    HEALTH = "health", "Health (NHS)"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    EDUCATION = "education", "Education"
    VOLUNTARY = "voluntary", "Voluntary or community group"
    RESIDENTS = "residents", "Residents' association"
    BUSINESS = "business", "Business"
    FUNDER = "funder", "Funder"
    UNIVERSITY = "university", "University"
    OTHER = "other", "Other"


# Kinds that count as the "community partner" a zone needs before it can be declared.
COMMUNITY_KINDS = (OrganisationKind.VOLUNTARY, OrganisationKind.RESIDENTS)


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    # Where the organisation is based (optional; shown on the maps of zones it takes part in).
    # A partner may sit outside the zone: neighbours take part too.
    lat = models.FloatField(null=True, blank=True, verbose_name="latitude")
    lon = models.FloatField(null=True, blank=True, verbose_name="longitude")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's membership of an organisation, requested by them and approved by others.

    Only an approved member with `can_sign` may answer for the organisation in a zone.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    can_sign = models.BooleanField(
        default=False, help_text="May agree to or object to zones on the organisation's behalf."
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.status})"


class Partnership(models.Model):
    """An organisation's part in one zone: its role, commitment and answer.

    A partner may sit outside the zone's boundary: neighbouring groups take part too.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        PARTNER = "partner", "Partner"
        SUPPORTER = "supporter", "Supporter"
        FUNDER = "funder", "Funder"
        EXPERT = "expert", "Expert"

    class Response(models.TextChoices):
        PENDING = "pending", "Not answered yet"
        AGREED = "agreed", "Agreed"
        RESERVATIONS = "reservations", "Agreed with reservations"
        OBJECTED = "objected", "Objected"

    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTNER)
    commitment = models.TextField(help_text="What the organisation commits to in this zone.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    response = models.CharField(max_length=14, choices=Response.choices, default=Response.PENDING)
    # The reservations, or the reason for the objection; public.
    response_text = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    # A steward's public answer to an objection. An answered objection no longer blocks
    # declaration, but stays on the record.
    objection_answer = models.TextField(blank=True)
    objection_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    objection_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "organisation"], name="one_partnership_per_zone"
            ),
            models.CheckConstraint(
                condition=~Q(response="objected") | ~Q(response_text=""),
                name="objection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.zone}"

    @property
    def has_agreed(self) -> bool:
        return self.response in (self.Response.AGREED, self.Response.RESERVATIONS)

    @property
    def is_unresolved_objection(self) -> bool:
        return self.response == self.Response.OBJECTED and not self.objection_answer
