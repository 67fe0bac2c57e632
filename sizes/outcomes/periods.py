"""Measurement periods: a year, a month, a quarter or a UK financial year.

Accepted spellings (case and spaces do not matter) and what is stored:

    2024          → "2024"        1 Jan 2024 – 31 Dec 2024
    2024-03       → "2024-03"     1 Mar 2024 – 31 Mar 2024
    2024-Q1       → "2024-Q1"     1 Jan 2024 – 31 Mar 2024 (calendar quarters)
    FY 2024/25    → "FY 2024/25"  1 Apr 2024 – 31 Mar 2025 (also "2024/25", "FY2024/2025")
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from sizes.core.errors import DomainError

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")
_FY = re.compile(r"^(?:FY)?(\d{4})/(\d{2}|\d{4})$")

FORMATS = "a year (2024), a month (2024-03), a quarter (2024-Q1) or a financial year (FY 2024/25)"


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def _bad(text: str, why: str = "") -> DomainError:
    return DomainError(
        code="period_format",
        message=f"“{text}” is not a period SIZes understands{why}: use {FORMATS}.",
        field="period",
    )


def parse_period(text: str) -> Period:
    """Parse and normalise a period, or raise DomainError `period_format`."""
    raw = str(text or "").strip()
    t = re.sub(r"\s+", "", raw).upper()
    year = re.match(r"(?:FY)?(\d{4})", t)
    if year and not 1900 <= int(year.group(1)) <= 2100:
        # Checked before building dates: year 0 is not a date at all.
        raise _bad(raw, " (the year must be between 1900 and 2100)")
    if m := _YEAR.match(t):
        y = int(m.group(1))
        result = Period(str(y), date(y, 1, 1), date(y, 12, 31))
    elif m := _MONTH.match(t):
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise _bad(raw, " (the month must be 01 to 12)")
        result = Period(f"{y}-{mo:02d}", date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]))
    elif m := _QUARTER.match(t):
        y, q = int(m.group(1)), int(m.group(2))
        first = 3 * (q - 1) + 1
        last = first + 2
        result = Period(
            f"{y}-Q{q}", date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])
        )
    elif m := _FY.match(t):
        y = int(m.group(1))
        second = m.group(2)
        following = int(second) if len(second) == 4 else (y // 100) * 100 + int(second)
        if following != y + 1:
            raise _bad(raw, " (a financial year runs from one year into the next)")
        result = Period(f"FY {y}/{str(y + 1)[-2:]}", date(y, 4, 1), date(y + 1, 3, 31))
    else:
        raise _bad(raw)
    if not 1900 <= result.start.year <= 2100:
        raise _bad(raw, " (the year must be between 1900 and 2100)")
    return result
