"""Feeds to follow zones without signing in: Atom (news) and iCalendar (dates).

Atom items are the public audit events that matter to someone following a zone: declarations,
reviews (due, renewed, dissolved) and variations agreed, put into effect or ended. Each item
links to its entry on the public history page, which is also its stable id. The iCalendar
feed lists review dates of zones in force and the start and end dates of agreed, active and
ended variations, each with a UID that stays the same while the date stays the same.

Only public zones appear, and no personal data: people are never named, except the
accountable leader a partner names publicly for each variation.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from sizes.audit.models import AuditEvent
from sizes.audit.selectors import history_entries, public_zone_get
from sizes.variations.models import Variation, VariationStatus
from sizes.zones.models import IN_FORCE, PUBLIC, Zone

if TYPE_CHECKING:
    import icalendar

FEED_ACTIONS = (
    "zone.declared",
    "zone.review_due",
    "zone.renewed",
    "zone.dissolved",
    "variation.agreed",
    "variation.activated",
    "variation.ended",
)
FEED_SIZE = 50


def _is_news(event: AuditEvent) -> bool:
    # A variation is "agreed" only once both sides have agreed; one side's agreement is not news.
    if event.action == "variation.agreed":
        status = (event.changes or {}).get("status")
        return isinstance(status, list) and status[-1:] == [VariationStatus.AGREED]
    return True


def feed_events(*, zone: Zone | None = None, limit: int = FEED_SIZE) -> list[AuditEvent]:
    """The newest newsworthy public events, of one zone or of every public zone."""
    qs = AuditEvent.objects.filter(action__in=FEED_ACTIONS)
    if zone is not None:
        qs = qs.filter(zone_id=zone.pk)
    else:
        qs = qs.filter(zone_id__in=Zone.objects.public().values("pk"))
    events = []
    for event in qs.order_by("-at", "-id")[: limit * 4].iterator():
        if _is_news(event):
            events.append(event)
            if len(events) == limit:
                break
    return events


class FeedItem:
    """One Atom entry: built from an audit event and its plain-English history entry."""

    def __init__(self, event: AuditEvent, entry, zone: Zone, variation: Variation | None):
        self.event, self.entry, self.zone, self.variation = event, entry, zone, variation

    @property
    def title(self) -> str:
        a, zone = self.event.action, self.zone.name
        v = f"“{self.variation.title}”" if self.variation else "a variation"
        return {
            "zone.declared": f"{zone} declared",
            "zone.review_due": f"{zone} is due for review",
            "zone.renewed": f"{zone} renewed after review",
            "zone.dissolved": f"{zone} dissolved",
            "variation.agreed": f"Variation agreed in {zone}: {v}",
            "variation.activated": f"Variation in effect in {zone}: {v}",
            "variation.ended": f"Variation ended in {zone}: {v}",
        }.get(a, f"{zone}: {self.entry.text}")

    @property
    def link(self) -> str:
        if self.variation is not None:
            base = reverse("history:variation", args=[self.variation.pk])
        else:
            base = reverse("history:zone", args=[self.zone.slug])
        return f"{base}#event-{self.event.pk}"

    @property
    def description(self) -> str:
        text = self.entry.text
        if self.event.reason:
            text += f" Reason given: {self.event.reason}"
        return text


def feed_items(*, zone: Zone | None = None) -> list[FeedItem]:
    events = feed_events(zone=zone)
    entries = {e.id: e for e in history_entries(events=events)}
    zones = Zone.objects.in_bulk({e.zone_id for e in events})
    variation_ids = [
        int(e.object_id) for e in events
        if e.object_type == "variations.variation" and e.object_id.isdigit()
    ]  # fmt: skip
    variations = Variation.objects.in_bulk(variation_ids)
    items = []
    for e in events:
        variation = (
            variations.get(int(e.object_id)) if e.object_type == "variations.variation" else None
        )
        items.append(FeedItem(e, entries[e.pk], zones[e.zone_id], variation))
    return items


class ZonesFeed(Feed):
    """Site-wide Atom feed: declarations, reviews and variation changes in every public zone."""

    feed_type = Atom1Feed
    title = "SIZes: zones declared, reviewed and varied"
    subtitle = (
        "Social Innovation Zones declared, reviewed, renewed or dissolved, and the variations "
        "partners agree, put into effect and end inside them."
    )

    def link(self):
        return reverse("zones:register")

    def feed_url(self):
        return reverse("feeds:zones")

    def items(self):
        return feed_items()

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        # Atom summaries are HTML; the text is plain, so escape it to show it as written.
        return escape(item.description)

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_pubdate(self, item: FeedItem):
        return item.event.at

    def item_updateddate(self, item: FeedItem):
        return item.event.at


class ZoneFeed(ZonesFeed):
    """Atom feed of one public zone; drafts and unknown zones are not found."""

    def get_object(self, request, slug: str):
        return public_zone_get(slug=slug)

    def title(self, zone: Zone) -> str:
        return f"{zone.name}: declaration, reviews and variations"

    def subtitle(self, zone: Zone) -> str:
        return f"News of the {zone.name} Social Innovation Zone, from SIZes."

    def link(self, zone: Zone) -> str:
        return reverse("zones:detail", args=[zone.slug])

    def feed_url(self, zone: Zone) -> str:
        return reverse("feeds:zone", args=[zone.slug])

    def items(self, zone: Zone):
        return feed_items(zone=zone)


# iCalendar -----------------------------------------------------------------------------------


def _uid_domain(request) -> str:
    return request.get_host().split(":")[0] or "sizes"


def _stamp(value: dt.datetime | None) -> dt.datetime:
    return (value or timezone.now()).astimezone(dt.UTC)


def _day_event(*, uid: str, day: dt.date, summary: str, description: str, url: str, stamp):
    import icalendar  # only for calendar feeds: kept out of every worker's memory

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", _stamp(stamp))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


# Other apps add their own events to the calendars (engagement adds meetings): each hook is
# called as hook(cal=, request=, zones=, domain=) at the end of `calendar_build`.
CALENDAR_HOOKS: list = []


def calendar_build(*, request, zones) -> icalendar.Calendar:
    """Review dates of zones in force and start/end dates of their variations, as iCalendar."""
    domain = _uid_domain(request)
    zones = list(zones)
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//SIZes//Social Innovation Zones//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = zones[0].name if len(zones) == 1 else "SIZes"
    cal.add("x-wr-calname", f"{name}: reviews and variations")
    for zone in zones:
        if zone.status not in IN_FORCE:
            continue
        cal.add_component(
            _day_event(
                uid=f"zone-{zone.pk}-review-{zone.review_date:%Y%m%d}@{domain}",
                day=zone.review_date,
                summary=f"Review of {zone.name}",
                description=(
                    f"{zone.name} must be reviewed by this date: renewed with a new review "
                    "date, or dissolved."
                ),
                url=request.build_absolute_uri(reverse("zones:detail", args=[zone.slug])),
                stamp=zone.updated_at,
            )
        )
    variations = Variation.objects.filter(
        zone__in=[z.pk for z in zones],
        status__in=(VariationStatus.AGREED, VariationStatus.ACTIVE, VariationStatus.ENDED),
    ).select_related("zone", "owner")
    for v in variations:
        url = request.build_absolute_uri(reverse("history:variation", args=[v.pk]))
        leader = f"Accountable: {v.accountable_name}, {v.accountable_role}."
        start = v.activated_on or v.start_date
        cal.add_component(
            _day_event(
                uid=f"variation-{v.pk}-start@{domain}",
                day=start,
                summary=f"Variation starts: {v.title} ({v.zone.name})",
                description=f"{v.owner.name}: {v.difference} {leader}",
                url=url,
                stamp=v.created_at,
            )
        )
        end = v.ended_on if v.status == VariationStatus.ENDED else v.end_date
        if end:
            cal.add_component(
                _day_event(
                    uid=f"variation-{v.pk}-end@{domain}",
                    day=end,
                    summary=f"Variation ends: {v.title} ({v.zone.name})",
                    description=f"{v.owner.name}: {v.title} ends. {v.end_reason or ''}".strip(),
                    url=url,
                    stamp=v.created_at,
                )
            )
    for hook in CALENDAR_HOOKS:
        hook(cal=cal, request=request, zones=zones, domain=domain)
    return cal


def _ics(cal: icalendar.Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def calendar_all(request):
    return _ics(calendar_build(request=request, zones=Zone.objects.filter(status__in=PUBLIC)),
                "sizes.ics")  # fmt: skip


def calendar_zone(request, slug: str):
    zone = public_zone_get(slug=slug)
    return _ics(calendar_build(request=request, zones=[zone]), f"{zone.slug}.ics")
