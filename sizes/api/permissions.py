"""Who may do what with API tokens. Deny by default."""

from sizes.variations.permissions import is_member
from sizes.zones.permissions import _signed_in


def can_create_token(user, organisations) -> bool:
    """A signed-in person, scoping the token to organisations they are an approved member of."""
    return _signed_in(user) and all(is_member(user, org) for org in organisations)


def can_revoke_token(user, token) -> bool:
    return _signed_in(user) and token.user_id == user.pk


def token_may_act_for(token, organisation) -> bool:
    """The token is scoped to this organisation (its person's membership is checked again by the
    domain services themselves)."""
    return token.organisations.filter(pk=organisation.pk).exists()
