"""`sizes import-proxies FILE.csv`: add financial proxies to the library, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sizes.core.errors import DomainError
from sizes.outcomes.proxies import read_proxy_csv
from sizes.outcomes.services import PROXY_COLUMNS, financial_proxies_import


class Command(BaseCommand):
    help = (
        "Import financial proxies from a CSV with the columns "
        + ", ".join(PROXY_COLUMNS)
        + ". Every row is checked; one bad row imports nothing. Values from the HACT Social "
        "Value Bank or the National TOMs are refused unless --licensed says you hold a licence "
        "for this installation."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--licensed",
            action="store_true",
            help="I hold a licence to use restricted values (HACT, National TOMs) here.",
        )

    def handle(self, *args, file, licensed, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Could not read {file}: {exc.strerror or exc}.") from exc
        try:
            count = financial_proxies_import(
                actor=None, rows=read_proxy_csv(data), allow_restricted=licensed
            )
        except DomainError as exc:
            lines = [exc.message] + [f"  {p.message}" for p in exc.details]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(f"Imported {count} financial prox{'y' if count == 1 else 'ies'}.")
