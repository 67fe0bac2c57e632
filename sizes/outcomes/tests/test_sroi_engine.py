"""The SROI engine against cases worked by hand (the arithmetic is in each test's comments)."""

from decimal import Decimal

import pytest

from sizes.core.errors import DomainError
from sizes.outcomes.sroi import calculate, calculate_from_dict, sroi_input_from_dict


def outcome(**over):
    base = {
        "name": "More people active",
        "stakeholder": "Residents",
        "quantity": 1,
        "proxy": {"value": 1000, "unit": "per person a year", "year": 2023, "source": "Test"},
        "duration_years": 1,
        "deadweight_pct": 0,
        "displacement_pct": 0,
        "attribution_pct": 0,
        "drop_off_pct": 0,
    }
    base.update(over)
    return base


def analysis(outcomes, investment=1000, in_kind=0, **over):
    data = {
        "investments": [{"partner": "Council", "money": investment, "in_kind": in_kind}],
        "outcomes": outcomes,
    }
    data.update(over)
    return data


def test_every_adjustment_in_one_year():
    # impact = 10 × £1,000 × (1 − 0.20) × (1 − 0.10) × (1 − 0.25)
    #        = 10,000 × 0.8 × 0.9 × 0.75 = £5,400
    # PV at 3.5 %, year 1 discounted = 5,400 ÷ 1.035 = £5,217.391304… → £5,217.39
    # investment = £2,000 money + £500 in kind = £2,500
    # ratio = 5,217.391304 ÷ 2,500 = 2.086956… → 2.09;  NPV = £2,717.39;  net = 1.086956… → 1.09
    r = calculate_from_dict(
        analysis(
            [outcome(quantity=10, deadweight_pct=20, displacement_pct=10, attribution_pct=25)],
            investment=2000,
            in_kind=500,
        )
    )
    assert r["outcomes"][0]["impact"] == 5400.00
    assert r["outcomes"][0]["present_value"] == 5217.39
    assert r["investment"]["total"] == 2500.00
    assert r["total_present_value"] == 5217.39
    assert r["net_present_value"] == 2717.39
    assert r["sroi_ratio"] == 2.09
    assert r["net_sroi_ratio"] == 1.09
    assert r["conventions"]["discount_rate_pct"] == 3.5


@pytest.mark.parametrize(
    "field, pct, impact",
    [
        # each adjustment alone on 4 × £250 = £1,000
        ("deadweight_pct", 30, 700.0),  # 1,000 × 0.7
        ("displacement_pct", 15, 850.0),  # 1,000 × 0.85
        ("attribution_pct", 40, 600.0),  # 1,000 × 0.6
        ("drop_off_pct", 50, 1000.0),  # drop-off does not touch year 1
    ],
)
def test_each_adjustment_alone(field, pct, impact):
    r = calculate_from_dict(
        analysis([outcome(quantity=4, proxy={"value": 250}, **{field: pct})], discount_rate_pct=0)
    )
    assert r["outcomes"][0]["impact"] == impact
    assert r["total_present_value"] == impact  # one year, no discounting


def test_drop_off_over_several_years_without_discounting():
    # drop-off 50 %: year 1 £1,000, year 2 £500, year 3 £250 → total £1,750 at 0 %
    r = calculate_from_dict(
        analysis([outcome(duration_years=3, drop_off_pct=50)], discount_rate_pct=0)
    )
    assert r["outcomes"][0]["values_by_year"] == [1000.0, 500.0, 250.0]
    assert [y["value"] for y in r["years"]] == [1000.0, 500.0, 250.0]
    assert r["total_present_value"] == 1750.0


def test_discounting_year_one_discounted_sroi_guide():
    # r = 10 %: 1,000/1.1 = 909.0909…; 500/1.21 = 413.2231…; 250/1.331 = 187.8287…
    # total = 1,510.1427… → £1,510.14
    r = calculate_from_dict(
        analysis([outcome(duration_years=3, drop_off_pct=50)], discount_rate_pct=10)
    )
    assert r["outcomes"][0]["present_values_by_year"] == [909.09, 413.22, 187.83]
    assert [y["discount_factor"] for y in r["years"]] == [0.909091, 0.826446, 0.751315]
    assert r["total_present_value"] == 1510.14
    assert r["conventions"]["first_year_discounted"] is True


