"""`sizes audit verify`: check the hash chain of the audit trail."""

from django.core.management.base import BaseCommand, CommandError

from sizes.audit.services import audit_verify


class Command(BaseCommand):
    help = "Work with the audit trail. `sizes audit verify` checks every link of the chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"], help="What to do: verify.")

    def handle(self, *args, **options):
        report = audit_verify()
        if not report.ok:
            where = f"event {report.broken_event_id}" if report.broken_event_id else "the chain"
            raise CommandError(
                f"Audit chain broken at {where}: {report.problem} "
                f"({report.checked} earlier event(s) verified)."
            )
        self.stdout.write(f"Audit chain intact: {report.checked} event(s) verified.")
