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

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def is_verified(self) -> bool:
        return bool(self.email_verified) and self.email_verified == self.user.email


class Comment(models.Model):
    zone = models.ForeignKey("zones.Zone", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.zone}"


# --- Suggestions: "Where do you think a Social Innovation Zone would help?" ------------------


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROPOSED = "proposed", "Turned into a proposed zone"
    DECLINED = "declined", "Declined"


class Suggestion(models.Model):
    """A place where someone thinks a zone would help: a point, or a set of reference areas.

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
    areas = models.ManyToManyField(
        "geo.ReferenceArea", blank=True, related_name="suggested_in",
        help_text="Reference areas chosen as the place.",
    )  # fmt: skip
    wards = models.ManyToManyField(
        "geo.ReferenceArea", blank=True, related_name="suggestions_counted"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    zone = models.ForeignKey(
        "zones.Zone", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="suggestions", help_text="The proposed zone this suggestion became.",
    )  # fmt: skip
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
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
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField(null=True, blank=True)
    variation = models.OneToOneField(
        "variations.Variation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="idea", help_text="The proposed variation the idea became.",
    )  # fmt: skip

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
