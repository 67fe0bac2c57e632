"""`sizes backup FILE`: a consistent backup of the whole database, safe while the site runs."""

from django.core.management.base import BaseCommand, CommandError

from sizes.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database to FILE (gzip-compressed JSON lines, the same "
        "format on SQLite and PostgreSQL). Consistent while the site keeps running: every table "
        "is read as of one moment. Restore it with `sizes restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup, e.g. sizes-2026-11-29.gz.")
        parser.add_argument("--force", action="store_true", help="Replace FILE if it exists.")

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 1
        try:
            report = backup_write(
                options["file"],
                overwrite=options["force"],
                progress=(lambda text: self.stderr.write(f"  {text}")) if verbose else None,
            )
        except BackupError as exc:
            raise CommandError(f"{exc.message} No backup was written.") from exc
        self.stdout.write(
            f"Backed up {report.rows:,} rows from {report.tables} tables to {report.path} "
            f"({report.size:,} bytes)."
        )
