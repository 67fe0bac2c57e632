"""Accounts for residents: sign up, verify email, reset password, profile."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from sizes.accounts.models import User
from sizes.engagement import services
from sizes.engagement.models import Profile

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def _sign_up(client, username="sam"):
    return client.post(
        reverse("accounts:sign-up"),
        {
            "username": username,
            "email": f"{username}@example.org",
            "password1": "a-very-good-phrase-42",
            "password2": "a-very-good-phrase-42",
        },
    )


def test_sign_up_sends_a_link_that_verifies_once(client):
    assert _sign_up(client).status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.org"]
    link = _link(mail.outbox[0])
    user = User.objects.get(username="sam")
    assert not services.profile_get(user=user).is_verified
    r = client.get(link)
    assert r.status_code == 200 and "Email address confirmed" in r.content.decode()
    assert services.profile_get(user=user).is_verified
    again = client.get(link)
    assert again.status_code == 409
    assert "already been used" in again.content.decode()


def test_verification_link_expires(client, settings):
    settings.SIZES_VERIFY_LINK_HOURS = 2
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, tzinfo=dt.UTC), tick=False):
        _sign_up(client)
    with time_machine.travel(dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        r = client.get(_link(mail.outbox[0]))
    assert r.status_code == 400 and "This link has expired" in r.content.decode()
    assert not Profile.objects.filter(email_verified__gt="").exists()


def test_tampered_or_stale_links_are_refused(client, resident):
    token = services.email_verification_token(user=resident)
    r = client.get(reverse("engagement:verify-email", args=[token[:-2] + "xx"]))
    assert r.status_code == 400 and "not valid" in r.content.decode()
    resident.email = "new@example.org"
    resident.save()
    r = client.get(reverse("engagement:verify-email", args=[token]))
    assert r.status_code == 400 and "no longer uses" in r.content.decode()


def test_ask_for_a_new_link(client, resident):
    client.force_login(resident)
    r = client.post(reverse("engagement:verify-email-send"))
    assert r.status_code == 302 and len(mail.outbox) == 1
    client.get(_link(mail.outbox[0]))
    assert services.profile_get(user=resident).is_verified


def test_password_reset_by_email(client, resident):
    r = client.get(reverse("engagement:password-reset"))
    assert r.status_code == 200 and "Reset your password" in r.content.decode()
    r = client.post(reverse("engagement:password-reset"), {"email": resident.email})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    r = client.get(link, follow=True)
    assert "Choose a new password" in r.content.decode()
    r = client.post(
        r.redirect_chain[-1][0],
        {"new_password1": "another-long-phrase-7", "new_password2": "another-long-phrase-7"},
    )
    assert r.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password("another-long-phrase-7")
    # Used once: the link no longer works.
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_password_reset_for_unknown_email_says_the_same_and_sends_nothing(client):
    r = client.post(reverse("engagement:password-reset"), {"email": "nobody@example.org"})
    assert r.status_code == 302 and mail.outbox == []


def test_profile_with_home_postcode(client, resident):
    client.force_login(resident)
    url = reverse("engagement:profile-edit")
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "display_name": "Sam",
            "home_postcode": "b302aa",
            "role": "frontline",
            "frequency": "weekly",
        },
    )
    assert r.status_code == 302
    profile = Profile.objects.get(user=resident)
    assert (profile.home_postcode, profile.role, profile.frequency) == (
        "B30 2AA",
        "frontline",
        "weekly",
    )


@pytest.mark.parametrize(
    "data, message",
    [
        ({"home_postcode": "not a postcode", "frequency": "weekly"}, "is not a UK postcode"),
        ({"frequency": "hourly"}, "Select a valid choice"),
        ({"display_name": "x" * 151, "frequency": "weekly"}, "at most 150 characters"),
    ],
)
def test_profile_bad_input(client, resident, data, message):
    client.force_login(resident)
    r = client.post(reverse("engagement:profile-edit"), data)
    assert r.status_code == 400 and message in r.content.decode()
    assert not Profile.objects.filter(user=resident).exclude(home_postcode="").exists()


def test_profile_update_is_only_for_yourself(resident, steward):
    from sizes.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.profile_update(actor=steward, user=resident, home_postcode="B30 2AA")
