"""API tokens: made on the account page (secret shown once), stored hashed, used, revoked."""

import hashlib
import json

import pytest

from sizes.api.models import ApiToken
from sizes.api.services import token_authenticate, token_create, token_revoke
from sizes.core.errors import NotAllowed, RulesNotMet

from .conftest import bearer

PAGE = "/account/tokens/"


def test_lifecycle_create_use_revoke(client, world):
    token, secret = token_create(
        actor=world.council_signer, name="Case system", organisations=[world.council]
    )
    # Hashed at rest: nothing stored can give the secret back.
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(row, default=str)
    assert secret.startswith(row["hint"]) and len(row["hint"]) < len(secret) // 3
    assert token.last_used_at is None
    # Used: it acts as its person and notes when it was used.
    agree = client.post(f"/api/v1/variations/{world.proposed.pk}/agree", **bearer(secret))
    assert agree.status_code == 200, agree.content
    token.refresh_from_db()
    assert token.last_used_at is not None
    world.proposed.refresh_from_db()
    assert world.proposed.owner_agreed_by == world.council_signer
    # Revoked: it stops working at once.
    token_revoke(actor=world.council_signer, token=token)
    assert token_authenticate(secret) is None
    response = client.post(f"/api/v1/variations/{world.proposed.pk}/end", **bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "token_missing"


def test_only_own_organisations_and_own_tokens(world):
    with pytest.raises(NotAllowed):
        token_create(actor=world.resident, name="Mine", organisations=[world.council])
    with pytest.raises(RulesNotMet) as exc:
        token_create(actor=world.council_signer, name=" ", organisations=[])
    assert {p.field for p in exc.value.details} == {"name", "organisations"}
    token, _ = token_create(
        actor=world.council_signer, name="Case system", organisations=[world.council]
    )
    with pytest.raises(NotAllowed):
        token_revoke(actor=world.resident, token=token)
    assert ApiToken.objects.count() == 1


def test_account_page_makes_shows_once_and_revokes(client, world):
    client.force_login(world.council_signer)
    page = client.get(PAGE)
    assert page.status_code == 200 and world.council.name in page.content.decode()
    made = client.post(PAGE, {"name": "Case system", "organisations": [world.council.pk]})
    assert made.status_code == 201
    assert "no-store" in made["Cache-Control"]
    html = made.content.decode()
    token = ApiToken.objects.get()
    secret = html.split('id="token-secret" type="text" value="')[1].split('"')[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    # The list never shows the secret again, only its first characters.
    listing = client.get(PAGE).content.decode()
    assert secret not in listing and token.hint in listing
    response = client.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "organisations": []}, "Enter a name for the token"),
        ({"name": "x"}, "Select at least one organisation the token may act for"),
        ({"name": "x", "organisations": ["999999"]}, "Select organisations from the list"),
        ({"name": "x" * 101, "organisations": ["1"]}, "100 characters"),
    ],
)
def test_account_page_bad_input(client, world, data, message):
    client.force_login(world.council_signer)
    response = client.post(PAGE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_account_page_for_other_people(client, world):
    assert client.get(PAGE).status_code == 302  # sign in first
    token, _ = token_create(
        actor=world.council_signer, name="Case system", organisations=[world.council]
    )
    client.force_login(world.resident)
    assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    # Another organisation's id in the form is refused: the choices are your organisations.
    response = client.post(PAGE, {"name": "x", "organisations": [world.council.pk]})
    assert response.status_code == 400 and ApiToken.objects.count() == 1
