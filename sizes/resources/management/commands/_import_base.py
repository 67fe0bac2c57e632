"""Shared body of `sizes import-budgets` and `sizes import-assets` (see importer.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sizes.accounts.models import User
from sizes.core.errors import DomainError
from sizes.partners.models import Organisation
from sizes.resources import importer
from sizes.zones.models import Zone


class ImportCommand(BaseCommand):
    kind = "budgets"

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument("--zone", required=True, help="The zone's slug.")
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument(
            "--as-user",
            dest="as_user",
            help="Username of the member importing (recorded in the audit trail). Defaults to "
            "the first approved member of the organisation.",
        )
        parser.add_argument(
            "--commit",
            action="store_true",
            help="Write the rows. Without it the file is only checked (a dry run).",
        )

    def handle(self, *args, file, zone, organisation, as_user=None, commit=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        zone_obj = Zone.objects.filter(slug=zone).first()
        if zone_obj is None:
            raise CommandError(f"There is no zone with the slug {zone!r}.")
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"There is no organisation with the slug {organisation!r}.")
        data = path.read_bytes()
        result = importer.preview(kind=self.kind, data=data, zone=zone_obj, organisation=org)
        if result.file_problem:
            raise CommandError(result.file_problem)
        for label in result.labels:
            self.stdout.write(f"  ok: {label}")
        for p in result.problems:
            self.stderr.write(f"  {p.message}")
        if result.problems:
            raise CommandError(
                f"{len(result.problems)} problem(s) found; nothing was written. Correct the file "
                "and run again."
            )
        if not commit:
            self.stdout.write(
                f"Dry run: {len(result.rows)} {self.kind} would be added to {zone_obj.name} for "
                f"{org.name}. Run again with --commit to write them."
            )
            return
        actor = self._actor(org, as_user)
        try:
            count = importer.commit(
                actor=actor, kind=self.kind, data=data, zone=zone_obj, organisation=org
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Added {count} {self.kind} to {zone_obj.name} for {org.name}.")

    def _actor(self, org, username):
        qs = User.objects.filter(
            memberships__organisation=org, memberships__status="approved", is_active=True
        )
        if username:
            qs = User.objects.filter(username=username)
        actor = qs.order_by("pk").first()
        if actor is None:
            raise CommandError(
                f"No approved member of {org.name} to record the import against"
                + (f" (no user {username!r})." if username else ".")
            )
        return actor
