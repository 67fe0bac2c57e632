"""Who may do what to a zone. One predicate per question; deny by default.

Services call `require(...)` before any write, so a view cannot forget the check.
"""

from sizes.core.errors import NotAllowed


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_admin(user) -> bool:
    return _signed_in(user) and (user.is_superuser or user.is_council_admin)


def is_steward(user, zone) -> bool:
    if not _signed_in(user):
        return False
    if is_admin(user):
        return True
    if "stewards" in getattr(zone, "_prefetched_objects_cache", {}):
        # Read with the zone (the zone page asks this for seven of its controls).
        return any(steward.pk == user.pk for steward in zone.stewards.all())
    return zone.stewards.filter(pk=user.pk).exists()


def can_view_zone(user, zone) -> bool:
    return zone.is_public or is_steward(user, zone)


def can_propose_zone(user) -> bool:
    return _signed_in(user)


def can_edit_zone(user, zone) -> bool:
    return is_steward(user, zone)


def can_manage_partners(user, zone) -> bool:
    return is_steward(user, zone)


def can_declare_zone(user, zone) -> bool:
    return is_steward(user, zone)


def can_record_review(user, zone) -> bool:
    return is_steward(user, zone)


def can_comment(user, zone) -> bool:
    return _signed_in(user) and zone.is_public


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    if not allowed:
        raise NotAllowed(message)
