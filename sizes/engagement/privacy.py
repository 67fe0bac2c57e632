"""Privacy: a person's own data as JSON, and deleting an account.

Deleting an account removes the person: their account row, profile (email, home postcode),
follows, notices, memberships, reports and API tokens. What they said in public stays, so the
public record keeps making sense: suggestions, ideas and comments show "a former member";
supports still count, without the person. The audit trail keeps its hash chain: events keep
the actor's label but lose the link to the account.
"""

from django.db import transaction
from django.utils import timezone

from sizes.audit.models import AuditEvent
from sizes.audit.services import audit_record
from sizes.core.errors import DomainError, NotAllowed
from sizes.engagement.models import (
    Comment,
    CommentReport,
    Follow,
    Idea,
    Meeting,
    Notice,
    Profile,
    Suggestion,
    Support,
)


def _dt(value):
    return value.isoformat() if value else None


def privacy_export(*, user) -> dict:
    """Everything we hold about `user`, as JSON-ready data."""
    from sizes.partners.models import Membership

    profile = Profile.objects.filter(user=user).first()
    return {
        "exported_at": _dt(timezone.now()),
        "account": {
            "username": user.username, "email": user.email, "first_name": user.first_name,
            "last_name": user.last_name, "display_name": user.display_name,
            "date_joined": _dt(user.date_joined), "last_login": _dt(user.last_login),
            "is_council_admin": user.is_council_admin,
        },
        "profile": {
            "role": profile.role, "home_postcode": profile.home_postcode,
            "email_verified": profile.email_verified,
            "email_verified_at": _dt(profile.email_verified_at),
            "email_frequency": profile.frequency,
        } if profile else None,
        "memberships": [
            {"organisation": m.organisation.name, "status": m.status, "can_sign": m.can_sign,
             "requested_at": _dt(m.requested_at)}
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "zones_stewarded": [z.slug for z in user.stewarded_zones.all()],
        "suggestions": [
            {"id": s.pk, "place": s.place, "why": s.why, "lat": s.lat, "lon": s.lon,
             "areas": [a.code for a in s.areas.all()], "themes": [t.name for t in s.themes.all()],
             "status": s.status, "created_at": _dt(s.created_at)}
            for s in Suggestion.objects.filter(author=user)
        ],
        "supports": [
            {"suggestion": s.suggestion_id, "created_at": _dt(s.created_at)}
            for s in Support.objects.filter(user=user)
        ],
        "ideas": [
            {"id": i.pk, "zone": i.zone.slug, "organisation": i.organisation.name,
             "role": i.author_role, "title": i.title, "obstacle": i.obstacle,
             "proposal": i.proposal, "status": i.status, "answer": i.answer,
             "created_at": _dt(i.created_at)}
            for i in Idea.objects.filter(author=user).select_related("zone", "organisation")
        ],
        "comments": [
            {"id": c.pk, "on": f"{c.target_kind} {c.target.pk}", "body": c.body,
             "format": c.format, "status": c.status, "created_at": _dt(c.created_at)}
            for c in Comment.objects.filter(author=user)
        ],
        "comment_reports": [
            {"comment": r.comment_id, "reason": r.reason, "created_at": _dt(r.created_at)}
            for r in CommentReport.objects.filter(user=user)
        ],
        "meetings_scheduled": [
            {"id": m.pk, "zone": m.zone.slug, "title": m.title, "starts_at": _dt(m.starts_at)}
            for m in Meeting.objects.filter(created_by=user).select_related("zone")
        ],
        "follows": [
            {"zone": f.zone.slug if f.zone else None, "postcode": f.postcode,
             "radius_m": f.radius_m, "created_at": _dt(f.created_at)}
            for f in Follow.objects.filter(user=user).select_related("zone")
        ],
        "notices": [
            {"text": n.text, "created_at": _dt(n.created_at), "sent_at": _dt(n.sent_at)}
            for n in Notice.objects.filter(user=user)
        ],
        "activity": [
            {"at": _dt(e.at), "action": e.action, "object": f"{e.object_type} {e.object_id}"}
            for e in AuditEvent.objects.filter(actor=user).order_by("at", "id")
        ],
    }  # fmt: skip


def account_delete(*, actor, user, password: str) -> None:
    """Delete the account, keeping public contributions as "a former member"'s.

    Only the person themself, confirming with their password.
    """
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        raise NotAllowed("You can delete only your own account.")
    if not user.check_password(password or ""):
        raise DomainError(
            code="password_wrong",
            field="password",
            message="The password is not right. Enter your password to confirm.",
        )
    with transaction.atomic():
        audit_record(
            actor=None, action="account.deleted", object_type="accounts.user", object_id=user.pk
        )
        # Contributions stay; SET_NULL on their author (and on supports) does the rest.
        user.delete()
