import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from sizes.demo.engagement import SLUG, load
from sizes.engagement.models import Comment, Idea, IdeaStatus, Meeting, Suggestion
from sizes.engagement.selectors import ideas_overdue
from sizes.variations.models import VariationStatus
from sizes.zones.models import Zone

pytestmark = pytest.mark.django_db


def test_demo_engagement_loads_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo", "--no-serve")  # the demo loads engagement itself ...
    today = timezone.localdate()
    assert load(today=today)["created"] is False  # ... so loading it again adds nothing
    zone = Zone.objects.get(slug=SLUG)
    assert Suggestion.objects.count() == 4
    drawn = Suggestion.objects.get(area__isnull=False)
    assert drawn.wards.exists() and drawn.lat is None
    statuses = sorted(Idea.objects.filter(zone=zone).values_list("status", flat=True))
    assert statuses == sorted([IdeaStatus.ADOPTED, IdeaStatus.DECLINED, IdeaStatus.OPEN])
    adopted = Idea.objects.get(status=IdeaStatus.ADOPTED)
    assert adopted.variation.status == VariationStatus.PROPOSED
    assert [i.title for i in ideas_overdue(zone=zone, today=today)] == [
        "Open the park toilets before 10am"
    ]
    assert Comment.objects.filter(zone=zone).exists() and Comment.objects.count() >= 3
    now = timezone.now()
    assert Meeting.objects.filter(zone=zone, ends_at__lt=now).exclude(minutes="").exists()
    assert Meeting.objects.filter(zone=zone, starts_at__gt=now).exists()
    assert load(today=today + dt.timedelta(days=1))["created"] is False
    assert Suggestion.objects.count() == 4
