"""Who may do what with API tokens. Deny by default."""

from sizes.variations.permissions import is_member
from sizes.zones.permissions import _signed_in, is_admin


def is_steward_anywhere(user) -> bool:
    """A steward of at least one zone (or an admin, a steward of every zone)."""
    return _signed_in(user) and (is_admin(user) or user.stewarded_zones.exists())


def can_create_token(user, organisations, stewardship: bool = False) -> bool:
    """A signed-in person, scoping the token to organisations they are an approved member of,
    and to steward work only if they are a steward."""
    return (
        _signed_in(user)
        and all(is_member(user, org) for org in organisations)
        and (not stewardship or is_steward_anywhere(user))
    )


def can_revoke_token(user, token) -> bool:
    return _signed_in(user) and token.user_id == user.pk


def token_may_steward(token) -> bool:
    """The token was made for steward work (the services then check its person is a steward
    of the zone in question)."""
    return token.stewardship


def token_may_act_for(token, organisation) -> bool:
    """The token is scoped to this organisation (its person's membership is checked again by the
    domain services themselves)."""
    return token.organisations.filter(pk=organisation.pk).exists()
