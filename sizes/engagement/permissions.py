"""Who may do what in engagement. One predicate per question; deny by default."""

from sizes.variations.permissions import is_member
from sizes.zones.permissions import _signed_in, is_admin, is_steward

__all__ = ["is_admin", "is_member", "is_steward", "signed_in", "can_answer_idea", "can_moderate"]


def signed_in(user) -> bool:
    return _signed_in(user)


def can_answer_idea(user, idea) -> bool:
    """An approved member of the partner organisation the idea is addressed to."""
    return is_member(user, idea.organisation)


def can_moderate(user) -> bool:
    """Council administrators moderate comments."""
    return is_admin(user)


def can_manage_meetings(user, zone) -> bool:
    return is_steward(user, zone)
