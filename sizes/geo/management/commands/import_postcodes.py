"""`sizes import-postcodes FILE.csv`: postcode centroids (Code-Point Open / ONSPD style)."""

from django.core.management.base import BaseCommand, CommandError

from sizes.core.errors import DomainError
from sizes.geo.importers import import_postcodes

from ._progress import stderr_progress, write_skipped


class Command(BaseCommand):
    help = (
        "Import postcode centroids from a CSV with columns postcode, latitude, longitude (or "
        "easting, northing in British National Grid) and optional ward/LSOA codes. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header row.")

    def handle(self, *args, **options):
        try:
            report = import_postcodes(
                options["file"], progress=stderr_progress(self, "Reading postcodes")
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} Nothing was imported.") from exc
        write_skipped(self, report)
        self.stdout.write(f"Imported postcodes: {report.summary()}.")
