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


def test_history_of_one_object(client, world, council_token):
    import json

    from .conftest import bearer

    public = objective(world.council_signer, world.zone, world.council, title="Walk more")
    private = objective(world.council_signer, world.zone, world.council, title="SECRETOBJ",
                        visibility="partners")  # fmt: skip
    client.put(
        f"/api/v1/objectives/{public.pk}", json.dumps({"title": "Walk further", "summary": "x"}),
        content_type="application/json", HTTP_IF_MATCH='"1"', **bearer(council_token),
    )  # fmt: skip
    items = client.get(f"/api/v1/history/objectives/{public.pk}").json()["items"]
    assert [i["object_id"] for i in items] == [str(public.pk)] * 2
    assert items[0]["changes"][0]["after"] == "Walk further"
    text = json.dumps(items)
    assert world.council_signer.username not in text and world.council_signer.email not in text
    for url in (f"/api/v1/history/objectives/{private.pk}", "/api/v1/history/budgets/999999"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get(f"/api/v1/history/people/{public.pk}").status_code == 400
