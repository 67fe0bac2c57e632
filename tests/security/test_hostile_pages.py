"""Hostile input through the HTTP interface and the commands: clean 4xx answers, never a 500.

Regression tests for crashes the fuzzers found in code around the parsers (request bodies,
query parameters, command files). See docs/reliability.md, "Hostile input".
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.security._fuzz import nested

pytestmark = pytest.mark.django_db

# JSON that json.loads refuses with something other than JSONDecodeError.
UNREADABLE_JSON = {
    "deep": nested(100_000),  # RecursionError
    "long_integer": '{"investments": ' + "1" * 5000 + "}",  # ValueError (digit limit)
}
HUGE_NUMBERS = {
    "investments": [{"partner": "Council", "money": "1E+425000000"}],
    "outcomes": [
        {
            "name": "Fewer falls",
            "stakeholder": "Older residents",
            "quantity": "1e999999",
            "proxy": {"value": "1e999999", "year": "1e999999"},
            "duration_years": 3,
        }
    ],
}


@pytest.mark.parametrize("body", UNREADABLE_JSON.values(), ids=UNREADABLE_JSON.keys())
@pytest.mark.parametrize("url", ["/sroi/calculate", "/api/v1/sroi/calculate"])
def test_sroi_endpoint_refuses_unreadable_json_with_a_problem(client, url, body):
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_sroi_endpoint_refuses_numbers_too_large_to_calculate(client):
    response = client.post("/sroi/calculate", HUGE_NUMBERS, content_type="application/json")
    assert response.status_code == 400
    problems = response.json()
    assert "too_large" in json.dumps(problems) or "out_of_range" in json.dumps(problems)


@pytest.mark.parametrize("body", UNREADABLE_JSON.values(), ids=UNREADABLE_JSON.keys())
def test_sroi_page_refuses_unreadable_json_beside_the_field(client, ready_zone, body):
    if len(body) > 200_000:
        body = nested(99_000)  # the field's own limit is 200,000 characters
    response = client.post(f"/zones/{ready_zone.slug}/sroi/", {"input": body})
    assert response.status_code == 400
    assert "not JSON SIZes can read" in response.content.decode()


@pytest.mark.parametrize("body", [*UNREADABLE_JSON.values(), json.dumps(HUGE_NUMBERS)])
def test_sroi_command_refuses_unreadable_json_with_a_message(tmp_path, body):
    path = tmp_path / "input.json"
    path.write_text(body)
    with pytest.raises(CommandError) as caught:
        call_command("sroi", str(path))
    assert str(caught.value)


@pytest.mark.parametrize("zoom", ["²", "9" * 5000, "-1", "21", "1.5"])
def test_map_zoom_parameter_is_refused_cleanly(client, zoom):
    response = client.get(reverse("zones:map-geojson"), {"zoom": zoom})
    assert response.status_code == 400, response.content[:200]