def test_discounting_green_book_year_zero():
    # r = 10 %, year 1 not discounted: 1,000 + 500/1.1 (454.5454…) + 250/1.21 (206.6115…)
    # total = 1,661.1570… → £1,661.16
    r = calculate_from_dict(
        analysis(
            [outcome(duration_years=3, drop_off_pct=50)],
            discount_rate_pct=10,
            first_year_discounted=False,
        )
    )
    assert r["outcomes"][0]["present_values_by_year"] == [1000.0, 454.55, 206.61]
    assert r["total_present_value"] == 1661.16


def test_default_discount_rate_is_green_book_3_5():
    # two years of £1,000 at 3.5 %: 1,000/1.035 + 1,000/1.071225 = 966.1836 + 933.5107 = 1,899.69
    r = calculate_from_dict(analysis([outcome(duration_years=2)]))
    assert r["total_present_value"] == 1899.69


def test_several_outcomes_add_up_by_year():
    # A: £1,000 for 2 years; B: 2 × £300 = £600 for 1 year. At 0 %: year 1 £1,600, year 2 £1,000.
    r = calculate_from_dict(
        analysis(
            [outcome(duration_years=2), outcome(name="B", quantity=2, proxy={"value": 300})],
            discount_rate_pct=0,
        )
    )
    assert [y["value"] for y in r["years"]] == [1600.0, 1000.0]
    assert r["total_present_value"] == 2600.0
    assert r["sroi_ratio"] == 2.6


def test_payback_within_later_year():
    # At 0 %: year 1 £1,000, year 2 £500. Investment £1,200: year 1 covers 1,000, the
    # remaining 200 is 200/500 = 0.4 of year 2 → 12 + 0.4 × 12 = 16.8 months
    r = calculate_from_dict(
        analysis([outcome(duration_years=3, drop_off_pct=50)], investment=1200, discount_rate_pct=0)
    )
    assert r["payback_months"] == 16.8


def test_payback_within_first_year():
    # £1,000 a year at 0 %, investment £250: 250/1,000 × 12 = 3 months
    r = calculate_from_dict(analysis([outcome()], investment=250, discount_rate_pct=0))
    assert r["payback_months"] == 3.0


def test_payback_never():
    # total value £1,750 < investment £5,000: never paid back
    r = calculate_from_dict(
        analysis([outcome(duration_years=3, drop_off_pct=50)], investment=5000, discount_rate_pct=0)
    )
    assert r["payback_months"] is None
    assert r["sroi_ratio"] == 0.35


def test_sensitivity_table():
    # Base: 100 × £10 × (1 − 0.2) = £800 for 1 year at 0 %; investment £750 → ratio 1.0667
    data = analysis(
        [outcome(quantity=100, proxy={"value": 10}, deadweight_pct=20)],
        investment=750,
        discount_rate_pct=0,
    )
    r = calculate_from_dict(data)
    assert r["sroi_ratio"] == 1.07
    table = {(c["assumption"], c["change"]): c for c in r["sensitivity"]}
    expected = {
        ("Deadweight", "+10 points"): (0.93, True),  # 1,000 × 0.7 = 700 / 750
        ("Deadweight", "−10 points"): (1.2, False),  # 1,000 × 0.9 = 900 / 750
        ("Displacement", "+10 points"): (0.96, True),  # 800 × 0.9 = 720 / 750
        ("Displacement", "−10 points"): (1.07, False),  # stays at 0 %: 800 / 750
        ("Attribution", "+10 points"): (0.96, True),
        ("Attribution", "−10 points"): (1.07, False),
        ("Drop-off", "+10 points"): (1.07, False),  # one year: drop-off has no effect
        ("Drop-off", "−10 points"): (1.07, False),
        ("Financial proxies", "+25 %"): (1.33, False),  # 1,000 / 750
        ("Financial proxies", "−25 %"): (0.8, True),  # 600 / 750
        ("Duration", "−1 year"): (0.0, True),  # 0 years: no value
        ("Discount rate", "0 %"): (1.07, False),
        # 800 / 1.07 = 747.66 / 750 = 0.99688: shows as 1.00 but is below 1
        ("Discount rate", "7 %"): (1.0, True),
    }
    assert {k: (v["sroi_ratio"], v["below_one"]) for k, v in table.items()} == expected
    assert "Deadweight +10 points" in r["below_one_if"]
    assert "Discount rate 7 %" in r["below_one_if"]
    assert "Deadweight −10 points" not in r["below_one_if"]


