"""Meetings, suggestions and ideas as public data: only what the public pages show (display
names, never emails or postcodes; wards, never the point; shown comments only)."""

import datetime as dt
import json

from django.utils import timezone
from shapely.geometry import box

from sizes.engagement.models import (
    Comment,
    CommentStatus,
    Idea,
    Meeting,
    Profile,
    Suggestion,
    Support,
)
from sizes.geo import geometry as g
from sizes.geo.models import ReferenceArea
from sizes.zones.models import ZoneStatus
from tests.factories import UserFactory, ZoneFactory

from .test_reads import API, problem


def _person(name, email, postcode="B30 2AA"):
    user = UserFactory(username=f"{name.lower()}-login", display_name=name, email=email)
    Profile.objects.create(user=user, home_postcode=postcode, role="resident")
    return user


def _private(body: str, *people) -> None:
    for p in people:
        assert p.email not in body and p.username not in body
        assert p.engagement_profile.home_postcode not in body


def test_meetings_of_public_zones(client, world):
    now = timezone.now()
    past = Meeting.objects.create(
        zone=world.zone, title="Spring meeting", starts_at=now - dt.timedelta(days=30),
        ends_at=now - dt.timedelta(days=30, hours=-2), place="Park café", agenda="Walks",
        minutes="We agreed the walks.", decisions="Walks on Tuesdays.", attended_residents=12,
        attended_partners=3, created_by=world.steward,
    )  # fmt: skip
    upcoming = Meeting.objects.create(
        zone=world.zone, title="Summer meeting", starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=30, hours=2), online_url="https://meet.example.org/x",
        agenda="Benches",
    )  # fmt: skip
    draft = ZoneFactory(name="Draft", slug="draft", status=ZoneStatus.DRAFT)
    hidden = Meeting.objects.create(
        zone=draft, title="Draft meeting", starts_at=now, ends_at=now, agenda="x"
    )

    body = client.get(f"{API}/meetings").json()
    assert [m["id"] for m in body["items"]] == [past.pk, upcoming.pk]
    first = body["items"][0]
    assert first["zone"] == world.zone.slug and first["attended_residents"] == 12
    assert first["attended_others"] is None and first["decisions"] == "Walks on Tuesdays."
    assert first["html"] == f"/meetings/{past.pk}/"
    assert first["calendar"] == f"/meetings/{past.pk}/meeting.ics"
    assert "created_by" not in first
    text = json.dumps(body)
    assert world.steward.email not in text and world.steward.username not in text

    upcoming_only = client.get(f"{API}/meetings", {"after": now.isoformat()}).json()["items"]
    assert [m["id"] for m in upcoming_only] == [upcoming.pk]
    assert client.get(f"{API}/meetings", {"zone": "draft"}).json()["items"] == []
    assert client.get(f"{API}/meetings/{upcoming.pk}").json()["title"] == "Summer meeting"
    problem(client.get(f"{API}/meetings/{hidden.pk}"), 404, "meeting_not_found")
    problem(client.get(f"{API}/meetings", {"when": "soon"}), 400, "parameter_unknown")


def test_suggestions_show_names_and_wards_never_personal_data(client, world):
    alex = _person("Alex from Stirchley", "alex.secret@example.org", postcode="B30 9ZZ")
    bo = _person("Bo", "bo.secret@example.org", postcode="B29 7YY")
    geom = g.geometry_from_geojson(g.to_geojson(box(-1.95, 52.40, -1.90, 52.45)))
    ward = ReferenceArea(
        type="ward", code="E05011172", name="Stirchley", vintage="2018",
        geometry=g.to_geojson(geom), area_m2=g.area_m2(geom),
    )  # fmt: skip
    ward.set_bbox(geom.bounds)
    ward.save()
    s = Suggestion.objects.create(
        author=alex, place="Pershore Road shops", why="Empty shops.", lat=52.4321, lon=-1.9123
    )
    s.wards.add(ward)
    Support.objects.create(suggestion=s, user=bo)
    former = Suggestion.objects.create(author=None, place="Canal", why="Towpath.")
    Comment.objects.create(suggestion=s, author=bo, body="Yes please.")
    Comment.objects.create(
        suggestion=s, author=bo, body="Rude words", status=CommentStatus.HIDDEN, hidden=True
    )
    Comment.objects.create(
        suggestion=s, author=bo, body="Awaiting review", status=CommentStatus.PENDING, hidden=True
    )

    listed = client.get(f"{API}/suggestions")
    items = listed.json()["items"]
    assert [i["id"] for i in items] == [s.pk, former.pk]
    assert items[0]["author"] == "Alex from Stirchley" and items[0]["supporters"] == 1
    assert items[0]["wards"] == [{"code": "E05011172", "name": "Stirchley"}]
    assert items[1]["author"] == "a former member"
    detail = client.get(f"{API}/suggestions/{s.pk}")
    comments = detail.json()["comments"]
    assert [c["body"] for c in comments] == ["Yes please."] and comments[0]["author"] == "Bo"
    for response in (listed, detail):
        text = response.content.decode()
        _private(text, alex, bo)
        assert "52.4321" not in text and "-1.9123" not in text
        assert "Rude words" not in text and "Awaiting review" not in text
    assert client.get(f"{API}/suggestions", {"status": "declined"}).json()["items"] == []
    problem(client.get(f"{API}/suggestions/999999"), 404, "suggestion_not_found")
    problem(client.get(f"{API}/suggestions", {"status": "maybe"}), 400, "parameter_invalid")


