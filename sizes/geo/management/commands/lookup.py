"""`sizes lookup --postcode "B30 2AA"` or `--point LAT,LON` [`--at DATE`] [`--json`]."""

import json

from django.core.management.base import BaseCommand, CommandError

from sizes.core.errors import DomainError
from sizes.geo.api import lookup_as_json
from sizes.geo.selectors import lookup_point, lookup_postcode


class Command(BaseCommand):
    help = "Say which zones cover a postcode or a point (now, or on a past date)."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--postcode", help='A UK postcode, e.g. "B30 2AA".')
        where.add_argument("--point", help="Latitude and longitude, e.g. 52.4301,-1.9343.")
        parser.add_argument("--at", default=None, help="A date, YYYY-MM-DD: what applied then.")
        parser.add_argument("--json", action="store_true", help="Print the API's JSON answer.")

    def handle(self, *args, **options):
        try:
            if options["postcode"]:
                result = lookup_postcode(options["postcode"], options["at"])
            else:
                parts = options["point"].replace(" ", "").split(",")
                if len(parts) != 2:
                    raise CommandError(
                        "Give the point as LAT,LON, for example --point 52.4301,-1.9343."
                    )
                result = lookup_point(parts[0], parts[1], options["at"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(lookup_as_json(result), indent=2))
            return
        self.stdout.write(result.answer())
        for item in result.in_force:
            self.stdout.write(_line(item))
        if result.proposed:
            self.stdout.write("Proposed zones (in consultation, not yet in force):")
            for item in result.proposed:
                self.stdout.write(_line(item))
        if result.history:
            self.stdout.write("Zones that have ended here (history):")
            for item in result.history:
                self.stdout.write(_line(item))


def _line(item) -> str:
    where = (
        f"inside, {item.distance_m:,.0f} m from the edge"
        if item.membership == "core"
        else f"in the fringe, {item.distance_m:,.0f} m outside the edge"
    )
    return f"  - {item.zone.name} [{item.status}]: {where}"
