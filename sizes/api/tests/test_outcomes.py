"""Outcomes with indicators and measurements, and the star grade with its reasons."""

from sizes.outcomes.services import measurement_record
from sizes.outcomes.tests.helpers import indicator


def test_outcomes_with_measurements(client, world):
    outcome = world.zone.outcomes.get()
    ind = indicator(world.steward, world.zone, outcome=outcome, geography_level="zone")
    measurement_record(actor=world.steward, indicator=ind, period="2025", value="41.5")
    measurement_record(actor=world.steward, indicator=ind, period="2024", value="38")
    body = client.get(f"/api/v1/zones/{world.zone.slug}/outcomes").json()
    [out] = body["outcomes"]
    assert out["title"] == outcome.title
    [got] = out["indicators"]
    assert got["name"] == "Adults active" and got["unit"] == "%"
    assert [(m["period"], m["value"]) for m in got["measurements"]] == [
        ("2024", "38"),
        ("2025", "41.5"),
    ]
    assert all(m["area_code"] == "" for m in got["measurements"])


def test_grade_with_reasons(client, world):
    body = client.get(f"/api/v1/zones/{world.zone.slug}/grade").json()
    assert 1 <= body["stars"] <= 5
    assert body["levels"][0]["met"] and body["levels"][0]["evidence"]
    assert len(body["levels"]) == 5
    nxt = body["levels"][body["stars"]] if body["stars"] < 5 else None
    if nxt:
        assert not nxt["met"] and body["missing_for_next"] == nxt["missing"]
    assert client.get("/api/v1/zones/no-such-zone/grade").status_code == 404
