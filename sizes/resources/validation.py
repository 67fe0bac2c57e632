"""Checks on single values, shared by the services and the CSV importer. Pure: no database.

Each raises `DomainError` with a specific code and a plain-English message naming the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from sizes.core.errors import DomainError

STANDARDS = Path(__file__).resolve().parent / "standards"


def max_amount() -> Decimal:
    """The largest amount accepted for one record; anything bigger is taken as a typing slip."""
    return Decimal(str(getattr(settings, "SIZES_MAX_AMOUNT", 1_000_000_000)))


@lru_cache(maxsize=1)
def currencies() -> dict[str, tuple[str, bool]]:
    """ISO 4217 codes from the vendored 360Giving codelist: code -> (title, deprecated)."""
    with open(STANDARDS / "360giving" / "currency.csv", encoding="utf-8", newline="") as f:
        return {
            row["Code"].strip(): (row["Title"].strip(), bool((row.get("Deprecated") or "").strip()))
            for row in csv.DictReader(f)
        }


def check_currency(value, *, field: str = "currency") -> str:
    code = (value or "").strip().upper()
    if not code:
        raise DomainError(
            code="currency_required", message="Enter a currency code, like GBP.", field=field
        )
    known = currencies().get(code)
    if known is None:
        raise DomainError(
            code="currency_unknown",
            message=f"{code[:10]} is not a currency code we know. Use a three-letter ISO 4217 "
            "code, like GBP for pounds sterling.",
            field=field,
        )
    return code


def _decimal(value, *, field: str, label: str) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value if value is not None else "").strip().replace(",", "")
        text = text.lstrip("£€$")
        if not text:
            raise DomainError(code=f"{field}_required", message=f"Enter {label}.", field=field)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise DomainError(
                code=f"{field}_invalid",
                message=f"{label[0].upper()}{label[1:]} must be a number, like 12500.",
                field=field,
            ) from None
    if not number.is_finite():
        raise DomainError(
            code=f"{field}_invalid",
            message=f"{label[0].upper()}{label[1:]} must be a number, like 12500.",
            field=field,
        )
    return number


def check_amount(
    value, *, field: str = "amount", label: str = "the amount", allow_zero: bool = False
) -> Decimal:
    """A positive amount of money, at most `max_amount()`, with at most 2 decimal places."""
    number = _decimal(value, field=field, label=label)
    cap = label[0].upper() + label[1:]
    if number < 0:
        raise DomainError(
            code=f"{field}_negative", message=f"{cap} cannot be negative.", field=field
        )
    if number == 0 and not allow_zero:
        raise DomainError(code=f"{field}_zero", message=f"{cap} must be more than 0.", field=field)
    if number > max_amount():
        # Spell the number out only when it is short: formatting 1E+999999999 in full would
        # build a billion-digit string.
        shown = f" of {number:,.0f}" if number.adjusted() < 21 else ""
        raise DomainError(
            code=f"{field}_absurd",
            message=f"{cap}{shown} is more than {max_amount():,.0f}. Check the "
            "number: it may have extra digits, or be in pence.",
            field=field,
        )
    if number != number.quantize(Decimal("0.01")):
        raise DomainError(
            code=f"{field}_precision",
            message=f"{cap} can have at most 2 decimal places.",
            field=field,
        )
    return number.quantize(Decimal("0.01"))


def check_percent(value, *, field: str = "zone_share_percent") -> Decimal:
    number = _decimal(value, field=field, label="the percentage")
    if number < 0 or number > 100:
        raise DomainError(
            code="percent_out_of_range",
            message=f"The percentage must be between 0 and 100, not {number}.",
            field=field,
        )
    return number.quantize(Decimal("0.01"))


def check_period(start: dt.date | None, end: dt.date | None, *, required: bool = True) -> None:
    if required and (start is None or end is None):
        raise DomainError(
            code="period_required",
            message="Enter when the period starts and ends, or a financial year like 2025-26.",
            field="period_start",
        )
    if start and end and end < start:
        raise DomainError(
            code="period_ends_before_start",
            message=f"The period ends ({end:%-d %B %Y}) before it starts ({start:%-d %B %Y}).",
            field="period_end",
        )


FY_RE = re.compile(r"^(?:FY\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})$", re.IGNORECASE)


def parse_financial_year(value: str) -> tuple[dt.date, dt.date]:
    """ "2025-26", "2025/26" or "2025-2026" -> 1 April 2025 to 31 March 2026 (the UK year)."""
    m = FY_RE.match((value or "").strip())
    if not m:
        raise DomainError(
            code="financial_year_invalid",
            message=f"{(value or '')[:20]!r} is not a financial year. Write it like 2025-26.",
            field="financial_year",
        )
    start = int(m.group(1))
    end = int(m.group(2)) if len(m.group(2)) == 4 else (start // 100) * 100 + int(m.group(2))
    if end != start + 1 or not 1990 <= start <= 2100:
        raise DomainError(
            code="financial_year_invalid",
            message=f"{value[:20]!r} is not a financial year: the second year must follow the "
            "first, like 2025-26.",
            field="financial_year",
        )
    return dt.date(start, 4, 1), dt.date(start + 1, 3, 31)


def parse_date(value: str, *, field: str, label: str) -> dt.date:
    """A date written YYYY-MM-DD (CSV files) or DD/MM/YYYY (spreadsheets in the UK)."""
    text = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DomainError(
        code=f"{field}_invalid",
        message=f"{label[0].upper()}{label[1:]} {text[:20]!r} is not a date. Write it like "
        "2025-04-01.",
        field=field,
    )


# --- organisation identifiers (org-id.guide) -----------------------------------------------

# Scheme -> (pattern for the identifier, what it is, an example). Only UK schemes partners use.
ORG_ID_SCHEMES: dict[str, tuple[str, str, str]] = {
    "GB-LAE": (r"[A-Z]{3}", "an English local authority's 3-letter code", "BIR"),
    "GB-LAS": (r"[A-Z]{3}", "a Scottish local authority's 3-letter code", "EDH"),
    "GB-LAW": (r"[A-Z]{3}", "a Welsh local authority's 3-letter code", "CRF"),
    "GB-CHC": (r"[0-9]{6,7}", "a charity number in England and Wales (6 or 7 digits)", "1234567"),
    "GB-SC": (r"SC[0-9]{6}", "a Scottish charity number (SC and 6 digits)", "SC012345"),
    "GB-NIC": (r"[0-9]{5,6}", "a Northern Ireland charity number", "100123"),
    "GB-COH": (
        r"(?:[0-9]{8}|(?:SC|NI|OC|SO|NC|RC|IP|SP|CE|CS|FC|LP|SL|NL|GE|ZC)[0-9]{6})",
        "a Companies House number (8 digits, or 2 letters and 6 digits)",
        "01234567",
    ),
    "GB-NHS": (r"[A-Z0-9]{3,6}", "an NHS organisation (ODS) code", "QHL"),
    "GB-EDU": (r"[0-9]{6}", "a school's unique reference number (6 digits)", "103456"),
    "GB-MPR": (r"[0-9]{1,6}[A-Z]{0,2}", "a mutual society register number", "12345R"),
    "GB-GOR": (r"[A-Z]{2}[0-9]{3,4}", "a UK public body in the government register", "PB123"),
}


def parse_org_id(value: str) -> tuple[str, str]:
    """Split and check an org-id like "GB-CHC-1234567" -> ("GB-CHC", "1234567")."""
    text = (value or "").strip().upper().replace(" ", "")
    if not text:
        raise DomainError(
            code="org_id_required", message="Enter an identifier, like GB-CHC-1234567.",
            field="org_id",
        )  # fmt: skip
    scheme = next(
        (s for s in sorted(ORG_ID_SCHEMES, key=len, reverse=True) if text.startswith(s + "-")),
        None,
    )
    if scheme is None:
        known = ", ".join(sorted(ORG_ID_SCHEMES))
        raise DomainError(
            code="org_id_scheme_unknown",
            message=f"{text[:30]} does not start with a scheme we know. Start with one of "
            f"{known}, then a hyphen, like GB-CHC-1234567.",
            field="org_id",
        )
    ident = text[len(scheme) + 1 :]
    pattern, what, example = ORG_ID_SCHEMES[scheme]
    if not re.fullmatch(pattern, ident):
        raise DomainError(
            code="org_id_malformed",
            message=f"After {scheme}- enter {what}, like {scheme}-{example}; "
            f"{ident[:20] or 'nothing'} is not in that form.",
            field="org_id",
        )
    return scheme, ident


_MOBILE = re.compile(r"(?:\+44\s?7|\b07)\d{3}\s?\d{6}\b")


def check_contact_route(value: str) -> str:
    """A way to reach the organisation, shown publicly: refuse a personal mobile number."""
    text = (value or "").strip()
    if _MOBILE.search(text.replace("-", "")):
        raise DomainError(
            code="contact_route_personal",
            message="The contact route is shown to everyone: give the organisation's contact "
            "(a web form, a shared mailbox or a switchboard), not a personal mobile number.",
            field="contact_route",
        )
    return text
