"""Meetings as iCalendar: one file per meeting, and a hook that adds a zone's meetings to the
zone's calendar feed (`sizes.web.feeds.calendar_build`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse

from sizes.engagement.models import Meeting

if TYPE_CHECKING:
    import icalendar

PRODID = "-//SIZes//Social Innovation Zones//EN"


def meeting_event(meeting: Meeting, *, domain: str, absolute) -> icalendar.Event:
    """One VEVENT for a meeting; `absolute(path)` makes a full URL."""
    url = absolute(reverse("engagement:meeting", args=[meeting.pk]))
    import icalendar  # only for calendar feeds: kept out of every worker's memory

    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@{domain}")
    event.add("dtstamp", meeting.updated_at.astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{meeting.title} ({meeting.zone.name})")
    where = ", ".join(x for x in (meeting.place, meeting.online_url) if x)
    if where:
        event.add("location", where)
    event.add("description", f"Agenda:\n{meeting.agenda}\n\n{url}")
    event.add("url", url)
    event.add("sequence", meeting.version)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    return event


def meeting_calendar(meeting: Meeting, *, domain: str, absolute) -> icalendar.Calendar:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(meeting_event(meeting, domain=domain, absolute=absolute))
    return cal


def add_meetings_to_calendar(*, cal, request, zones, domain: str) -> None:
    """Hook for `sizes.web.feeds.calendar_build`: add the meetings of these zones."""
    from sizes.zones.models import PUBLIC

    ids = [z.pk for z in zones if z.status in PUBLIC]
    for meeting in Meeting.objects.filter(zone_id__in=ids).select_related("zone"):
        cal.add_component(
            meeting_event(meeting, domain=domain, absolute=request.build_absolute_uri)
        )
