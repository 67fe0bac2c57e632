"""Pooled information: what each partner puts into a zone, and what funders and experts pledge.

The "second star" of a Social Innovation Zone is partners meeting to focus information about
their **budgets, assets, objectives and plans** in one place. Each record belongs to one
organisation in one zone and is either public or seen by partners only (`Visibility`); every
page, feed, export and API reads them through `sizes.resources.selectors.*_visible_to`, so a
partners-only record cannot leak by a view forgetting a filter.

Organisation identifiers follow org-id.guide ("GB-CHC-1234567"): `OrganisationIdentifier` holds
them here rather than changing the partners app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PARTNERS = "partners", "Partners only"


class PooledRecord(models.Model):
    """Fields every pooled record shares: whose it is, where, who sees it, and its version."""

    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class BudgetKind(models.TextChoices):
    NEW = "new", "New money"
    REDIRECTED = "redirected", "Redirected money"
    IN_KIND = "in_kind", "In kind"


class Budget(PooledRecord):
    """Spending by a partner on a service relevant to the zone, over a period.

    `amount` is the whole budget for the service in the period; the share spent in the zone is
    given either as an amount or as a percentage, with the basis of the estimate.
    """

    service = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    zone_share_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    zone_share_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    share_basis = models.TextField(help_text="How the share spent in the zone was estimated.")
    kind = models.CharField(max_length=12, choices=BudgetKind.choices)

    class Meta:
        ordering = ["period_start", "service", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_amount_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="budget_period_order"
            ),
            models.CheckConstraint(
                condition=Q(zone_share_percent__isnull=True)
                | Q(zone_share_percent__gte=0, zone_share_percent__lte=100),
                name="budget_percent_range",
            ),
            models.UniqueConstraint(
                fields=["zone", "organisation", "service", "period_start", "period_end", "kind"],
                name="one_budget_per_service_period_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.period_label})"

    @property
    def period_label(self) -> str:
        """ "2025-26" for an April-to-March financial year, otherwise the two dates."""
        s, e = self.period_start, self.period_end
        if (s.month, s.day, e.month, e.day) == (4, 1, 3, 31) and e.year == s.year + 1:
            return f"{s.year}-{str(e.year)[2:]}"
        return f"{s:%-d %b %Y} to {e:%-d %b %Y}"

    @property
    def zone_amount(self):
        """The amount spent in the zone (from the share), in `currency`."""
        if self.zone_share_amount is not None:
            return self.zone_share_amount
        if self.zone_share_percent is not None:
            return (self.amount * self.zone_share_percent / 100).quantize(self.amount)
        return None


class AssetKind(models.TextChoices):
    BUILDING = "building", "Building"
    PARK = "park", "Park or open space"
    ROOM = "room", "Room"
    VEHICLE = "vehicle", "Vehicle"
    STAFF_TEAM = "staff_team", "Staff team"
    DATA_SET = "data_set", "Data set"
    OTHER = "other", "Other"


class Asset(PooledRecord):
    """Something a partner makes available in the zone, optionally with a place on the map.

    The location is a point (`lat`, `lon`) or an area (`area`, a validated GeoJSON
    MultiPolygon from `sizes.geo.geometry`), never both. The contact route is a way to reach
    the organisation (a web form, a shared mailbox, a switchboard), never a person.
    """

    kind = models.CharField(max_length=12, choices=AssetKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField()
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    area = models.JSONField(null=True, blank=True)
    location_note = models.CharField(max_length=300, blank=True)
    availability = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    contact_route = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False, area__isnull=True),
                name="asset_point_or_area",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Objective(PooledRecord):
    """What a partner sets out to achieve in the zone."""

    title = models.CharField(max_length=200)
    summary = models.TextField()
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    link = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Plan(PooledRecord):
    """A partner's plan for the zone: a link, or an uploaded PDF kept outside static files.

    The PDF is stored under a random name (`document_name`) in `SIZES_UPLOAD_DIR/plans/` and only
    ever served by `resources:plan-document` as an attachment: it is never executed or shown
    inline, so a hostile file can do no harm on this site.
    """

    title = models.CharField(max_length=200)
    summary = models.TextField()
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    link = models.URLField(max_length=500, blank=True)
    document_name = models.CharField(max_length=80, blank=True)
    document_original_name = models.CharField(max_length=200, blank=True)
    document_size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_document(self) -> bool:
        return bool(self.document_name)


class PledgeKind(models.TextChoices):
    MONEY = "money", "Money"
    EXPERTISE = "expertise", "Expertise"


class PledgeStatus(models.TextChoices):
    PLEDGED = "pledged", "Pledged"
    GRANTED = "granted", "Granted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Pledge(PooledRecord):
    """A funder's or expert body's offer to a zone: money or days of expertise.

    `organisation` is the funder or expert body (it need not be a partner of the zone). A money
    pledge becomes a grant (`granted_on`, `granted_amount`): grants are what the 360Giving
    export publishes.
    """

    kind = models.CharField(max_length=10, choices=PledgeKind.choices)
    title = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    expertise_days = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    expertise_kind = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.PLEDGED
    )
    granted_on = models.DateField(null=True, blank=True)
    granted_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # A stable identifier for the grant in 360Giving data ("360G-<prefix>-<this>").
    grant_ref = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(granted_on__isnull=False),
                name="grant_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title


class OrganisationIdentifier(models.Model):
    """An organisation's identifier in org-id.guide form: scheme "GB-CHC", identifier "1234567".

    Its full form (`org_id`, "GB-CHC-1234567") is what 360Giving and Open Referral UK exports use.
    """

    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(max_length=20)
    identifier = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheme", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "identifier"], name="org_id_unique")
        ]

    def __str__(self) -> str:
        return self.org_id

    @property
    def org_id(self) -> str:
        return f"{self.scheme}-{self.identifier}"
