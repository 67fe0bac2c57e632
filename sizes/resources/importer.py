"""Import budgets or assets from a CSV file: a dry run that lists every problem, then an
all-or-nothing commit. One module used by both the `sizes import-budgets` / `import-assets`
commands and the upload page, so both paths behave the same.

The file must be UTF-8 (with or without a byte-order mark); another encoding is detected and
named so the person can re-save it. Column names are matched case-insensitively; missing
required columns and unknown columns are refused before any row is read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from sizes.core.errors import DomainError, Problem, RulesNotMet
from sizes.resources import permissions as perms
from sizes.resources import services
from sizes.resources.models import Asset, AssetKind, Budget, BudgetKind, Visibility
from sizes.zones.permissions import require

KINDS = ("budgets", "assets")

COLUMNS = {
    "budgets": {
        "required": ["service", "amount", "currency", "share_basis", "kind"],
        "optional": [
            "financial_year",
            "period_start",
            "period_end",
            "zone_share_amount",
            "zone_share_percent",
            "visibility",
        ],
    },
    "assets": {
        "required": ["kind", "name", "description"],
        "optional": [
            "lat",
            "lon",
            "area_geojson",
            "location_note",
            "availability",
            "terms",
            "contact_route",
            "visibility",
        ],
    },
}


def max_import_bytes() -> int:
    return int(getattr(settings, "SIZES_MAX_IMPORT_BYTES", 2 * 1024 * 1024))


MAX_ROWS = 5000


@dataclass
class RowProblem:
    row: int  # the line in the file (the header is line 1)
    message: str
    code: str


@dataclass
class ImportPreview:
    kind: str
    rows: list[dict] = field(default_factory=list)  # cleaned fields, ready for the service
    labels: list[str] = field(default_factory=list)  # one line per row, for the preview page
    problems: list[RowProblem] = field(default_factory=list)
    file_problem: str | None = None  # the whole file is unusable (encoding, columns)
    file_code: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problem and bool(self.rows)


def decode(data: bytes) -> str:
    """UTF-8 text of the file; refuse other encodings, naming the one detected."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DomainError(
            code="encoding_not_utf8",
            message="The file is in UTF-16, not UTF-8. Save it as 'CSV UTF-8' and upload it again.",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes  # only when a file is imported

        best = from_bytes(data).best()
        guess = best.encoding if best else "an unknown encoding"
        raise DomainError(
            code="encoding_not_utf8",
            message=f"The file is not UTF-8 (byte {exc.start + 1} cannot be read; it looks like "
            f"{guess}). Save it as 'CSV UTF-8' and upload it again.",
        ) from None


def _choice(value: str, choices, column: str) -> str:
    text = (value or "").strip()
    for v, label in choices:
        if text.lower() in (v, label.lower(), v.replace("_", " ")):
            return v
    allowed = ", ".join(v for v, _ in choices)
    raise DomainError(
        code=f"{column}_invalid",
        message=f"{column} {text[:30]!r} is not one of: {allowed}.",
        field=column,
    )


def _budget_row(raw: dict) -> tuple[dict, tuple, str]:
    from sizes.resources.validation import parse_date

    problems: list[Problem] = []
    args = {
        "service": raw.get("service", ""),
        "amount": raw.get("amount", ""),
        "currency": raw.get("currency", ""),
        "share_basis": raw.get("share_basis", ""),
        "financial_year": raw.get("financial_year") or None,
        "zone_share_amount": raw.get("zone_share_amount") or None,
        "zone_share_percent": raw.get("zone_share_percent") or None,
        "kind": "",
        "visibility": Visibility.PUBLIC,
    }
    for col, choices in (("kind", BudgetKind.choices), ("visibility", Visibility.choices)):
        if raw.get(col) or col == "kind":
            try:
                args[col] = _choice(raw.get(col, ""), choices, col)
            except DomainError as exc:
                problems.append(Problem(exc.code, exc.message, col))
                args[col] = BudgetKind.NEW if col == "kind" else Visibility.PUBLIC
    if not args["financial_year"]:
        for col, label in (("period_start", "period_start"), ("period_end", "period_end")):
            if raw.get(col):
                try:
                    args[col] = parse_date(raw[col], field=col, label=label)
                except DomainError as exc:
                    problems.append(Problem(exc.code, exc.message, col))
    try:
        cleaned = services.budget_fields(**args)
    except DomainError as exc:
        problems += exc.details or [Problem(exc.code, exc.message, exc.field)]
        cleaned = None
    if problems:
        raise RulesNotMet("Row has problems.", problems)
    key = (
        cleaned["service"].lower(),
        cleaned["period_start"],
        cleaned["period_end"],
        cleaned["kind"],
    )
    label = (
        f"{cleaned['service']}, {cleaned['period_start']} to {cleaned['period_end']}: "
        f"{cleaned['currency']} {cleaned['amount']:,.2f} ({cleaned['kind']}, "
        f"{cleaned['visibility']})"
    )
    return cleaned, key, label


