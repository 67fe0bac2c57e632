"""Reading the financial proxy library from CSV, for `sizes import-proxies` and the admin's
upload page; both then call `services.financial_proxies_import`, which checks every row and
imports all or nothing.

Columns (a header row, any order): outcome, indicator, stakeholder, value, currency, unit,
price_year, value_type, source, source_url, licence, geography. Required: outcome, value, unit,
price_year, value_type, source, licence.
"""

import csv
import io

from sizes.core.errors import DomainError
from sizes.outcomes.services import PROXY_COLUMNS

REQUIRED = ("outcome", "value", "unit", "price_year", "value_type", "source", "licence")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000


def read_proxy_csv(data: bytes | str) -> list[dict]:
    """Rows of a proxy CSV as dicts keyed by the column names above; DomainError when the file
    cannot be used at all (too big, not UTF-8 text, missing or unknown columns)."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise DomainError(
                code="import_too_large",
                message=f"The file is larger than {MAX_BYTES // 1_048_576} MB.",
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(
                code="import_unreadable",
                message="The file is not UTF-8 text. Save it from your spreadsheet as "
                "'CSV UTF-8' and try again.",
            ) from None
    if "\x00" in data:
        raise DomainError(code="import_unreadable", message="The file is not a CSV text file.")
    try:
        reader = csv.DictReader(io.StringIO(data))
        header = [(h or "").strip().lower().replace(" ", "_") for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        unknown = [h for h in header if h and h not in PROXY_COLUMNS]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing: {', '.join(missing)}")
            if unknown:
                parts.append(f"not recognised: {', '.join(unknown)}")
            raise DomainError(
                code="import_columns",
                message="The header row must name the proxy columns ("
                + "; ".join(parts)
                + f"). Columns: {', '.join(PROXY_COLUMNS)}.",
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise DomainError(
                    code="import_too_many",
                    message=f"The file has more than {MAX_ROWS:,} rows; split it.",
                )
            if None in row:  # more cells than columns
                raise DomainError(
                    code="import_columns",
                    message=f"Line {reader.line_num} has more cells than the header row.",
                )
            rows.append({k: (v or "") for k, v in row.items()})
    except csv.Error as exc:
        raise DomainError(
            code="import_unreadable", message=f"The CSV is malformed: {exc}."
        ) from exc
    if not rows:
        raise DomainError(code="import_empty", message="The file has no rows under its header.")
    return rows
