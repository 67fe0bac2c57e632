"""The SROI engine: one pure implementation behind the page, the JSON endpoint and `sizes sroi`.

Social Return on Investment, following the published SROI method (the SROI Guide's impact map)
with the HM Treasury Green Book discount rate as the default.

For each outcome:

    impact      = quantity × proxy value × (1 − deadweight) × (1 − displacement) × (1 − attribution)
    value(t)    = impact × (1 − drop-off)^(t − 1)          for years t = 1 … duration
    PV(t)       = value(t) ÷ (1 + r)^t                      (SROI Guide: year 1 is discounted)
                = value(t) ÷ (1 + r)^(t − 1)                (Green Book "year 0": year 1 is not)

and for the analysis:

    total PV    = Σ PV over outcomes and years
    investment  = Σ (money + valued in-kind) over partners
    NPV         = total PV − investment
    SROI ratio  = total PV ÷ investment          net SROI ratio = NPV ÷ investment
    payback     = months until the cumulative present value reaches the investment, spreading
                  each year's present value evenly over its twelve months (a discounted payback)

Arithmetic is done in `Decimal` (28 significant digits) with no rounding on the way; only the
results are rounded, half up: money to the penny (2 dp), ratios to 2 dp, discount factors to
6 dp, payback to 1 dp of a month. Whether a sensitivity case falls below 1 is decided on the
unrounded ratio.

Input comes as a plain dict (JSON) through `sroi_input_from_dict`, which checks every field and
reports every problem at once as a `DomainError` with one `Problem` per field; nothing is
calculated from bad input. A zero investment makes the ratio undefined: `calculate` refuses it
with the code `sroi_ratio_undefined` instead of dividing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from sizes.core.errors import DomainError, Problem

# HM Treasury Green Book social time preference rate, years 0–30.
DEFAULT_DISCOUNT_RATE_PCT = Decimal("3.5")
MIN_PRICE_YEAR = 1950
MAX_PRICE_YEAR = 2100
MAX_DURATION_YEARS = 50
MAX_ITEMS = 200
# The largest amount, quantity or proxy value accepted (a trillion), and the finest fraction
# kept: bounds that keep every sum, product and ratio well inside Decimal's exponent range.
MAX_NUMBER = Decimal("1e12")
FINEST = Decimal("0.000001")

PENNY = Decimal("0.01")
RATIO = Decimal("0.01")
FACTOR = Decimal("0.000001")
MONTH = Decimal("0.1")
HUNDRED = Decimal(100)


# --- Input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Investment:
    """What one partner put in: money, and in-kind contributions valued in pounds."""

    partner: str
    money: Decimal = Decimal(0)
    in_kind: Decimal = Decimal(0)
    in_kind_description: str = ""

    @property
    def total(self) -> Decimal:
        return self.money + self.in_kind


@dataclass(frozen=True)
class Proxy:
    """A financial proxy: the value of one unit of the outcome, in the prices of `year`.

    When the analysis set a price year and the proxy was stated in another year's prices,
    `value` and `year` are the uprated figures and `stated_value`/`stated_year` what the input
    said (see `uprate`)."""

    value: Decimal
    unit: str = ""
    year: int | None = None
    source: str = ""
    stated_value: Decimal | None = None
    stated_year: int | None = None


@dataclass(frozen=True)
class OutcomeInput:
    name: str
    stakeholder: str
    quantity: Decimal
    proxy: Proxy
    duration_years: int
    deadweight_pct: Decimal = Decimal(0)
    displacement_pct: Decimal = Decimal(0)
    attribution_pct: Decimal = Decimal(0)
    drop_off_pct: Decimal = Decimal(0)


@dataclass(frozen=True)
class SROIInput:
    investments: tuple[Investment, ...]
    outcomes: tuple[OutcomeInput, ...]
    discount_rate_pct: Decimal = DEFAULT_DISCOUNT_RATE_PCT
    # True: the SROI Guide's impact map, year 1 divided by (1 + r). False: the Green Book's
    # convention, the first year is "year 0" and is not discounted.
    first_year_discounted: bool = True
    title: str = ""
    # The prices the analysis is in (None: as each proxy states), and notes on proxies whose
    # price year differs from it (or from each other).
    price_year: int | None = None
    price_notes: tuple[str, ...] = ()

    @property
    def total_investment(self) -> Decimal:
        return sum((i.total for i in self.investments), Decimal(0))


# --- Output ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeResult:
    name: str
    stakeholder: str
    impact: Decimal
    values_by_year: tuple[Decimal, ...]
    present_values_by_year: tuple[Decimal, ...]
    present_value: Decimal


@dataclass(frozen=True)
class YearResult:
    year: int
    value: Decimal
    discount_factor: Decimal
    present_value: Decimal


@dataclass(frozen=True)
class SensitivityCase:
    assumption: str
    change: str
    sroi_ratio: Decimal
    below_one: bool


@dataclass(frozen=True)
class SROIResult:
    input: SROIInput
    outcomes: tuple[OutcomeResult, ...]
    years: tuple[YearResult, ...]
    total_investment: Decimal
    total_present_value: Decimal
    net_present_value: Decimal
    sroi_ratio: Decimal
    net_sroi_ratio: Decimal
    payback_months: Decimal | None
    sensitivity: tuple[SensitivityCase, ...] = field(default=())

    def to_dict(self) -> dict:
        """The results as JSON-ready data, rounded as the module docstring says."""
        return {
            "title": self.input.title,
            "conventions": {
                "discount_rate_pct": _num(self.input.discount_rate_pct),
                "first_year_discounted": self.input.first_year_discounted,
                "price_year": self.input.price_year,
                "price_notes": list(self.input.price_notes),
                "rounding": "money to 2 dp, ratios to 2 dp, payback to 0.1 month, half up",
            },
            "investment": {
                "total": _money(self.total_investment),
                "by_partner": [
                    {
                        "partner": i.partner,
                        "money": _money(i.money),
                        "in_kind": _money(i.in_kind),
                        "in_kind_description": i.in_kind_description,
                        "total": _money(i.total),
                    }
                    for i in self.input.investments
                ],
            },
            "outcomes": [
                {
                    "name": o.name,
                    "stakeholder": o.stakeholder,
                    "quantity": _num(src.quantity),
                    "proxy": {
                        "value": _num(src.proxy.value),
                        "unit": src.proxy.unit,
                        "year": src.proxy.year,
                        "source": src.proxy.source,
                        "stated_value": (
                            None if src.proxy.stated_value is None else _num(src.proxy.stated_value)
                        ),
                        "stated_year": src.proxy.stated_year,
                    },
                    "duration_years": src.duration_years,
                    "deadweight_pct": _num(src.deadweight_pct),
                    "displacement_pct": _num(src.displacement_pct),
                    "attribution_pct": _num(src.attribution_pct),
                    "drop_off_pct": _num(src.drop_off_pct),
                    "impact": _money(o.impact),
                    "values_by_year": [_money(v) for v in o.values_by_year],
                    "present_values_by_year": [_money(v) for v in o.present_values_by_year],
                    "present_value": _money(o.present_value),
                }
                for o, src in zip(self.outcomes, self.input.outcomes, strict=True)
            ],
            "years": [
                {
                    "year": y.year,
                    "value": _money(y.value),
                    "discount_factor": float(y.discount_factor.quantize(FACTOR, ROUND_HALF_UP)),
                    "present_value": _money(y.present_value),
                }
                for y in self.years
            ],
            "total_present_value": _money(self.total_present_value),
            "net_present_value": _money(self.net_present_value),
            "sroi_ratio": _ratio(self.sroi_ratio),
            "net_sroi_ratio": _ratio(self.net_sroi_ratio),
            "payback_months": (
                None
                if self.payback_months is None
                else float(self.payback_months.quantize(MONTH, ROUND_HALF_UP))
            ),
            "sensitivity": [
                {
                    "assumption": c.assumption,
                    "change": c.change,
                    "sroi_ratio": _ratio(c.sroi_ratio),
                    "below_one": c.below_one,
                }
                for c in self.sensitivity
            ],
            "below_one_if": [f"{c.assumption} {c.change}" for c in self.sensitivity if c.below_one],
        }


def _money(value: Decimal) -> float:
    return float(value.quantize(PENNY, ROUND_HALF_UP))


def _ratio(value: Decimal) -> float:
    return float(value.quantize(RATIO, ROUND_HALF_UP))


def _num(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


# --- Calculation -----------------------------------------------------------------------------


def _fraction(pct: Decimal) -> Decimal:
    return pct / HUNDRED


def outcome_impact(o: OutcomeInput) -> Decimal:
    """Quantity × proxy, less deadweight, displacement and attribution (each a share, 0–1)."""
    return (
        o.quantity
        * o.proxy.value
        * (1 - _fraction(o.deadweight_pct))
        * (1 - _fraction(o.displacement_pct))
        * (1 - _fraction(o.attribution_pct))
    )


def discount_factor(year: int, *, rate_pct: Decimal, first_year_discounted: bool) -> Decimal:
    """What one pound in `year` (1, 2, …) is worth today: 1 ÷ (1 + r)^t."""
    exponent = year if first_year_discounted else year - 1
    return 1 / (1 + _fraction(rate_pct)) ** exponent


def _values_by_year(o: OutcomeInput, impact: Decimal) -> list[Decimal]:
    keep = 1 - _fraction(o.drop_off_pct)
    return [impact * keep ** (t - 1) for t in range(1, o.duration_years + 1)]


def _present_value(data: SROIInput) -> Decimal:
    total = Decimal(0)
    for o in data.outcomes:
        for t, value in enumerate(_values_by_year(o, outcome_impact(o)), start=1):
            total += value * discount_factor(
                t,
                rate_pct=data.discount_rate_pct,
                first_year_discounted=data.first_year_discounted,
            )
    return total


def _require_investment(data: SROIInput) -> Decimal:
    investment = data.total_investment
    if investment <= 0:
        raise DomainError(
            code="sroi_ratio_undefined",
            message=(
                "The SROI ratio cannot be worked out without an investment: enter what each "
                "partner put in, in money or valued in kind, and make the total more than £0."
            ),
            field="investments",
        )
    return investment


def _payback_months(pv_by_year: list[Decimal], investment: Decimal) -> Decimal | None:
    """Months until cumulative present value covers the investment; None if it never does."""
    cumulative = Decimal(0)
    for index, pv in enumerate(pv_by_year):
        if pv > 0 and cumulative + pv >= investment:
            return Decimal(12 * index) + 12 * (investment - cumulative) / pv
        cumulative += pv
    return None


def _ratio_for(data: SROIInput) -> Decimal:
    return _present_value(data) / data.total_investment


def _clamp_pct(value: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), HUNDRED)


def _with_outcomes(data: SROIInput, **change) -> SROIInput:
    """A copy of the input with every outcome changed by the functions in `change`."""
    outcomes = tuple(
        replace(o, **{name: fn(o) for name, fn in change.items()}) for o in data.outcomes
    )
    return replace(data, outcomes=outcomes)


def _points(name: str, delta: int):
    return {name: lambda o: _clamp_pct(getattr(o, name) + delta)}


SENSITIVITY_CASES = (
    # (assumption, change, function making the varied input)
    *(
        (label, f"{sign}10 points", lambda d, n=name, s=delta: _with_outcomes(d, **_points(n, s)))
        for label, name in (
            ("Deadweight", "deadweight_pct"),
            ("Displacement", "displacement_pct"),
            ("Attribution", "attribution_pct"),
            ("Drop-off", "drop_off_pct"),
        )
        for sign, delta in (("+", 10), ("−", -10))
    ),
    (
        "Financial proxies",
        "+25 %",
        lambda d: _with_outcomes(d, proxy=lambda o: replace(o.proxy, value=o.proxy.value * 5 / 4)),
    ),
    (
        "Financial proxies",
        "−25 %",
        lambda d: _with_outcomes(d, proxy=lambda o: replace(o.proxy, value=o.proxy.value * 3 / 4)),
    ),
    (
        "Duration",
        "−1 year",
        lambda d: _with_outcomes(d, duration_years=lambda o: max(o.duration_years - 1, 0)),
    ),
    ("Discount rate", "0 %", lambda d: replace(d, discount_rate_pct=Decimal(0))),
    ("Discount rate", "7 %", lambda d: replace(d, discount_rate_pct=Decimal(7))),
)


def sensitivity(data: SROIInput) -> tuple[SensitivityCase, ...]:
    """The SROI ratio with each assumption varied on every outcome at once, the rest unchanged.

    Percentages move by 10 points and stay within 0–100; proxies by 25 %; every duration is
    shortened by one year (not below 0); the discount rate is set to 0 % and to 7 %.
    """
    _require_investment(data)
    cases = []
    for assumption, change, make in SENSITIVITY_CASES:
        ratio = _ratio_for(make(data))
        cases.append(SensitivityCase(assumption, change, ratio, ratio < 1))
    return tuple(cases)


def calculate(data: SROIInput) -> SROIResult:
    """Work out the whole SROI calculation for a checked input.

    Raises DomainError `sroi_ratio_undefined` when the total investment is zero.
    """
    with localcontext() as ctx:
        ctx.prec = 28
        investment = _require_investment(data)
        outcome_results = []
        horizon = max((o.duration_years for o in data.outcomes), default=0)
        year_values = [Decimal(0)] * horizon
        year_pvs = [Decimal(0)] * horizon
        factors = [
            discount_factor(
                t, rate_pct=data.discount_rate_pct, first_year_discounted=data.first_year_discounted
            )
            for t in range(1, horizon + 1)
        ]
        for o in data.outcomes:
            impact = outcome_impact(o)
            values = _values_by_year(o, impact)
            pvs = [v * factors[i] for i, v in enumerate(values)]
            for i, (v, pv) in enumerate(zip(values, pvs, strict=True)):
                year_values[i] += v
                year_pvs[i] += pv
            outcome_results.append(
                OutcomeResult(o.name, o.stakeholder, impact, tuple(values), tuple(pvs), sum(pvs))
            )
        total_pv = sum(year_pvs, Decimal(0))
        npv = total_pv - investment
        result = SROIResult(
            input=data,
            outcomes=tuple(outcome_results),
            years=tuple(
                YearResult(t + 1, year_values[t], factors[t], year_pvs[t]) for t in range(horizon)
            ),
            total_investment=investment,
            total_present_value=total_pv,
            net_present_value=npv,
            sroi_ratio=total_pv / investment,
            net_sroi_ratio=npv / investment,
            payback_months=_payback_months(year_pvs, investment),
            sensitivity=sensitivity(data),
        )
    _check_magnitude(result)
    return result


# Results are shown to the penny in 28 significant digits: anything this big is a slip (a
# deflator index of 0.000001, a quantity in the trillions) and cannot be rounded anyway.
MAX_RESULT = Decimal("1e24")


def _check_magnitude(result: SROIResult) -> None:
    figures = [
        result.total_present_value,
        result.net_present_value,
        result.sroi_ratio,
        result.net_sroi_ratio,
        *(o.impact for o in result.outcomes),
        *(v for y in result.years for v in (y.value, y.present_value)),
        *(c.sroi_ratio for c in result.sensitivity),
    ]
    if any(f.copy_abs() >= MAX_RESULT for f in figures):
        raise DomainError(
            code="sroi_out_of_range",
            message="The figures are too large to work out: the quantities, proxy values and "
            "deflator indices multiply to more than 10^24. Check the numbers and the units.",
        )


def calculate_from_dict(payload: object) -> dict:
    """Check a JSON-style input and return the rounded results: the one entry point for the
    page, the endpoint and the command. Proxies are uprated with the input's own `deflators`,
    or else the series configured for the site (`configured_deflators`)."""
    return calculate(sroi_input_from_dict(payload, deflators=configured_deflators())).to_dict()


# --- Price years -----------------------------------------------------------------------------


def configured_deflators() -> dict[int, Decimal]:
    """The site's deflator series (`SIZES_DEFLATORS_FILE`: CSV with columns year,index), or
    none. SIZES ships no series: the HM Treasury GDP deflators are published as a spreadsheet
    each quarter; a site that wants uprating saves the years it needs as that CSV."""
    try:
        from django.conf import settings

        path = getattr(settings, "SIZES_DEFLATORS_FILE", "")
    except ImportError:  # used outside Django
        return {}
    if not path:
        return {}
    return deflators_from_csv(path)


def deflators_from_csv(path) -> dict[int, Decimal]:
    """Read a deflator series (year,index per line; a header line is allowed)."""
    import csv

    series: dict[int, Decimal] = {}
    problems = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for n, row in enumerate(csv.reader(fh), start=1):
            if not row or (n == 1 and not row[0].strip().isdigit()):
                continue
            try:
                year, index = int(row[0]), Decimal(row[1].strip())
                if not (MIN_PRICE_YEAR <= year <= MAX_PRICE_YEAR and index.is_finite()):
                    raise ValueError
                if index <= 0:
                    raise ValueError
            except (ValueError, IndexError, InvalidOperation):
                problems.append(
                    Problem("deflator_invalid", f"Line {n}: expected a year and a positive index.")
                )
                continue
            series[year] = index
    if problems:
        raise DomainError(
            code="deflators_invalid",
            message=f"The deflator series in {path} has problems.",
            details=problems,
        )
    return series


def uprate(proxy: Proxy, *, price_year: int | None, deflators: dict[int, Decimal]):
    """(the proxy in `price_year` prices, or as stated; a note when its price year differs).

    value in year P = stated value × index(P) ÷ index(stated year), the usual rebasing with a
    GDP deflator. Without both indices the proxy is kept as stated and the note says so."""
    if price_year is None or proxy.year is None or proxy.year == price_year:
        return proxy, None
    if proxy.year in deflators and price_year in deflators:
        value = proxy.value * deflators[price_year] / deflators[proxy.year]
        uprated = replace(
            proxy, value=value, year=price_year, stated_value=proxy.value, stated_year=proxy.year
        )
        return uprated, (
            f"uprated from {proxy.year} to {price_year} prices "
            f"(index {_num(deflators[proxy.year])} → {_num(deflators[price_year])})"
        )
    return proxy, (
        f"in {proxy.year} prices, not uprated to {price_year}: no deflator index for "
        f"{proxy.year if proxy.year not in deflators else price_year}"
    )


# --- Parsing and checking input --------------------------------------------------------------


class _Reader:
    """Collects every problem in an input, so one response can list them all."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, where: str, code: str, message: str) -> None:
        self.problems.append(Problem(code=code, message=message, field=where))

    def text(self, obj: dict, key: str, where: str, label: str, *, required: bool) -> str:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(where, "not_text", f"{label} must be text.")
            return ""
        value = " ".join(value.split())
        if required and not value:
            self.problem(where, "required", f"Enter {label.lower()}.")
        if len(value) > 300:
            self.problem(where, "too_long", f"{label} must be 300 characters or fewer.")
        return value

    def number(
        self,
        obj: dict,
        key: str,
        where: str,
        label: str,
        *,
        required: bool = True,
        default: Decimal | None = None,
        minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None,
        percent: bool = False,
    ) -> Decimal:
        raw = obj.get(key)
        if raw is None or raw == "":
            if required:
                self.problem(where, "required", f"Enter {label.lower()}.")
            return default if default is not None else Decimal(0)
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.problem(where, "not_a_number", f"{label} must be a number.")
            return Decimal(0)
        try:
            value = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            self.problem(where, "not_a_number", f"{label} must be a number, like 12.5.")
            return Decimal(0)
        if not value.is_finite():
            self.problem(where, "not_a_number", f"{label} must be a finite number.")
            return Decimal(0)
        if percent and not (0 <= value <= 100):
            self.problem(
                where, "percent_range", f"{label} must be a percentage from 0 to 100, not {raw}."
            )
            return Decimal(0)
        if minimum is not None and value < minimum:
            self.problem(where, "negative", f"{label} must be {minimum} or more, not {raw}.")
            return Decimal(0)
        if maximum is not None and value > maximum:
            self.problem(where, "too_large", f"{label} must be {maximum} or less, not {raw}.")
            return Decimal(0)
        if value.copy_abs() > MAX_NUMBER:
            self.problem(where, "too_large", f"{label} must be at most {MAX_NUMBER:,.0f}.")
            return Decimal(0)
        if value.as_tuple().exponent < FINEST.as_tuple().exponent:
            value = value.quantize(FINEST)  # 1e-999999 would overflow a ratio; 0.000001 won't
        return value

    def integer(
        self, obj: dict, key: str, where: str, label: str, *, minimum: int, maximum: int, required
    ) -> int | None:
        raw = obj.get(key)
        if raw is None or raw == "":
            if required:
                self.problem(where, "required", f"Enter {label.lower()}.")
            return None
        if isinstance(raw, bool):
            self.problem(where, "not_whole_number", f"{label} must be a whole number.")
            return None
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value != value.to_integral_value():
            self.problem(where, "not_whole_number", f"{label} must be a whole number.")
            return None
        if value.copy_abs() > MAX_NUMBER:  # before int(): 1e999999 would be a million digits
            self.problem(where, "out_of_range", f"{label} must be between {minimum} and {maximum}.")
            return None
        value = int(value)
        if value < 0 and minimum >= 0:
            self.problem(where, "negative", f"{label} cannot be negative ({raw}).")
            return None
        if not (minimum <= value <= maximum):
            self.problem(where, "out_of_range", f"{label} must be between {minimum} and {maximum}.")
            return None
        return value


