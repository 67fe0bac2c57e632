"""`sizes demo`: migrate, load the demo (idempotently) and serve the site."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from sizes.demo.loader import DEMO_PASSWORD, PEOPLE, load_demo


class Command(BaseCommand):
    help = "Migrate the database, load the Stirchley and Cotteridge demo, and serve the site."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Only migrate and load the demo."
        )
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--host", default=None)

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        result = load_demo()
        self.stdout.write(
            f"Demo loaded: {result.created_zones} zone(s) and {result.created_people} "
            "account(s) added (existing ones kept)."
        )
        if result.created_people:
            names = ", ".join(p[0] for p in PEOPLE)
            self.stdout.write(f"Demo accounts: {names}; password: {DEMO_PASSWORD}")
        if options["no_serve"]:
            return
        serve_options = {k: options[k] for k in ("port", "host") if options[k] is not None}
        call_command("serve", **serve_options)
