"""Financial proxies from other years' prices: shown as such, and uprated to the analysis's
price year with a deflator series (the input's own, or the site's configured file)."""

import json
from decimal import Decimal

import pytest

from sizes.core.errors import DomainError
from sizes.outcomes.sroi import calculate_from_dict, deflators_from_csv


def analysis(**extra) -> dict:
    """One outcome, one year, nothing taken off, no discounting: PV = quantity × proxy."""
    return {
        "investments": [{"partner": "Council", "money": 1000}],
        "discount_rate_pct": 0,
        "outcomes": [
            {
                "name": "Fewer falls",
                "stakeholder": "Older residents",
                "quantity": 10,
                "proxy": {"value": 100, "year": 2019, "source": "A study"},
                "duration_years": 1,
            },
            {
                "name": "More walking",
                "stakeholder": "Residents",
                "quantity": 1,
                "proxy": {"value": 50, "year": 2024},
                "duration_years": 1,
            },
        ],
        **extra,
    }


def test_proxies_are_uprated_to_the_price_year_by_the_deflator_ratio():
    result = calculate_from_dict(analysis(price_year=2024, deflators={"2019": 100, "2024": 120}))
    falls, walking = result["outcomes"]
    # 100 × 120 / 100 = 120 a fall; 10 falls → 1,200; the 2024 proxy is unchanged.
    assert falls["proxy"] == {
        "value": 120,
        "year": 2024,
        "source": "A study",
        "unit": "",
        "stated_value": 100,
        "stated_year": 2019,
    }
    assert falls["present_value"] == 1200.0
    assert walking["proxy"]["stated_value"] is None and walking["present_value"] == 50.0
    assert result["total_present_value"] == 1250.0 and result["sroi_ratio"] == 1.25
    assert result["conventions"]["price_year"] == 2024
    assert result["conventions"]["price_notes"] == [
        "Outcome 1 (Fewer falls): proxy uprated from 2019 to 2024 prices (index 100 → 120)."
    ]


def test_without_an_index_the_proxy_is_kept_as_stated_and_the_note_says_why():
    result = calculate_from_dict(analysis(price_year=2024, deflators={"2024": 120}))
    assert result["outcomes"][0]["proxy"]["value"] == 100
    assert result["total_present_value"] == 1050.0
    assert result["conventions"]["price_notes"] == [
        "Outcome 1 (Fewer falls): proxy in 2019 prices, not uprated to 2024: no deflator "
        "index for 2019."
    ]


def test_mixed_years_without_a_price_year_are_flagged_not_changed():
    result = calculate_from_dict(analysis())
    assert result["total_present_value"] == 1050.0
    assert result["conventions"]["price_year"] is None
    assert "different years' prices (2019, 2024)" in result["conventions"]["price_notes"][0]


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"price_year": 1066}, "Price year must be between"),
        ({"price_year": "soon"}, "Price year must be a whole number"),
        ({"deflators": [100, 120]}, "Deflators must be like"),
        ({"deflators": {"2019": -5}}, "Deflator index for 2019"),
        ({"deflators": {"2019": 0}}, "must be above 0"),
        ({"deflators": {"last year": 100}}, "Deflator year 'last year'"),
    ],
)
def test_bad_price_years_and_deflators_are_refused(extra, message):
    with pytest.raises(DomainError) as e:
        calculate_from_dict(analysis(**extra))
    assert e.value.code == "sroi_invalid"
    assert any(message in p.message for p in e.value.details), e.value.details


def test_the_configured_series_is_used_unless_the_input_brings_its_own(settings, tmp_path):
    series = tmp_path / "deflators.csv"
    series.write_text("year,index\n2019,100\n2024,125\n")
    settings.SIZES_DEFLATORS_FILE = str(series)
    configured = calculate_from_dict(analysis(price_year=2024))
    assert configured["outcomes"][0]["present_value"] == 1250.0
    own = calculate_from_dict(analysis(price_year=2024, deflators={"2019": 100, "2024": 110}))
    assert own["outcomes"][0]["present_value"] == 1100.0


def test_a_broken_series_file_is_reported_by_line(tmp_path):
    bad = tmp_path / "deflators.csv"
    bad.write_text("year,index\n2019,100\n2020,minus\n2021\n")
    with pytest.raises(DomainError) as e:
        deflators_from_csv(bad)
    assert [p.message for p in e.value.details] == [
        "Line 3: expected a year and a positive index.",
        "Line 4: expected a year and a positive index.",
    ]
    good = tmp_path / "ok.csv"
    good.write_text("2019,100\n2024,117.25\n")
    assert deflators_from_csv(good) == {2019: Decimal("100"), 2024: Decimal("117.25")}


@pytest.mark.django_db
def test_page_shows_the_stated_and_uprated_values(client, ready_zone):
    payload = analysis(price_year=2024, deflators={"2019": 100, "2024": 120})
    r = client.post(f"/zones/{ready_zone.slug}/sroi/", {"input": json.dumps(payload)})
    page = r.content.decode()
    assert r.status_code == 200, page
    assert "2024 prices" in page and "uprated from £100.00 in 2019 prices" in page
    assert "Financial proxies from other years" in page


@pytest.mark.django_db
def test_api_and_command_uprate_identically(client, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    payload = analysis(price_year=2024, deflators={"2019": 100, "2024": 120})
    path = tmp_path / "in.json"
    path.write_text(json.dumps(payload))
    out = StringIO()
    call_command("sroi", str(path), stdout=out)
    api = client.post("/api/v1/sroi/calculate", payload, content_type="application/json")
    assert api.status_code == 200
    assert api.json() == json.loads(out.getvalue()) == calculate_from_dict(payload)
    assert api.json()["outcomes"][0]["proxy"]["stated_year"] == 2019
