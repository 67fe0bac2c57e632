"""The public history (page and API) never shows partners-only pooled records."""

from sizes.resources.tests.builders import budget, objective


def test_partners_only_records_stay_out_of_public_history(client, world):
    budget(world.council_signer, world.zone, world.council, service="SECRETSVC",
           visibility="partners", amount="98765")  # fmt: skip
    objective(world.council_signer, world.zone, world.council, title="SECRETOBJ",
              visibility="partners")  # fmt: skip
    for url in (f"/api/v1/zones/{world.zone.slug}/history?limit=200",
                f"/history/zone/{world.zone.slug}/"):  # fmt: skip
        body = client.get(url).content.decode()
        assert "SECRETSVC" not in body and "98765" not in body and "SECRETOBJ" not in body, url
