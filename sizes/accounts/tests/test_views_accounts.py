"""Account pages: sign in, sign up, sign out, your account."""

import pytest
from django.urls import reverse

from sizes.accounts.models import User
from tests.factories import MembershipFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def html(response) -> str:
    return response.content.decode()


def test_sign_in(client):
    UserFactory(username="alex")
    page = reverse("accounts:sign-in")
    r = client.get(page)
    assert r.status_code == 200 and 'for="id_username"' in html(r)
    r = client.post(page, {"username": "alex", "password": "wrong"})
    assert r.status_code == 400
    body = html(r)
    assert "<title>Error: Sign in" in body
    assert 'href="#id_username"' in body and "Enter a correct username and password." in body
    r = client.post(page, {"username": "", "password": ""})
    assert "Enter your username." in html(r) and "Enter your password." in html(r)
    r = client.post(
        page, {"username": "alex", "password": "a-long-test-password", "next": "/zones/"}
    )
    assert r.status_code == 302 and r.url == "/zones/"


def test_sign_up_signs_in(client):
    page = reverse("accounts:sign-up")
    assert client.get(page).status_code == 200
    r = client.post(
        page,
        {
            "username": "sam",
            "email": "sam@example.org",
            "password1": "a-very-good-phrase-42",
            "password2": "a-very-good-phrase-42",
        },
    )
    assert r.status_code == 302
    assert User.objects.get(username="sam").email == "sam@example.org"
    assert "Signed in as sam" in html(client.get(reverse("accounts:profile")))


def test_sign_up_bad_input(client):
    UserFactory(username="taken")
    r = client.post(
        reverse("accounts:sign-up"),
        {"username": "taken", "email": "nope", "password1": "12345678", "password2": "x"},
    )
    assert r.status_code == 400
    body = html(r)
    assert "<title>Error: Create an account" in body
    assert "That username is taken." in body
    assert "Enter an email address in the correct format" in body
    assert "The passwords do not match." in body
    r = client.post(
        reverse("accounts:sign-up"),
        {"username": "new", "email": "n@example.org", "password1": "12345678",
         "password2": "12345678"},
    )  # fmt: skip
    assert r.status_code == 400 and "This password is entirely numeric." in html(r)
    assert User.objects.count() == 1


def test_profile_and_sign_out(client, steward, council):
    assert client.get(reverse("accounts:profile")).status_code == 302
    ZoneFactory(name="My zone", stewards=[steward])
    MembershipFactory(user=steward, organisation=council)
    client.force_login(steward)
    body = html(client.get(reverse("accounts:profile")))
    assert "My zone" in body and "Test City Council" in body and "can sign for it" in body
    r = client.post(reverse("accounts:sign-out"))
    assert r.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302
