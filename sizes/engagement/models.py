"""How people take part: profiles, suggestions, ideas from the edge, comments, meetings,
follows.

Personal data (email, home postcode, follows) lives only in `Profile` and `Follow`, never in a
public page, feed or API response. Public contributions (suggestions, ideas, comments) point at
their author with `SET_NULL`, so deleting an account leaves them standing, attributed to "a
former member".
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

FORMER_MEMBER = "a former member"


def public_name(user) -> str:
    """The name shown beside a public contribution."""
    return user.public_name if user is not None else FORMER_MEMBER


class Role(models.TextChoices):
    """How a person takes part (asked when they send an idea from the edge)."""

    RESIDENT = "resident", "Resident"
    FRONTLINE = "frontline", "Frontline worker"
    SERVICE_USER = "service_user", "Service user"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "As it happens"
    WEEKLY = "weekly", "A weekly digest"


class Profile(models.Model):
    """What a person tells us about themselves beyond their account. Never shown publicly."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagement_profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    home_postcode = models.CharField(max_length=8, blank=True, help_text="Never shown publicly.")
    email_verified = models.CharField(
        max_length=254, blank=True, help_text="The email address the person proved they read."
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def is_verified(self) -> bool:
        return bool(self.email_verified) and self.email_verified == self.user.email


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", "Shown"
    PENDING = "pending", "Hidden pending review"
    HIDDEN = "hidden", "Hidden by a moderator"


class CommentFormat(models.TextChoices):
    TEXT = "text", "Plain text"
    MARKDOWN = "markdown", "Markdown (a safe subset)"


class Comment(models.Model):
    """A public comment on exactly one of: a zone, a variation, a suggestion, an idea.

    `hidden` is true while the comment is not shown (pending review or hidden by a moderator);
    pages filter on it. A hidden comment's text stays in the row and in the audit trail; the
    page shows the moderator's public reason instead.
    """

    zone = models.ForeignKey(
        "zones.Zone", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    variation = models.ForeignKey(
        "variations.Variation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    suggestion = models.ForeignKey(
        "engagement.Suggestion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    idea = models.ForeignKey(
        "engagement.Idea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(max_length=5000)
    format = models.CharField(
        max_length=10, choices=CommentFormat.choices, default=CommentFormat.TEXT
    )
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    moderation_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    TARGETS = ("zone", "variation", "suggestion", "idea")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="comment_has_exactly_one_target",
                condition=(
                    models.Q(
                        zone__isnull=False,
                        variation__isnull=True,
                        suggestion__isnull=True,
                        idea__isnull=True,
                    )
                    | models.Q(
                        zone__isnull=True,
                        variation__isnull=False,
                        suggestion__isnull=True,
                        idea__isnull=True,
                    )
                    | models.Q(
                        zone__isnull=True,
                        variation__isnull=True,
                        suggestion__isnull=False,
                        idea__isnull=True,
                    )
                    | models.Q(
                        zone__isnull=True,
                        variation__isnull=True,
                        suggestion__isnull=True,
                        idea__isnull=False,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.target}"

    @property
    def target(self):
        for name in self.TARGETS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None

    @property
    def target_kind(self) -> str:
        return next((n for n in self.TARGETS if getattr(self, f"{n}_id")), "")

    @property
    def author_name(self) -> str:
        return public_name(self.author)

    @property
    def html(self):
        """The body as safe HTML (escaped text, or the safe Markdown subset)."""
        from sizes.engagement.markdown import render_comment

        return render_comment(self.body, self.format)


class CommentReport(models.Model):
    """One account's report of a comment (one per account)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_report_per_account")
        ]

    def __str__(self) -> str:
        return f"Report of comment {self.comment_id}"


# --- Suggestions: "Where do you think a Social Innovation Zone would help?" ------------------


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED = "proposed", "Turned into a proposed zone"
    DECLINED = "declined", "Declined"


class Suggestion(models.Model):
    """A place where someone thinks a zone would help: a point, an area drawn on the map, or a
    set of reference areas.

    `wards` are the wards the place falls in (the ward of the point, or the chosen wards): the
    density table counts suggestions by them. A point is stored, never the postcode typed to
    find it (a home postcode is personal data).
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    place = models.CharField(max_length=150, help_text="A short name for the place.")
    why = models.TextField(max_length=2000)
    themes = models.ManyToManyField("zones.Theme", blank=True, related_name="suggestions")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    area = models.JSONField(
        null=True,
        blank=True,
        help_text="An area drawn on the map: GeoJSON MultiPolygon, WGS84.",
    )
    areas = models.ManyToManyField(
        "geo.ReferenceArea",
        blank=True,
        related_name="suggested_in",
        help_text="Reference areas chosen as the place.",
    )
    wards = models.ManyToManyField(
        "geo.ReferenceArea", blank=True, related_name="suggestions_counted"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    zone = models.ForeignKey(
        "zones.Zone",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text="The proposed zone this suggestion became.",
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.place

    @property
    def author_name(self) -> str:
        return public_name(self.author)


class Support(models.Model):
    """One account's support for a suggestion (one per account)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supports")
    # Kept (without the person) when an account is deleted, so support counts stay true.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "user"], name="one_support_per_account")
        ]

    def __str__(self) -> str:
        return f"Support for {self.suggestion_id}"


# --- Ideas from the edge --------------------------------------------------------------------


class IdeaStatus(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ADOPTED = "adopted", "Adopted"
    LATER = "later", "To consider later"
    DECLINED = "declined", "Declined"


class Idea(models.Model):
    """A change to a rule or practice, proposed by someone who meets it every day, addressed to
    the partner organisation that owns the rule. The partner must answer by `answer_due`."""

    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="ideas")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.CASCADE, related_name="ideas"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    author_role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(max_length=150)
    obstacle = models.TextField(max_length=3000, help_text="What gets in the way.")
    proposal = models.TextField(max_length=3000, help_text="What they would do instead.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    answer_due = models.DateField()
    status = models.CharField(max_length=10, choices=IdeaStatus.choices, default=IdeaStatus.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    variation = models.OneToOneField(
        "variations.Variation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea",
        help_text="The proposed variation the idea became.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def author_name(self) -> str:
        return public_name(self.author)

    def is_overdue(self, today) -> bool:
        """Unanswered past its deadline ("consider later" counts as unanswered no more)."""
        return self.status == IdeaStatus.OPEN and today > self.answer_due


# --- Meetings -------------------------------------------------------------------------------


class Meeting(models.Model):
    """A meeting of a zone: "interested residents and relevant groups and agencies can meet".

    Stewards schedule it (when, where or online, agenda); after it, they publish minutes and
    decisions, and attendance as counts only, never names.
    """

    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=150)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    agenda = models.TextField(max_length=5000)
    minutes = models.TextField(max_length=20000, blank=True)
    decisions = models.TextField(max_length=5000, blank=True)
    attended_residents = models.PositiveIntegerField(null=True, blank=True)
    attended_partners = models.PositiveIntegerField(null=True, blank=True)
    attended_others = models.PositiveIntegerField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def when(self) -> str:
        """ "Tuesday 3 March 2027, 18:30 to 20:00", in the site's time zone."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        day = f"{start:%A} {start.day} {start:%B %Y}"
        if end.date() != start.date():
            return f"{day}, {start:%H:%M}, to {end:%A} {end.day} {end:%B %Y}, {end:%H:%M}"
        return f"{day}, {start:%H:%M} to {end:%H:%M}"

    @property
    def has_record(self) -> bool:
        return bool(self.minutes or self.decisions)

    @property
    def attendance_total(self) -> int | None:
        counts = [self.attended_residents, self.attended_partners, self.attended_others]
        if all(c is None for c in counts):
            return None
        return sum(c or 0 for c in counts)


# --- Follow and be told ---------------------------------------------------------------------


class Follow(models.Model):
    """A person follows one zone, or every zone within `radius_m` of a point (their postcode's
    centre). Personal: never shown to anyone else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    zone = models.ForeignKey(
        "zones.Zone", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    postcode = models.CharField(max_length=8, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "zone"],
                condition=models.Q(zone__isnull=False),
                name="one_follow_per_zone",
            ),
            models.CheckConstraint(
                name="follow_zone_or_area",
                condition=models.Q(zone__isnull=False, radius_m__isnull=True)
                | models.Q(
                    zone__isnull=True, radius_m__isnull=False, lat__isnull=False, lon__isnull=False
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Follow {self.pk}"


class Notice(models.Model):
    """One thing to tell one person, from one audit event; sent at once or in a weekly digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    event = models.ForeignKey("audit.AuditEvent", on_delete=models.CASCADE, related_name="+")
    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_notice_per_event")
        ]

    def __str__(self) -> str:
        return self.text


class NotifyState(models.Model):
    """The audit event the notifier has read up to (one row)."""

    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Notified up to event {self.last_event_id}"
