"""API tokens: how a partner's other systems write to the register on a person's behalf.

A token acts as the person who made it, but only for the organisations it is scoped to (a
subset of theirs), and for their steward work (a zone's evidence: measurements) only when it
was made for that (`stewardship`): stewards act for zones, not for organisations. Only a
SHA-256 hash of the secret is stored: the secret is shown once, when the token is made, and
cannot be shown again. A revoked token stops working at once and is kept
(with who revoked it and when) so its use stays explainable.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

# The visible prefix of every secret, so a leaked token is recognisable (e.g. by secret scanners).
TOKEN_PREFIX = "sizes_"  # noqa: S105 (a label, not a secret)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Case system'.")
    organisations = models.ManyToManyField(
        "partners.Organisation", related_name="api_tokens", blank=True
    )
    stewardship = models.BooleanField(
        default=False,
        help_text="The token may also do its person's steward work: record the evidence "
        "(measurements) of the zones they are a steward of.",
    )
    # SHA-256 hex digest of the whole secret; the secret itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the secret, shown in lists so a person can tell tokens apart.
    hint = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
