"""Meetings: stewards schedule, publish minutes afterwards; iCalendar per meeting and in the
zone's calendar feed; attendance as counts only."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from sizes.core.errors import Conflict, DomainError, InvalidTransition, NotAllowed
from sizes.engagement import services
from sizes.engagement.models import Meeting

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)


def schedule(actor, zone, **kw):
    start = NOW + dt.timedelta(days=7)
    data = {"title": "Residents' meeting", "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2), "place": "Stirchley Library",
            "online_url": "", "agenda": "1. The pavilion\n2. Any other business", **kw}  # fmt: skip
    return services.meeting_schedule(actor=actor, zone=zone, **data)


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def test_steward_schedules_then_records_after_the_meeting(travel, declared, steward):
    m = schedule(steward, declared)
    with pytest.raises(InvalidTransition):
        services.meeting_record(actor=steward, meeting=m, expected_version=1, minutes="Early")
    travel.move_to(NOW + dt.timedelta(days=8))
    m = services.meeting_record(
        actor=steward,
        meeting=m,
        expected_version=1,
        minutes="We talked.",
        decisions="Open the pavilion early.",
        attended_residents=12,
        attended_partners=3,
    )
    assert m.attendance_total == 15 and m.version == 2
    with pytest.raises(Conflict):
        services.meeting_record(actor=steward, meeting=m, expected_version=1, minutes="Stale")


def test_only_stewards_schedule(travel, declared, resident):
    with pytest.raises(NotAllowed):
        schedule(resident, declared)


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"title": ""}, "title_required"),
        ({"agenda": "x" * 5001}, "agenda_too_long"),
        ({"place": "", "online_url": ""}, "place_required"),
        ({"online_url": "javascript:alert(1)"}, "online_url_invalid"),
        ({"ends_at": NOW + dt.timedelta(days=6)}, "ends_before_start"),
        ({"starts_at": NOW - dt.timedelta(days=1), "ends_at": NOW}, "starts_in_past"),
    ],
)
def test_bad_meetings_are_refused(travel, declared, steward, kw, code):
    with pytest.raises(DomainError) as e:
        schedule(steward, declared, **kw)
    assert code in [p.code for p in e.value.details]
    assert not Meeting.objects.exists()


def test_ical_file_and_zone_calendar_feed(travel, client, declared, steward):
    m = schedule(steward, declared, online_url="https://meet.example.org/zone")
    r = client.get(reverse("engagement:meeting-ics", args=[m.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(r.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == m.starts_at
    assert "Stirchley Library" in str(event["location"])
    feed = client.get(reverse("feeds:zone-calendar", args=[declared.slug]))
    uids = [str(e["uid"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")]
    assert f"meeting-{m.pk}@testserver" in uids


def test_meeting_pages(travel, client, declared, steward, resident):
    client.force_login(steward)
    new = reverse("engagement:meeting-new", args=[declared.slug])
    assert client.get(new).status_code == 200
    r = client.post(
        new,
        {
            "title": "T",
            "date_day": "8",
            "date_month": "3",
            "date_year": "2027",
            "start_time": "18:30",
            "end_time": "8pm",
            "place": "Library",
            "agenda": "A",
        },
    )
    assert r.status_code == 302, [x for x in r.content.decode().splitlines() if "error" in x][:10]
    m = Meeting.objects.get()
    assert timezone.localtime(m.starts_at).hour == 18 and timezone.localtime(m.ends_at).hour == 20
    r = client.post(
        new,
        {
            "title": "T",
            "date_day": "8",
            "date_month": "3",
            "date_year": "2027",
            "start_time": "25:99",
            "end_time": "x",
            "agenda": "",
        },
    )
    assert r.status_code == 400 and Meeting.objects.count() == 1
    page = client.get(reverse("engagement:meeting", args=[m.pk])).content.decode()
    assert "Library" in page and "Monday 8 March 2027, 18:30 to 20:00" in page
    client.force_login(resident)
    assert client.get(new).status_code == 403
    assert client.get(reverse("engagement:meetings", args=[declared.slug])).status_code == 200
    travel.move_to(NOW + dt.timedelta(days=8))
    client.force_login(steward)
    rec = reverse("engagement:meeting-record", args=[m.pk])
    assert (
        client.post(rec, {"version": 1, "minutes": "M", "attended_residents": "-3"}).status_code
        == 400
    )
    r = client.post(rec, {"version": 1, "minutes": "Minutes here", "attended_residents": "9"})
    assert r.status_code == 302
    assert client.post(rec, {"version": 1, "minutes": "Stale"}).status_code == 409
    assert "Minutes here" in client.get(reverse("engagement:meeting", args=[m.pk])).content.decode()
