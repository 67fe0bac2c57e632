"""Login throttling (sizes/accounts/backends.py) and password rules.

After too many failed sign-ins for one account name, or from one address, every attempt is
refused with a clear message, even with the right password, until the lockout ends; the
admin's sign-in is covered too. Sign-up checks passwords with Django's validators."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from sizes.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2027, 3, 3, 12, 0, tzinfo=dt.UTC)
RIGHT = "a-long-test-password"  # tests.factories.UserFactory's password


def _sign_in(client, username, password, **extra):
    return client.post(
        reverse("accounts:sign-in"), {"username": username, "password": password}, **extra
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_too_many_failures_lock_the_account_then_it_opens_again(client, settings):
    settings.SIZES_SIGN_IN_FAILURES = 3
    settings.SIZES_SIGN_IN_LOCKOUT_MINUTES = 15
    UserFactory(username="alex")
    with time_machine.travel(NOON, tick=False):
        for _ in range(3):
            r = _sign_in(client, "alex", "wrong", REMOTE_ADDR="10.0.0.1")
            assert r.status_code == 400 and "Enter a correct username" in r.content.decode()
        # Locked: the right password is refused too, from any address, and says why.
        r = _sign_in(client, "ALEX", RIGHT, REMOTE_ADDR="10.0.0.2")
        assert r.status_code == 429 and 0 < int(r["Retry-After"]) <= 15 * 60 + 1
        body = r.content.decode()
        assert "too many failed attempts to sign in" in body and "Try again in" in body
        assert "There is a problem" in body  # the form's GOV.UK error summary
        assert not _signed_in(client)
        # Another account is not locked.
        UserFactory(username="sam")
        assert _sign_in(client, "sam", RIGHT, REMOTE_ADDR="10.0.0.2").status_code == 302
    client.logout()
    with time_machine.travel(NOON + dt.timedelta(minutes=15), tick=False):
        assert _sign_in(client, "alex", RIGHT).status_code == 302
        assert _signed_in(client)


def test_too_many_failures_from_one_address_lock_it(client, settings):
    settings.SIZES_SIGN_IN_FAILURES_PER_IP = 3
    for name in ("a", "b", "c"):
        _sign_in(client, name, "guess", REMOTE_ADDR="10.0.0.9")
    UserFactory(username="dana")
    r = _sign_in(client, "dana", RIGHT, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 429 and not _signed_in(client)
    assert _sign_in(client, "dana", RIGHT, REMOTE_ADDR="10.0.0.10").status_code == 302


def test_refused_attempts_while_locked_do_not_extend_the_count(client, settings):
    """Only real password checks count: a locked-out retry is not a new failure."""
    settings.SIZES_SIGN_IN_FAILURES = 2
    UserFactory(username="eve")
    with time_machine.travel(NOON, tick=False):
        for _ in range(2):
            _sign_in(client, "eve", "wrong")
        for _ in range(5):
            assert _sign_in(client, "eve", RIGHT).status_code == 429
    with time_machine.travel(NOON + dt.timedelta(minutes=15), tick=False):
        assert _sign_in(client, "eve", RIGHT).status_code == 302


def test_admin_sign_in_is_throttled_too(client, settings):
    settings.SIZES_SIGN_IN_FAILURES = 2
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(2):
        client.post(url, {"username": "boss", "password": "wrong"})
    client.post(url, {"username": "boss", "password": RIGHT})
    assert not _signed_in(client)


def test_a_right_password_before_the_limit_works(client, settings):
    settings.SIZES_SIGN_IN_FAILURES = 3
    UserFactory(username="fay")
    for _ in range(2):
        _sign_in(client, "fay", "wrong")
    assert _sign_in(client, "fay", RIGHT).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", "This password is too common."),
        ("short1!", "This password is too short. It must contain at least 8 characters."),
        ("83920174651", "This password is entirely numeric."),
        ("gracehopper-x", "The password is too similar to the username."),
    ],
)
def test_sign_up_checks_passwords_with_djangos_validators(client, password, message):
    r = client.post(
        reverse("accounts:sign-up"),
        {"username": "gracehopper", "email": "grace@example.org", "password1": password,
         "password2": password},
    )  # fmt: skip
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not User.objects.filter(username="gracehopper").exists()