def _asset_row(raw: dict) -> tuple[dict, tuple, str]:
    problems: list[Problem] = []
    args = {
        k: raw.get(k, "")
        for k in ("name", "description", "location_note", "availability", "terms", "lat", "lon")
    }
    args["contact_route"] = raw.get("contact_route", "")
    args["area"] = raw.get("area_geojson") or None
    for col, choices, default in (
        ("kind", AssetKind.choices, AssetKind.OTHER),
        ("visibility", Visibility.choices, Visibility.PUBLIC),
    ):
        if raw.get(col) or col == "kind":
            try:
                args[col] = _choice(raw.get(col, ""), choices, col)
            except DomainError as exc:
                problems.append(Problem(exc.code, exc.message, col))
                args[col] = default
    try:
        cleaned = services.asset_fields(**args)
    except DomainError as exc:
        problems += exc.details or [Problem(exc.code, exc.message, exc.field)]
        cleaned = None
    if problems:
        raise RulesNotMet("Row has problems.", problems)
    return cleaned, (cleaned["name"].lower(),), f"{cleaned['name']} ({cleaned['kind']})"


def _existing_keys(kind: str, zone, organisation) -> set[tuple]:
    if kind == "budgets":
        return {
            (b.service.lower(), b.period_start, b.period_end, b.kind)
            for b in Budget.objects.filter(zone=zone, organisation=organisation)
        }
    return {(a.name.lower(),) for a in Asset.objects.filter(zone=zone, organisation=organisation)}


def preview(*, kind: str, data: bytes, zone, organisation) -> ImportPreview:
    """Read and check every row; write nothing."""
    if kind not in KINDS:
        raise DomainError(code="import_kind_invalid", message="Choose budgets or assets.")
    result = ImportPreview(kind=kind)

    def fail(code: str, message: str) -> ImportPreview:
        result.file_problem, result.file_code = message, code
        return result

    if not data:
        return fail("file_empty", "The file is empty.")
    if len(data) > max_import_bytes():
        return fail(
            "file_too_large",
            f"The file is larger than {max_import_bytes() // 1024} KB. Split it into parts.",
        )
    try:
        text = decode(data)
    except DomainError as exc:
        return fail(exc.code, exc.message)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return fail("file_empty", "The file has no header row.")
    columns = [h.strip().lower() for h in header]
    spec = COLUMNS[kind]
    missing = [c for c in spec["required"] if c not in columns]
    unknown = [c for c in columns if c not in spec["required"] + spec["optional"]]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if missing or unknown or repeated:
        parts = []
        if missing:
            parts.append("these required columns are missing: " + ", ".join(missing))
        if unknown:
            parts.append(
                "these columns are not ones we know: " + ", ".join(c or "(blank)" for c in unknown)
            )
        if repeated:
            parts.append("these columns appear twice: " + ", ".join(repeated))
        allowed = ", ".join(spec["required"]) + " (required); " + ", ".join(spec["optional"])
        return fail(
            "columns_wrong",
            "The columns are not right: " + "; ".join(parts) + f". The columns are {allowed}.",
        )  # fmt: skip
    build = _budget_row if kind == "budgets" else _asset_row
    existing = _existing_keys(kind, zone, organisation)
    seen: dict[tuple, int] = {}
    try:
        for line_no, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(result.rows) + len(result.problems) >= MAX_ROWS:
                return fail("too_many_rows", f"The file has more than {MAX_ROWS} rows.")
            if len(cells) != len(columns):
                result.problems.append(
                    RowProblem(
                        line_no,
                        f"Row {line_no} has {len(cells)} cells; the header has {len(columns)}.",
                        "row_cells",
                    )
                )
                continue
            raw = dict(zip(columns, cells, strict=True))
            try:
                cleaned, key, label = build(raw)
            except DomainError as exc:
                for p in exc.details or [Problem(exc.code, exc.message, exc.field)]:
                    where = f" ({p.field})" if p.field else ""
                    result.problems.append(
                        RowProblem(line_no, f"Row {line_no}{where}: {p.message}", p.code)
                    )
                continue
            if key in seen:
                result.problems.append(
                    RowProblem(
                        line_no,
                        f"Row {line_no} repeats row {seen[key]} "
                        + ("(same service, period and kind)." if kind == "budgets"
                           else "(same asset name)."),
                        "row_duplicate",
                    )
                )  # fmt: skip
                continue
            seen[key] = line_no
            if key in existing:
                result.problems.append(
                    RowProblem(
                        line_no,
                        f"Row {line_no}: {organisation.name} has already recorded this in the "
                        "zone.",
                        "row_exists",
                    )
                )
                continue
            result.rows.append(cleaned)
            result.labels.append(label)
    except csv.Error as exc:
        return fail("csv_malformed", f"The file is not a readable CSV file: {exc}.")
    if not result.rows and not result.problems:
        return fail("file_empty", "The file has a header row but no data rows.")
    return result


def commit(*, actor, kind: str, data: bytes, zone, organisation) -> int:
    """Check the whole file again and, only if every row is good, create every record in one
    transaction. Returns how many were created; raises RulesNotMet listing every problem."""
    require(
        perms.can_share_for(actor, zone, organisation),
        f"Only members of {organisation.name}, as a partner in this zone, can import its records.",
    )
    result = preview(kind=kind, data=data, zone=zone, organisation=organisation)
    if result.file_problem:
        raise DomainError(code=result.file_code or "import_invalid", message=result.file_problem)
    if result.problems:
        raise RulesNotMet(
            f"Nothing was imported: {len(result.problems)} problem(s) in the file.",
            [Problem(p.code, p.message) for p in result.problems],
            code="import_invalid",
        )
    create = services.budget_create if kind == "budgets" else services.asset_create
    with transaction.atomic():
        for row in result.rows:
            # Cleaned fields are valid input to the create service (it checks them again).
            create(actor=actor, zone=zone, organisation=organisation, **row)
    return len(result.rows)