def test_ideas_with_answers_and_no_personal_data(client, world):
    sam = _person("Sam (bin crew)", "sam.secret@example.org")
    today = timezone.localdate()
    overdue = Idea.objects.create(
        zone=world.zone, organisation=world.council, author=sam, author_role="frontline",
        title="Collect bulky items on Saturdays", obstacle="People work weekdays.",
        proposal="One Saturday a month.", answer_due=today - dt.timedelta(days=1),
    )  # fmt: skip
    adopted = Idea.objects.create(
        zone=world.zone, organisation=world.council, author=sam, author_role="frontline",
        title="Refer walkers", obstacle="x", proposal="y", answer_due=today,
        status="adopted", answer="Yes.", answered_at=timezone.now(), variation=world.proposed,
    )  # fmt: skip
    draft = ZoneFactory(name="Draft", slug="draft", status=ZoneStatus.DRAFT)
    secret = Idea.objects.create(
        zone=draft, organisation=world.council, author=sam, author_role="resident",
        title="Secret", obstacle="x", proposal="y", answer_due=today,
    )  # fmt: skip
    Comment.objects.create(idea=overdue, author=world.resident, body="Good idea.")
    Comment.objects.create(
        idea=overdue, author=world.resident, body="Hidden text", status=CommentStatus.HIDDEN,
        hidden=True,
    )  # fmt: skip

    listed = client.get(f"{API}/ideas", {"zone": world.zone.slug})
    items = listed.json()["items"]
    assert [i["id"] for i in items] == [overdue.pk, adopted.pk]
    assert items[0]["overdue"] is True and items[0]["author"] == "Sam (bin crew)"
    assert items[0]["organisation"] == world.council.slug and items[0]["variation"] is None
    assert items[1]["variation"] == world.proposed.pk and items[1]["answer"] == "Yes."
    assert [i["id"] for i in client.get(f"{API}/ideas", {"status": "adopted"}).json()["items"]] == [
        adopted.pk
    ]
    assert client.get(f"{API}/ideas", {"organisation": world.community.slug}).json()["items"] == []
    detail = client.get(f"{API}/ideas/{overdue.pk}")
    assert [c["body"] for c in detail.json()["comments"]] == ["Good idea."]
    for response in (listed, detail):
        text = response.content.decode()
        _private(text, sam)
        assert "Hidden text" not in text and "Secret" not in text
    problem(client.get(f"{API}/ideas/{secret.pk}"), 404, "idea_not_found")


def test_reads_take_etags(client, world):
    first = client.get(f"{API}/suggestions")
    again = client.get(f"{API}/suggestions", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_meetings_after_with_an_extreme_offset_is_normalised_or_refused(client, db):
    # Found by schemathesis on PostgreSQL: an offset of +18:21 is valid ISO 8601 but not to
    # PostgreSQL; the filter now works in UTC, and a moment outside the calendar is a 400.
    r = client.get("/api/v1/meetings", {"after": "2026-04-14T08:18:55+18:21"})
    assert r.status_code == 200
    r = client.get("/api/v1/meetings", {"after": "0001-01-01T00:10:00+18:21"})
    assert r.status_code == 400 and r.json()["code"] == "parameter_invalid"
    r = client.get("/api/v1/zones", {"updated_since": "2026-04-14T08:18:55+18:21"})
    assert r.status_code == 200
    r = client.get("/api/v1/zones", {"updated_since": "0001-01-01T00:10:00+18:21"})
    assert r.status_code == 400 and r.json()["code"] == "parameter_invalid"