def _list(r: _Reader, data: dict, key: str, label: str) -> list:
    items = data.get(key)
    if items is None:
        items = []
    if not isinstance(items, list):
        r.problem(key, "not_a_list", f"{label} must be a list.")
        return []
    if len(items) > MAX_ITEMS:
        r.problem(key, "too_many", f"Enter at most {MAX_ITEMS} {label.lower()}.")
        return []
    return items


def _deflators(r: _Reader, raw) -> dict[int, Decimal]:
    """`deflators` in the input: an object of year → positive index."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_ITEMS:
        r.problem(
            "deflators", "not_an_object", 'Deflators must be like {"2019": 100, "2024": 117.3}.'
        )
        return {}
    series = {}
    for key, value in raw.items():
        year = r.integer(
            {"year": key},
            "year",
            "deflators",
            f"Deflator year {key!r}",
            minimum=MIN_PRICE_YEAR,
            maximum=MAX_PRICE_YEAR,
            required=True,
        )
        before = len(r.problems)
        index = r.number({"index": value}, "index", "deflators", f"Deflator index for {key}")
        if year is not None and len(r.problems) == before:
            if index <= 0:
                r.problem("deflators", "not_positive", f"Deflator index for {key} must be above 0.")
            else:
                series[year] = index
    return series


def sroi_input_from_dict(data: object, *, deflators: dict | None = None) -> SROIInput:
    """Check a JSON-style input and build an `SROIInput`, or raise one DomainError listing
    every problem (code `sroi_invalid`; a zero investment alone gives `sroi_ratio_undefined`).

    With a `price_year`, proxies stated in other years' prices are uprated using the input's
    `deflators`, else the `deflators` given here (the site's series)."""
    if not isinstance(data, dict):
        raise DomainError(
            code="sroi_invalid",
            message="The SROI input must be a JSON object with investments and outcomes.",
        )
    r = _Reader()
    title = r.text(data, "title", "title", "Title", required=False)
    rate = r.number(
        data,
        "discount_rate_pct",
        "discount_rate_pct",
        "Discount rate",
        required=False,
        default=DEFAULT_DISCOUNT_RATE_PCT,
        percent=True,
    )
    first = data.get("first_year_discounted", True)
    if not isinstance(first, bool):
        r.problem(
            "first_year_discounted",
            "not_boolean",
            "Say whether the first year is discounted with true or false.",
        )
        first = True

    price_year = r.integer(
        data,
        "price_year",
        "price_year",
        "Price year",
        minimum=MIN_PRICE_YEAR,
        maximum=MAX_PRICE_YEAR,
        required=False,
    )
    series = _deflators(r, data.get("deflators")) if "deflators" in data else (deflators or {})

    investments = []
    raw_investments = _list(r, data, "investments", "Investments")
    for i, item in enumerate(raw_investments):
        where = f"investments[{i}]"
        if not isinstance(item, dict):
            r.problem(where, "not_an_object", f"Investment {i + 1} must be an object.")
            continue
        investments.append(
            Investment(
                partner=r.text(
                    item,
                    "partner",
                    f"{where}.partner",
                    f"Investment {i + 1} partner",
                    required=True,
                ),
                money=r.number(
                    item, "money", f"{where}.money", f"Investment {i + 1} money", required=False
                ),
                in_kind=r.number(
                    item,
                    "in_kind",
                    f"{where}.in_kind",
                    f"Investment {i + 1} in-kind value",
                    required=False,
                ),
                in_kind_description=r.text(
                    item,
                    "in_kind_description",
                    f"{where}.in_kind_description",
                    f"Investment {i + 1} in-kind description",
                    required=False,
                ),
            )
        )

    outcomes = []
    raw_outcomes = _list(r, data, "outcomes", "Outcomes")
    if not raw_outcomes and not any(p.field == "outcomes" for p in r.problems):
        r.problem("outcomes", "required", "Enter at least one outcome to value.")
    for i, item in enumerate(raw_outcomes):
        where = f"outcomes[{i}]"
        n = f"Outcome {i + 1}"
        if not isinstance(item, dict):
            r.problem(where, "not_an_object", f"{n} must be an object.")
            continue
        proxy_raw = item.get("proxy")
        if not isinstance(proxy_raw, dict):
            r.problem(f"{where}.proxy", "required", f"{n} needs a financial proxy with a value.")
            proxy_raw = {}
        proxy = Proxy(
            value=r.number(proxy_raw, "value", f"{where}.proxy.value", f"{n} financial proxy value")
            if proxy_raw
            else Decimal(0),
            unit=r.text(
                proxy_raw, "unit", f"{where}.proxy.unit", f"{n} proxy unit", required=False
            ),
            year=r.integer(
                proxy_raw,
                "year",
                f"{where}.proxy.year",
                f"{n} proxy price year",
                minimum=MIN_PRICE_YEAR,
                maximum=MAX_PRICE_YEAR,
                required=False,
            ),
            source=r.text(
                proxy_raw, "source", f"{where}.proxy.source", f"{n} proxy source", required=False
            ),
        )
        duration = r.integer(
            item,
            "duration_years",
            f"{where}.duration_years",
            f"{n} duration in years",
            minimum=0,
            maximum=MAX_DURATION_YEARS,
            required=True,
        )
        outcomes.append(
            OutcomeInput(
                name=r.text(item, "name", f"{where}.name", f"{n} name", required=True),
                stakeholder=r.text(
                    item, "stakeholder", f"{where}.stakeholder", f"{n} stakeholder", required=True
                ),
                quantity=r.number(item, "quantity", f"{where}.quantity", f"{n} quantity"),
                proxy=proxy,
                duration_years=duration or 0,
                **{
                    key: r.number(
                        item, key, f"{where}.{key}", f"{n} {label}", required=False, percent=True
                    )
                    for key, label in (
                        ("deadweight_pct", "deadweight"),
                        ("displacement_pct", "displacement"),
                        ("attribution_pct", "attribution"),
                        ("drop_off_pct", "drop-off"),
                    )
                },
            )
        )

    if r.problems:
        raise DomainError(
            code="sroi_invalid",
            message="The SROI input has problems; nothing was calculated.",
            details=r.problems,
        )
    notes = []
    for i, o in enumerate(outcomes):
        proxy, note = uprate(o.proxy, price_year=price_year, deflators=series)
        if note:
            notes.append(f"Outcome {i + 1} ({o.name}): proxy {note}.")
            outcomes[i] = replace(o, proxy=proxy)
    stated_years = sorted({o.proxy.year for o in outcomes if o.proxy.year is not None})
    if price_year is None and len(stated_years) > 1:
        notes.append(
            "The proxies are in different years' prices ("
            + ", ".join(str(y) for y in stated_years)
            + "): set price_year (and a deflator series) to put them in one year's prices."
        )
    result = SROIInput(
        investments=tuple(investments),
        outcomes=tuple(outcomes),
        discount_rate_pct=rate,
        first_year_discounted=first,
        title=title,
        price_year=price_year,
        price_notes=tuple(notes),
    )
    _require_investment(result)
    return result
