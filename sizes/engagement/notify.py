"""Follow and be told: turn audit events into notices and email them.

The notifier reads new audit events since a stored cursor (`NotifyState`), so no service needs
to know about notifications. For each event that matters to followers (a zone declared,
reviewed, renewed or dissolved; a variation agreed or ended; an idea answered; a meeting
scheduled) it records one `Notice` per follower, then emails: people who chose "as it happens"
get one email per run with everything new; people who chose the weekly digest get one email a
week. Every email carries a one-click unsubscribe link (a signed token). Run it with
`sizes notify` (cron) or the `notify_task` background task; both are idempotent.
"""

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import Point

from sizes.audit.models import AuditEvent
from sizes.engagement.emails import absolute
from sizes.engagement.models import Follow, Frequency, Notice, NotifyState, Profile
from sizes.geo import geometry as g
from sizes.zones.models import Zone

UNSUBSCRIBE_SALT = "sizes.engagement.unsubscribe"
DIGEST_EVERY = dt.timedelta(days=7)


def _zone_text(event: AuditEvent, zone: Zone) -> str | None:
    a = event.action
    status_after = (event.changes.get("status") or [None, None])[-1]
    texts = {
        "zone.declared": f"{zone.name} has been declared.",
        "zone.review_due": f"{zone.name} is due for review.",
        "zone.renewed": f"{zone.name} has been reviewed and renewed.",
        "zone.dissolved": f"{zone.name} has been dissolved.",
        "zone.withdrawn": f"{zone.name} has been withdrawn.",
        "variation.ended": f"A variation in {zone.name} has ended.",
        "idea.adopted": f"An idea for {zone.name} was adopted as a proposed variation.",
        "idea.declined": f"An idea for {zone.name} was declined, with a reason.",
        "idea.later": f"A partner in {zone.name} will consider an idea later.",
        "meeting.scheduled": f"A meeting of {zone.name} has been scheduled.",
    }
    if a == "variation.agreed":
        return f"A variation in {zone.name} has been agreed." if status_after == "agreed" else None
    return texts.get(a)


def _link(event: AuditEvent, zone: Zone) -> str:
    kind = event.object_type
    try:
        if kind == "variations.variation":
            return reverse("variations:detail", args=[int(event.object_id)])
        if kind == "engagement.idea":
            return reverse("engagement:idea", args=[zone.slug, int(event.object_id)])
        if kind == "engagement.meeting":
            return reverse("engagement:meeting", args=[int(event.object_id)])
    except ValueError:
        pass
    return reverse("zones:detail", args=[zone.slug])


def _zone_shape(zone: Zone):
    b = zone.boundaries.current().first()
    return g.to_metric(g.from_geojson(b.core)) if b else None


def followers(zone: Zone, *, at: dt.datetime) -> set[int]:
    """Ids of people who followed the zone by `at`, or an area its boundary comes within."""
    follows = Follow.objects.filter(created_at__lte=at)
    ids = set(follows.filter(zone=zone).values_list("user_id", flat=True))
    near = list(follows.filter(zone__isnull=True))
    if near:
        shape = _zone_shape(zone)
        if shape is not None:
            for f in near:
                if shape.distance(g.to_metric(Point(f.lon, f.lat))) <= f.radius_m:
                    ids.add(f.user_id)
    return ids


def notices_collect(*, batch: int = 1000) -> int:
    """Record notices for audit events since the cursor; move the cursor. Returns notices made."""
    made = 0
    with transaction.atomic():
        state, _ = NotifyState.objects.select_for_update().get_or_create(pk=1)
        events = list(AuditEvent.objects.filter(pk__gt=state.last_event_id).order_by("pk")[:batch])
        zones = Zone.objects.in_bulk({e.zone_id for e in events if e.zone_id})
        for event in events:
            zone = zones.get(event.zone_id)
            text = _zone_text(event, zone) if zone is not None and zone.is_public else None
            if text is None:
                continue
            link = _link(event, zone)
            for user_id in followers(zone, at=event.at):
                _, created = Notice.objects.get_or_create(
                    user_id=user_id,
                    event=event,
                    defaults={"zone": zone, "text": text[:500], "link": link},
                )
                made += created
        if events:
            state.last_event_id = events[-1].pk
            state.save(update_fields=["last_event_id"])
    return made


def unsubscribe_token(user) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


@dataclass
class SendResult:
    immediate: int = 0
    digests: int = 0


def _email(user, notices: list[Notice], *, digest: bool) -> None:
    from sizes.engagement.tasks import send_email_task

    unsubscribe = absolute(reverse("engagement:unsubscribe", args=[unsubscribe_token(user)]))
    lines = [f"- {n.text}\n  {absolute(n.link)}" for n in notices]
    subject = (
        f"Your weekly SIZes digest: {len(notices)} update{'s' if len(notices) != 1 else ''}"
        if digest
        else (notices[0].text if len(notices) == 1 else f"{len(notices)} updates from SIZes")
    )
    body = (
        f"Hello {user.public_name},\n\n"
        + (
            "Here is what happened this week in the zones you follow:\n\n"
            if digest
            else "News from the zones you follow:\n\n"
        )
        + "\n".join(lines)
        + "\n\nChange how often we email you: "
        + absolute(reverse("engagement:profile-edit"))
        + f"\nStop all these emails with one click: {unsubscribe}\n"
    )
    send_email_task.enqueue(
        to=user.email,
        subject=subject,
        body=body,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notices_send(*, now: dt.datetime | None = None) -> SendResult:
    """Email pending notices: at once to "as it happens" people, weekly to digest people."""
    now = now or timezone.now()
    result = SendResult()
    pending = Notice.objects.filter(sent_at__isnull=True).select_related("user")
    by_user: dict[int, list[Notice]] = {}
    for n in pending:
        by_user.setdefault(n.user_id, []).append(n)
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=by_user)}
    for user_id, notices in by_user.items():
        user = notices[0].user
        profile = profiles.get(user_id) or Profile.objects.create(user=user)
        if not user.is_active or not user.email:
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=now)
            continue
        digest = profile.frequency == Frequency.WEEKLY
        if digest:
            since = profile.last_digest_at or profile.user.date_joined
            if now - since < DIGEST_EVERY:
                continue
        with transaction.atomic():
            _email(user, notices, digest=digest)
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=now)
            if digest:
                Profile.objects.filter(pk=profile.pk).update(last_digest_at=now)
                result.digests += 1
            else:
                result.immediate += 1
    return result


def notify_run(*, now: dt.datetime | None = None) -> dict:
    """Collect new notices from the audit trail, then send what is due."""
    made = notices_collect()
    sent = notices_send(now=now)
    return {"notices": made, "emails": sent.immediate, "digests": sent.digests}


def unsubscribe(*, token: str) -> bool:
    """Stop every notification for the account in the token. False if the token is bad."""
    user_id = unsubscribe_user_id(token)
    if user_id is None:
        return False
    with transaction.atomic():
        Follow.objects.filter(user_id=user_id).delete()
        Notice.objects.filter(user_id=user_id, sent_at__isnull=True).update(sent_at=timezone.now())
    return True
