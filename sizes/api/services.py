"""Writes for API tokens: create (the secret is returned once), revoke, and note each use."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from sizes.api import permissions as perms
from sizes.api.models import TOKEN_PREFIX, ApiToken
from sizes.audit.services import audit_record
from sizes.core.errors import DomainError, NotAllowed, Problem, RulesNotMet
from sizes.core.text import clean_text
from sizes.partners.models import Organisation


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_create(
    *, actor, name: str, organisations: list[Organisation], stewardship: bool = False
) -> tuple[ApiToken, str]:
    """Make a token for `actor`, scoped to some of their organisations and, if `stewardship`,
    to their steward work; return it and its secret.

    The secret is not stored (only its hash) and cannot be recovered later.
    """
    problems = []
    try:
        name = clean_text(name, field="name", label="a name for the token", max_length=100)
    except DomainError as e:
        problems.append(Problem(e.code, e.message, "name"))
    organisations = list(organisations)
    if not organisations and not stewardship:
        problems.append(
            Problem(
                "organisations_missing",
                "Choose at least one organisation the token may act for, or steward work.",
                "organisations",
            )
        )
    if problems:
        raise RulesNotMet("The token was not made.", problems, code="token_invalid")
    if not perms.can_create_token(actor, organisations, stewardship):
        raise NotAllowed(
            "You can only make tokens for organisations you are a member of, and for steward "
            "work only if you are a steward of a zone."
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, token_hash=token_hash(secret), hint=secret[:10],
            stewardship=bool(stewardship),
        )  # fmt: skip
        token.organisations.set(organisations)
        audit_record(
            actor=actor, action="api_token.created", obj=token,
            changes={
                "name": [None, name], "organisations": [None, [o.pk for o in organisations]],
                "stewardship": [None, bool(stewardship)],
            },
        )  # fmt: skip
    return token, secret


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Stop a token working, at once. Revoking a revoked token changes nothing."""
    if not perms.can_revoke_token(actor, token):
        raise NotAllowed("You can only revoke your own tokens.")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor, action="api_token.revoked", obj=token,
                changes={"revoked_at": [None, token.revoked_at]},
            )  # fmt: skip
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret (noting its use), or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.filter(token_hash=token_hash(secret), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Note the use at most once a minute: a busy client should not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
