"""`sizes import-indicators FILE.csv --indicator ID`: area values for an indicator, all or
nothing, with the zone's value aggregated from the areas inside it."""

import csv

from django.core.management.base import BaseCommand, CommandError

from sizes.core.errors import DomainError
from sizes.outcomes.models import Indicator
from sizes.outcomes.services import MeasurementRow, measurements_import

HEADERS = {
    "area_code": ("area_code", "area code", "code", "lsoa_code", "ward_code", "area"),
    "period": ("period",),
    "value": ("value",),
    "unit": ("unit",),
}


def read_rows(path: str) -> list[MeasurementRow]:
    """Read a CSV with columns area code, period, value (and optionally unit)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
            columns = {}
            for key, names in HEADERS.items():
                columns[key] = next((fields[n] for n in names if n in fields), None)
            missing = [
                k.replace("_", " ") for k in ("area_code", "period", "value") if not columns[k]
            ]
            if missing:
                raise DomainError(
                    code="import_columns",
                    message=f"The file needs the columns area code, period and value; "
                    f"missing: {', '.join(missing)}.",
                )
            return [
                MeasurementRow(
                    line=i,
                    area_code=row.get(columns["area_code"]) or "",
                    period=row.get(columns["period"]) or "",
                    value=row.get(columns["value"]) or "",
                    unit=(row.get(columns["unit"]) or "") if columns["unit"] else "",
                )
                for i, row in enumerate(reader, start=2)
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DomainError(
            code="import_unreadable", message=f"Could not read {path}: {exc}"
        ) from exc


class Command(BaseCommand):
    help = (
        "Import an indicator's values from a CSV with columns area code, period, value "
        "(optional unit). Unknown area codes stop the import: nothing is imported. The zone's "
        "value is aggregated from the reference areas inside it, weighted by area."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header row.")
        parser.add_argument("--indicator", type=int, required=True, help="The indicator's id.")
        parser.add_argument(
            "--illustrative", action="store_true", help="Label the values as illustrative."
        )

    def handle(self, *args, **options):
        indicator = (
            Indicator.objects.select_related("outcome__zone")
            .filter(pk=options["indicator"])
            .first()
        )
        if indicator is None:
            raise CommandError(f"There is no indicator with the id {options['indicator']}.")
        try:
            rows = read_rows(options["file"])
            report = measurements_import(
                actor=None, indicator=indicator, rows=rows, illustrative=options["illustrative"]
            )
        except DomainError as exc:
            lines = [exc.message] + [f"  {p.message}" for p in exc.details]
            raise CommandError("\n".join(lines)) from exc
        for note in report.notes:
            self.stderr.write(note)
        self.stdout.write(f"Imported {report.summary()}.")
