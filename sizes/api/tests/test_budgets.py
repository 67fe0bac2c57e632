"""Budgets through the API: public ones only; money as a decimal string with its currency."""

from sizes.resources.tests.builders import budget


def test_public_budgets_only_with_money_as_strings(client, world):
    public = budget(world.council_signer, world.zone, world.council, amount="100000.50")
    budget(world.council_signer, world.zone, world.council, service="Hidden", visibility="partners")
    body = client.get("/api/v1/budgets", {"zone": world.zone.slug}).json()
    assert [b["id"] for b in body["items"]] == [public.pk]
    item = body["items"][0]
    assert item["amount"] == {"amount": "100000.50", "currency": "GBP"}
    assert item["zone_share_percent"] == "10.00"
    assert item["organisation"] == world.council.slug
    assert client.get("/api/v1/budgets", {"zone": "elsewhere"}).json()["items"] == []
    assert client.get("/api/v1/budgets", {"amount": "1"}).status_code == 400
