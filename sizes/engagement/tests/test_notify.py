"""Follow and be told: notices from audit events, immediate emails, weekly digests,
unsubscribe."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from sizes.audit.services import audit_record
from sizes.core.errors import DomainError
from sizes.engagement import services
from sizes.engagement.models import Follow, Notice
from sizes.engagement.notify import notify_run
from sizes.engagement.tasks import notify_task
from tests.factories import UserFactory, give_boundary

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)


def happen(zone, action="zone.declared", **kw):
    return audit_record(actor=None, action=action, obj=zone, zone_id=zone.pk, **kw)


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def test_immediate_email_with_unsubscribe(travel, declared, client):
    fan = UserFactory(username="fan")
    services.follow_zone(actor=fan, zone=declared)
    notify_run()  # nothing yet besides older events, which are not news for followers
    mail.outbox.clear()
    happen(declared, "meeting.scheduled")
    happen(declared, "zone.updated")  # not something followers are told about
    result = notify_run()
    assert result == {"notices": 1, "emails": 1, "digests": 0}
    [email] = mail.outbox
    assert email.to == ["fan@example.org"]
    assert "A meeting of Declared zone has been scheduled." in email.body
    assert "List-Unsubscribe" in email.extra_headers
    assert notify_run() == {"notices": 0, "emails": 0, "digests": 0}  # idempotent
    link = re.search(r"http://testserver(/account/unsubscribe/\S+/)", email.body).group(1)
    assert "Unsubscribe from all" in client.get(link).content.decode()
    assert Follow.objects.filter(user=fan).exists()  # a GET alone changes nothing
    r = client.post(link)
    assert r.status_code == 200 and "You have unsubscribed" in r.content.decode()
    assert not Follow.objects.filter(user=fan).exists()
    happen(declared, "zone.dissolved")
    notify_run()
    assert len(mail.outbox) == 1
    assert client.get("/account/unsubscribe/forged-token/").status_code == 400


def test_weekly_digest_batches_a_week_of_news(travel, declared):
    fan = UserFactory(username="weekly", date_joined=NOW - dt.timedelta(days=1))
    services.profile_update(actor=fan, user=fan, frequency="weekly")
    services.follow_zone(actor=fan, zone=declared)
    notify_run()
    happen(declared, "meeting.scheduled")
    travel.move_to(NOW + dt.timedelta(days=2))
    happen(declared, "idea.adopted")
    notify_run()
    assert mail.outbox == []  # not a week yet
    travel.move_to(NOW + dt.timedelta(days=6, hours=1))
    happen(declared, "variation.agreed", changes={"status": [None, "agreed"]})
    happen(declared, "variation.agreed", changes={"status": [None, "proposed"]})  # one side only
    assert notify_run()["digests"] == 1
    [email] = mail.outbox
    assert "weekly SIZes digest: 3 updates" in email.subject
    assert "An idea for Declared zone was adopted" in email.body
    assert "/account/unsubscribe/" in email.body
    travel.move_to(NOW + dt.timedelta(days=8))
    happen(declared, "zone.renewed")
    notify_run()
    assert len(mail.outbox) == 1  # the next digest waits a week from the last one
    travel.move_to(NOW + dt.timedelta(days=14))
    notify_run()
    assert len(mail.outbox) == 2 and "1 update" in mail.outbox[1].subject


def test_follow_every_zone_near_a_postcode(travel, declared, steward, postcodes):
    give_boundary(declared, steward, lat=52.4236, lon=-1.9225, radius_m=300)
    near, far = UserFactory(username="near"), UserFactory(username="far")
    services.follow_area(actor=near, postcode="B30 2BJ", radius_m=500)
    services.follow_area(actor=far, postcode="SW1A 1AA", radius_m=5000)
    notify_run()
    mail.outbox.clear()
    happen(declared)
    notify_run()
    assert [m.to for m in mail.outbox] == [["near@example.org"]]


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"postcode": "B30 2BJ", "radius_m": 10}, "radius_invalid"),
        ({"postcode": "B30 2BJ", "radius_m": "far"}, "radius_invalid"),
        ({"postcode": "nonsense", "radius_m": 500}, "postcode_malformed"),
        ({"postcode": "", "radius_m": 500}, "postcode_required"),
    ],
)
def test_bad_area_follows(resident, postcodes, kw, code):
    with pytest.raises(DomainError) as e:
        services.follow_area(actor=resident, **kw)
    assert e.value.code == code and not Follow.objects.exists()


def test_home_postcode_is_the_default(resident, postcodes):
    services.profile_update(actor=resident, user=resident, home_postcode="B30 2AA")
    assert services.follow_area(actor=resident, radius_m=800).postcode == "B30 2AA"


def test_command_and_task(travel, declared, settings):
    fan = UserFactory(username="fan")
    services.follow_zone(actor=fan, zone=declared)
    notify_run()
    happen(declared, "zone.dissolved")
    call_command("notify", stdout=(out := __import__("io").StringIO()))
    assert "1 new notice(s); 1 email(s)" in out.getvalue()
    happen(declared, "zone.withdrawn")
    assert notify_task.enqueue().return_value == {"notices": 1, "emails": 1, "digests": 0}
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0


def test_follow_pages(client, declared, resident, postcodes):
    client.force_login(resident)
    r = client.post(reverse("engagement:follow-zone", args=[declared.slug]))
    assert r.status_code == 302 and Follow.objects.filter(zone=declared).exists()
    page = reverse("engagement:follows")
    assert "Declared zone" in client.get(page).content.decode()
    assert client.post(page, {"postcode": "B30 2BJ", "radius_m": "5"}).status_code == 400
    assert client.post(page, {"postcode": "B30 2BJ", "radius_m": "1000"}).status_code == 302
    f = Follow.objects.get(zone=declared)
    assert client.post(page, {"remove": f.pk}).status_code == 302
    assert Follow.objects.count() == 1
    other = Follow.objects.create(user=UserFactory(), zone=declared)
    assert client.post(page, {"remove": other.pk}).status_code == 404
