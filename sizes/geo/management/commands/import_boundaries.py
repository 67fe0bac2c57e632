"""`sizes import-boundaries FILE --type ward --code-field … --name-field … [--vintage 2018]`."""

from django.core.management.base import BaseCommand, CommandError

from sizes.core.errors import DomainError
from sizes.geo.importers import import_boundaries
from sizes.geo.models import AreaType

from ._progress import stderr_progress, write_skipped


class Command(BaseCommand):
    help = (
        "Import reference areas (wards, LSOAs, ...) from a GeoJSON FeatureCollection. All or "
        "nothing; re-importing the same type and vintage replaces it, a new vintage is kept "
        "beside the old one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON FeatureCollection of Polygon/MultiPolygon areas.")
        parser.add_argument("--type", required=True, choices=AreaType.values, dest="area_type")
        parser.add_argument("--code-field", required=True, help="Property holding the GSS code.")
        parser.add_argument("--name-field", required=True, help="Property holding the name.")
        parser.add_argument("--vintage", default="", help="Boundary release, e.g. 2018 or 2023.")
        parser.add_argument(
            "--crs",
            default=None,
            help="CRS of the coordinates if not WGS84 longitude/latitude, e.g. EPSG:27700.",
        )

    def handle(self, *args, **options):
        try:
            report = import_boundaries(
                options["file"],
                area_type=options["area_type"],
                code_field=options["code_field"],
                name_field=options["name_field"],
                vintage=options["vintage"],
                crs=options["crs"],
                progress=stderr_progress(self, "Reading areas"),
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} Nothing was imported.") from exc
        write_skipped(self, report)
        self.stdout.write(
            f"Imported {options['area_type']} boundaries (vintage "
            f"{options['vintage'] or 'not given'}): {report.summary()}."
        )