def test_sensitivity_drop_off_over_years():
    # drop-off 50 → 60 %: 1,000 + 400 + 160 = 1,560 / 1,200 = 1.3; 50 → 40 %: 1,000 + 600 + 360
    # = 1,960 / 1,200 = 1.6333; base 1,750 / 1,200 = 1.4583
    r = calculate_from_dict(
        analysis([outcome(duration_years=3, drop_off_pct=50)], investment=1200, discount_rate_pct=0)
    )
    table = {(c["assumption"], c["change"]): c["sroi_ratio"] for c in r["sensitivity"]}
    assert r["sroi_ratio"] == 1.46
    assert table[("Drop-off", "+10 points")] == 1.3
    assert table[("Drop-off", "−10 points")] == 1.63
    # duration − 1: 1,000 + 500 = 1,500 / 1,200 = 1.25
    assert table[("Duration", "−1 year")] == 1.25


@pytest.mark.parametrize(
    "investments",
    [[], [{"partner": "Council", "money": 0, "in_kind": 0}], None],
)
def test_zero_or_missing_investment_is_refused(investments):
    data = analysis([outcome()])
    if investments is None:
        del data["investments"]
    else:
        data["investments"] = investments
    with pytest.raises(DomainError) as err:
        calculate_from_dict(data)
    assert err.value.code == "sroi_ratio_undefined"
    assert "cannot be worked out" in err.value.message


def test_calculate_refuses_zero_investment_built_directly():
    data = sroi_input_from_dict(analysis([outcome()]))
    from dataclasses import replace

    with pytest.raises(DomainError) as err:
        calculate(replace(data, investments=()))
    assert err.value.code == "sroi_ratio_undefined"


@pytest.mark.parametrize(
    "over, field, code",
    [
        ({"deadweight_pct": 101}, "outcomes[0].deadweight_pct", "percent_range"),
        ({"displacement_pct": -1}, "outcomes[0].displacement_pct", "percent_range"),
        ({"attribution_pct": "lots"}, "outcomes[0].attribution_pct", "not_a_number"),
        ({"drop_off_pct": 150}, "outcomes[0].drop_off_pct", "percent_range"),
        ({"quantity": -3}, "outcomes[0].quantity", "negative"),
        ({"duration_years": -1}, "outcomes[0].duration_years", "negative"),
        ({"duration_years": 2.5}, "outcomes[0].duration_years", "not_whole_number"),
        ({"duration_years": 99}, "outcomes[0].duration_years", "out_of_range"),
        ({"proxy": {"value": 10, "year": 1800}}, "outcomes[0].proxy.year", "out_of_range"),
        ({"proxy": {"value": -10}}, "outcomes[0].proxy.value", "negative"),
        ({"proxy": None}, "outcomes[0].proxy", "required"),
        ({"name": ""}, "outcomes[0].name", "required"),
        ({"quantity": True}, "outcomes[0].quantity", "not_a_number"),
        ({"quantity": "NaN"}, "outcomes[0].quantity", "not_a_number"),
    ],
)
def test_bad_outcome_input_is_refused_with_a_specific_message(over, field, code):
    with pytest.raises(DomainError) as err:
        calculate_from_dict(analysis([outcome(**over)]))
    assert err.value.code == "sroi_invalid"
    assert [(p.field, p.code) for p in err.value.details] == [(field, code)]


def test_every_problem_is_reported_at_once():
    data = analysis([outcome(deadweight_pct=120, quantity=-1)], discount_rate_pct=200)
    data["investments"][0]["money"] = -5
    with pytest.raises(DomainError) as err:
        calculate_from_dict(data)
    fields = {p.field for p in err.value.details}
    assert fields == {
        "discount_rate_pct",
        "investments[0].money",
        "outcomes[0].deadweight_pct",
        "outcomes[0].quantity",
    }
    assert any("0 to 100" in p.message for p in err.value.details)


@pytest.mark.parametrize("payload", [[], "x", None, {"investments": "x", "outcomes": []}])
def test_wrong_shapes_are_refused(payload):
    with pytest.raises(DomainError) as err:
        calculate_from_dict(payload)
    assert err.value.code == "sroi_invalid"


def test_no_outcomes_is_refused():
    with pytest.raises(DomainError) as err:
        calculate_from_dict(analysis([]))
    assert [p.field for p in err.value.details] == ["outcomes"]


def test_decimal_strings_are_accepted_exactly():
    # "0.1" × 3 years of 10 each at 0 %: exactly £3.00, no float drift
    r = calculate_from_dict(
        analysis(
            [outcome(quantity="0.1", proxy={"value": "10"}, duration_years=3)],
            investment="1.5",
            discount_rate_pct="0",
        )
    )
    assert r["total_present_value"] == 3.0
    assert r["sroi_ratio"] == 2.0
    assert isinstance(sroi_input_from_dict(analysis([outcome()])).discount_rate_pct, Decimal)
