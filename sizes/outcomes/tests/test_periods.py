import datetime as dt

import pytest

from sizes.core.errors import DomainError
from sizes.outcomes.periods import parse_period


@pytest.mark.parametrize(
    "text, label, start, end",
    [
        ("2024", "2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-3", "2024-03", dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
        ("2024-02", "2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2024-q4", "2024-Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("FY 2025/26", "FY 2025/26", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("fy2099/2100", "FY 2099/00", dt.date(2099, 4, 1), dt.date(2100, 3, 31)),
        ("2019/20", "FY 2019/20", dt.date(2019, 4, 1), dt.date(2020, 3, 31)),
    ],
)
def test_periods_are_normalised(text, label, start, end):
    p = parse_period(text)
    assert (p.label, p.start, p.end) == (label, start, end)


@pytest.mark.parametrize(
    "text", ["", "24", "2024-13", "2024-Q5", "FY 2025/27", "March 2024", "1800"]
)
def test_bad_periods_are_refused(text):
    with pytest.raises(DomainError) as err:
        parse_period(text)
    assert err.value.code == "period_format"
    assert "FY 2024/25" in err.value.message
