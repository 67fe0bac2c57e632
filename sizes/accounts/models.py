"""People who sign in.

Roles, from least to most trusted:
- anonymous: reads everything public;
- signed-in user: proposes zones, comments, asks to join organisations;
- organisation member: an approved member may answer for the organisation if `can_sign`;
- zone steward: a user named on a zone (its proposer, or added by an admin);
- council admin (`is_council_admin`): acts as steward on every zone, approves memberships,
  creates organisations;
- site admin (`is_superuser`): everything, including Django admin.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    display_name = models.CharField(
        max_length=150, blank=True, help_text="Name shown beside your public contributions."
    )
    is_council_admin = models.BooleanField(
        default=False,
        help_text="Council administrators act as stewards of every zone and approve memberships.",
    )

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_site_admin(self) -> bool:
        return self.is_superuser
