"""Zones, their outcomes, themes and reviews.

A zone's life: draft → proposed (public consultation) → declared → review_due →
(renewed: declared again with a new review date | dissolved); a draft or proposal may instead
be withdrawn. Each transition is one service function in `services.py`; nothing else writes
`status`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Theme(models.Model):
    """A theme a zone works on: the default list, plus free tags people add."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


DEFAULT_THEMES = [
    "Health and well-being",
    "Housing",
    "Employment",
    "Community safety",
    "Children and young people",
    "Older people",
    "Environment",
    "Transport",
]


class ZoneStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed – in consultation"
    DECLARED = "declared", "Declared"
    REVIEW_DUE = "review_due", "Review due"
    DISSOLVED = "dissolved", "Dissolved"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Zones whose declaration is in force: they can have active variations.
IN_FORCE = (ZoneStatus.DECLARED, ZoneStatus.REVIEW_DUE)
# Zones anyone can see; drafts are seen only by their stewards and admins.
PUBLIC = (
    ZoneStatus.PROPOSED,
    ZoneStatus.DECLARED,
    ZoneStatus.REVIEW_DUE,
    ZoneStatus.DISSOLVED,
    ZoneStatus.WITHDRAWN,
)
ENDED = (ZoneStatus.DISSOLVED, ZoneStatus.WITHDRAWN)


class ZoneQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC)

    def in_force(self):
        return self.filter(status__in=IN_FORCE)

    def visible_to(self, user):
        """Zones this person may see: public ones, plus drafts they steward (or all, for admins)."""
        if not getattr(user, "is_authenticated", False):
            return self.public()
        if user.is_superuser or user.is_council_admin:
            return self
        return self.filter(Q(status__in=PUBLIC) | Q(stewards=user)).distinct()


class Zone(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="What the zone is for, in plain language.")
    intention = models.TextField(
        help_text="The statement of shared intention the partners sign up to."
    )
    themes = models.ManyToManyField(Theme, related_name="zones", blank=True)
    status = models.CharField(
        max_length=12, choices=ZoneStatus.choices, default=ZoneStatus.DRAFT, db_index=True
    )
    stewards = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="stewarded_zones", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    proposed_on = models.DateField(null=True, blank=True)
    consultation_ends = models.DateField(
        null=True, blank=True, help_text="Last day of public consultation."
    )
    declared_on = models.DateField(null=True, blank=True)
    review_date = models.DateField(help_text="When the zone must be reviewed (renewed or ended).")
    review_due_since = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    # The boundary lives in sizes.geo: `zone.boundaries` (ZoneBoundary rows, with history).
    version = models.PositiveIntegerField(default=1)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # Lists in name order (the register, the variations register's zone filter) read the
        # first names from the index instead of sorting every zone.
        indexes = [models.Index(fields=["name"], name="zone_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    def consultation_days_left(self, today=None) -> int | None:
        if self.status != ZoneStatus.PROPOSED or self.consultation_ends is None:
            return None
        today = today or timezone.localdate()
        return max((self.consultation_ends - today).days, 0)


class Outcome(models.Model):
    """A public-service outcome the zone sets out to improve (indicators come later)."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="outcomes")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    class Decision(models.TextChoices):
        RENEW = "renew", "Renew to a new review date"
        DISSOLVE = "dissolve", "Dissolve the zone"

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    evidence_summary = models.TextField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    new_review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="renew") | Q(new_review_date__isnull=False),
                name="renewal_has_new_date",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.zone} on {self.held_on}"
