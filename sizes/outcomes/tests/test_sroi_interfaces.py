"""The command, the JSON endpoint and the zone page give the same numbers from one engine."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sizes.outcomes.sroi import calculate_from_dict

EXAMPLE = Path(__file__).parent / "data" / "sroi_example.json"


def _cli(path) -> dict:
    out = StringIO()
    call_command("sroi", str(path), stdout=out)
    return json.loads(out.getvalue())


def _money(v: float) -> str:
    return f"£{v:,.2f}" if v >= 0 else f"−£{-v:,.2f}"


def _ratio(v: float) -> str:
    return f"£{v:,.2f} : £1"


@pytest.mark.django_db
def test_cli_endpoint_and_page_give_identical_numbers(client, ready_zone):
    payload = json.loads(EXAMPLE.read_text())
    from_cli = _cli(EXAMPLE)
    response = client.post("/sroi/calculate", payload, content_type="application/json")
    assert response.status_code == 200
    from_api = response.json()
    assert from_cli == from_api == calculate_from_dict(payload)
    versioned = client.post("/api/v1/sroi/calculate", payload, content_type="application/json")
    assert versioned.status_code == 200 and versioned.json() == from_api
    assert from_cli["sroi_ratio"] > 1

    page = client.post(f"/zones/{ready_zone.slug}/sroi/", {"input": EXAMPLE.read_text()})
    assert page.status_code == 200
    html = page.content.decode()

    def shown(key):
        m = re.search(rf'data-sroi="{key}">([^<]*)<', html)
        return m.group(1).replace("&#39;", "'")

    assert shown("sroi_ratio") == _ratio(from_api["sroi_ratio"])
    assert shown("net_sroi_ratio") == _ratio(from_api["net_sroi_ratio"])
    assert shown("total_present_value") == _money(from_api["total_present_value"])
    assert shown("net_present_value") == _money(from_api["net_present_value"])
    assert shown("investment") == _money(from_api["investment"]["total"])
    assert shown("payback_months") == f"{from_api['payback_months']} months"
    for o in from_api["outcomes"]:
        assert _money(o["present_value"]) in html
        assert _money(o["impact"]) in html
    for y in from_api["years"]:
        assert _money(y["present_value"]) in html
    for c in from_api["sensitivity"]:
        assert _ratio(c["sroi_ratio"]) in html


def test_cli_bad_file_exits_with_a_message(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"investments": [{"partner": "A", "money": 0}], "outcomes": [')
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("sroi", str(bad))
    with pytest.raises(CommandError, match="Could not read"):
        call_command("sroi", str(tmp_path / "missing.json"))
    bad.write_text(json.dumps({"investments": [], "outcomes": [{"name": "x"}]}))
    with pytest.raises(CommandError, match="stakeholder"):
        call_command("sroi", str(bad))


def test_cli_zero_investment_says_ratio_undefined(tmp_path):
    data = json.loads(EXAMPLE.read_text())
    for i in data["investments"]:
        i["money"] = i["in_kind"] = 0
    path = tmp_path / "zero.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="cannot be worked out without an investment"):
        call_command("sroi", str(path))


def test_sizes_entry_point_exits_non_zero(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    done = subprocess.run(
        [sys.executable, "-m", "sizes.cli", "sroi", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "JSON object" in done.stderr


@pytest.mark.django_db
def test_endpoint_problem_json(client):
    bad = json.loads(EXAMPLE.read_text())
    bad["outcomes"][0]["deadweight_pct"] = 140
    r = client.post("/sroi/calculate", bad, content_type="application/json")
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert set(body) == {"type", "title", "status", "detail", "code", "errors"}
    assert body["code"] == "sroi_invalid"
    assert body["errors"] == [
        {
            "code": "percent_range",
            "field": "outcomes[0].deadweight_pct",
            "message": "Outcome 1 deadweight must be a percentage from 0 to 100, not 140.",
        }
    ]

    r = client.post("/sroi/calculate", "{nope", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_json"
    zero = json.loads(EXAMPLE.read_text())
    zero["investments"] = []
    r = client.post("/sroi/calculate", zero, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "sroi_ratio_undefined"
    assert r.json()["errors"][0]["field"] == "investments"
    assert client.get("/sroi/calculate").status_code == 405


@pytest.mark.django_db
def test_page_bad_input_is_400_with_messages(client, ready_zone):
    url = f"/zones/{ready_zone.slug}/sroi/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"input": "{not json"})
    assert r.status_code == 400
    assert "not valid JSON" in r.content.decode()
    bad = json.loads(EXAMPLE.read_text())
    bad["outcomes"][1]["quantity"] = -5
    r = client.post(url, {"input": json.dumps(bad)})
    assert r.status_code == 400
    assert "Outcome 2 quantity must be 0 or more" in r.content.decode()
    assert client.post(url, {}).status_code == 400
