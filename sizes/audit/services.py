"""Record and verify audit events."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sizes.audit.models import AuditEvent, ChainHead


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _digest(prev_hash: str, payload: dict) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=_json_default)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _payload(event: AuditEvent) -> dict:
    return {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": str(event.object_id),
        "zone_id": event.zone_id,
        "changes": event.changes,
        "reason": event.reason,
    }


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    zone_id: int | None = None,
    changes: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    changes = json.loads(json.dumps(changes or {}, default=_json_default))
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if authenticated else None,
            actor_label=actor.username if authenticated else "system",
            action=action,
            object_type=object_type or "",
            object_id=str(object_id or ""),
            zone_id=zone_id,
            changes=changes,
            reason=reason or "",
            prev_hash=head.last_hash,
        )
        event.hash = _digest(head.last_hash, _payload(event))
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""


def audit_verify() -> ChainReport:
    """Walk the whole chain; report the first event whose link or content does not match."""
    prev = "0" * 64
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainReport(False, checked, event.id, "its link to the previous event is broken")
        if _digest(prev, _payload(event)) != event.hash:
            return ChainReport(False, checked, event.id, "its content was changed after recording")
        prev = event.hash
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != checked):
        return ChainReport(False, checked, None, "events were removed from the end of the chain")
    return ChainReport(True, checked)


def field_changes(before: dict, after: dict) -> dict:
    """Return {field: [before, after]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
