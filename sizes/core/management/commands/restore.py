"""`sizes restore FILE`: replace the database with a backup made by `sizes backup`."""

from django.core.management.base import BaseCommand, CommandError

from sizes.audit.services import audit_verify
from sizes.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `sizes backup` into this database: all of it or nothing. The "
        "whole file is checked first; a damaged, truncated or foreign file is refused. Refuses "
        "a database that already holds data unless --force (which replaces everything in it). "
        "An empty database is migrated first. Then checks the audit chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup made by `sizes backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that already holds data.",
        )

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 1
        try:
            report = backup_restore(
                options["file"],
                force=options["force"],
                progress=(lambda text: self.stderr.write(f"  {text}")) if verbose else None,
            )
        except BackupError as exc:
            raise CommandError(f"{exc.message} Nothing was changed.") from exc
        header = report.header
        self.stdout.write(
            f"Restored {report.rows:,} rows in {report.tables} tables from {report.path} "
            f"(made {header['created_at']} from a {header['database']} database)."
        )
        chain = audit_verify()
        if not chain.ok:
            raise CommandError(
                f"Restored, but the audit chain does not verify: {chain.problem} "
                f"(event {chain.broken_event_id}). The backup itself was damaged before it was "
                "made; keep the file and investigate."
            )
        self.stdout.write(f"Audit chain intact: {chain.checked} event(s) verified.")
