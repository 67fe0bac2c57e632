"""The variations register: what a partner does differently inside a zone.

A variation departs from a partner's standard rule (what anyone anywhere would get) inside a
declared zone, for stated reasons (the zone's outcomes), within stated limits and safeguards,
for a stated time, with a named leader who answers for it.

Life: proposed → agreed (by the owning partner AND a zone steward) → active (on or after its
start date) → ended; or withdrawn before it is active. When the zone ends, every variation that
has not ended ends with it, the same day. Every status change is kept in `VariationEvent` so the
register can say what applied on any past date.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Subject(models.TextChoices):
    POLICY = "policy", "Policy"
    PRACTICE = "practice", "Practice"
    ASSET = "asset", "Asset"
    STAFF = "staff", "Staff"
    INFORMATION = "information", "Information"


class Action(models.TextChoices):
    CHANGE = "change", "Change"
    SUSPEND = "suspend", "Suspend"
    AMEND = "amend", "Amend"
    REVISE = "revise", "Revise"


class Scope(models.TextChoices):
    WHOLE_ZONE = "whole_zone", "The whole zone, including its fringe"
    CORE = "core", "The core of the zone only"
    SUB_AREA = "sub_area", "Part of the zone"


class VariationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    WITHDRAWN = "withdrawn", "Withdrawn"


LIVE = (VariationStatus.PROPOSED, VariationStatus.AGREED, VariationStatus.ACTIVE)


class Variation(models.Model):
    zone = models.ForeignKey("zones.Zone", on_delete=models.PROTECT, related_name="variations")
    owner = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="variations"
    )
    subject = models.CharField(max_length=12, choices=Subject.choices)
    action = models.CharField(max_length=8, choices=Action.choices)
    title = models.CharField(max_length=200)
    standard_rule = models.CharField(
        max_length=300, help_text="The standard rule or service this departs from."
    )
    standard_rule_url = models.URLField(blank=True)
    # Normalised `standard_rule`, to find the same rule varied in overlapping zones.
    rule_key = models.CharField(max_length=300, db_index=True, editable=False)
    difference = models.TextField(help_text="What is different inside the zone, in plain words.")
    reason = models.TextField(help_text="Why: what it is meant to improve.")
    outcomes = models.ManyToManyField("zones.Outcome", related_name="variations", blank=True)
    applies_to = models.TextField(help_text="Who the variation applies to.")
    guaranteed = models.TextField(help_text="What stays guaranteed for everyone.")
    cap = models.CharField(max_length=300, blank=True, help_text="Any cap or ceiling.")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.WHOLE_ZONE)
    sub_area = models.JSONField(null=True, blank=True, help_text="GeoJSON, for part of the zone.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Blank: until the zone ends.")
    accountable_name = models.CharField(max_length=150)
    accountable_role = models.CharField(max_length=150)
    status = models.CharField(
        max_length=10,
        choices=VariationStatus.choices,
        default=VariationStatus.PROPOSED,
        db_index=True,
    )
    owner_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_agreed_at = models.DateTimeField(null=True, blank=True)
    steward_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    steward_agreed_at = models.DateTimeField(null=True, blank=True)
    activated_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["zone", "subject", "title"]
        # zone+status: a zone's variations of one status (grades, overlaps); without it SQLite
        # reads every active variation through the status index (70 ms at 100,000 variations).
        # zone+subject+title: a page of the register (one subject, by zone name and title) is
        # read zone by zone in name order from this index, not sorted from the rows.
        indexes = [
            models.Index(fields=["zone", "status"], name="variation_zone_status"),
            models.Index(fields=["zone", "subject", "title"], name="variation_zone_subject_title"),
            # subject+zone: the register counts each subject's variations of public zones from
            # this index alone (an index-only scan; the rows are far wider).
            models.Index(fields=["subject", "zone"], name="variation_subject_zone"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="variation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(accountable_name=""), name="variation_has_accountable_leader"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VariationEvent(models.Model):
    """One change of a variation's status, kept for "what applied on that date"."""

    variation = models.ForeignKey(Variation, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=VariationStatus.choices)
    on = models.DateField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.variation} {self.status} on {self.on}"


class ZoneVariationPolicy(models.Model):
    """Limits a council admin sets on a zone's variations, to keep them understandable."""

    zone = models.OneToOneField(
        "zones.Zone", on_delete=models.CASCADE, related_name="variation_policy"
    )
    allowed_subjects = models.JSONField(
        default=list, blank=True, help_text="Subjects allowed; empty means all."
    )
    max_active = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most variations active at once; blank means no cap."
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Variation limits for {self.zone}"


class BaselineStatement(models.Model):
    """The standard service a partner provides in a zone: what anyone anywhere would get."""

    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="baselines")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="baselines"
    )
    service = models.CharField(max_length=200)
    statement = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "organisation", "service"], name="one_baseline_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.service} in {self.zone}"
