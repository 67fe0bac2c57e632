"""Who may change a zone's evidence. One predicate per question; deny by default.

Stewards of a zone (and council/site admins) manage its indicators, measurements, comparison
areas, SROI analyses and lessons. Services call `require(...)` before every write.
"""

from sizes.zones.permissions import is_admin, is_steward, require  # noqa: F401


def can_manage_evidence(user, zone) -> bool:
    return is_steward(user, zone)


def can_record_adoption(user, variation) -> bool:
    return is_steward(user, variation.zone)


def can_manage_proxies(user) -> bool:
    return is_admin(user)
