import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from sizes.audit.models import AuditEvent
from sizes.audit.services import audit_record
from sizes.zones.models import Zone, ZoneStatus
from sizes.zones.tasks import tick_task
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


def test_tick_command_marks_review_due_and_reports_counts():
    zone = ZoneFactory(status=ZoneStatus.DECLARED, review_date=dt.date(2027, 3, 1))
    out = StringIO()
    with time_machine.travel(dt.datetime(2027, 3, 2, 12, tzinfo=dt.UTC)):
        call_command("tick", stdout=out)
    assert "1 zone(s) now due for review" in out.getvalue()
    assert Zone.objects.get(pk=zone.pk).status == ZoneStatus.REVIEW_DUE


def test_tick_task_runs_the_tick(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    zone = ZoneFactory(status=ZoneStatus.DECLARED, review_date=dt.date(2027, 3, 1))
    with time_machine.travel(dt.datetime(2027, 3, 2, 12, tzinfo=dt.UTC)):
        result = tick_task.enqueue(reschedule=False)
    assert result.return_value == {"marked_review_due": 1, "dissolved": 0}
    assert Zone.objects.get(pk=zone.pk).status == ZoneStatus.REVIEW_DUE


def test_audit_verify_names_the_tampered_event():
    from tests.factories import UserFactory

    user = UserFactory()
    events = [
        audit_record(actor=user, action="test.event", object_type="t", object_id=i)
        for i in range(3)
    ]
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "3 event(s) verified" in out.getvalue()
    # Tamper with the middle event behind the model's back.
    AuditEvent.objects.filter(pk=events[1].pk).update(reason="rewritten")
    with pytest.raises(CommandError, match=f"event {events[1].pk}"):
        call_command("audit", "verify")


def test_audit_events_cannot_be_changed_through_the_model():
    event = audit_record(actor=None, action="test.event", object_type="t", object_id=1)
    event.reason = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
