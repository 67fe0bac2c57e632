"""`sizes serve`: serve the site with gunicorn (or Django's dev server with --dev)."""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve SIZes over HTTP with gunicorn (production-grade); --dev for the dev server."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("SIZES_WORKERS", "2"))
        )
        parser.add_argument("--dev", action="store_true", help="Use Django's development server.")

    def handle(self, *args, **options):
        port, host = options["port"], options["host"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        if options["dev"]:
            call_command("runserver", f"{host}:{port}")
            return
        self.stdout.write(f"Serving SIZes at http://{host}:{port}/ (Ctrl+C to stop)")
        cmd = [
            sys.executable, "-m", "gunicorn", "sizes.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(max(1, options["workers"])),
            "--access-logfile", "-",
            "--timeout", "60",
        ]  # fmt: skip
        try:
            completed = subprocess.run(cmd, check=False)  # noqa: S603 - fixed argv, no shell
        except KeyboardInterrupt:
            return
        if completed.returncode not in (0, -2, 130):
            raise CommandError(f"gunicorn stopped with exit code {completed.returncode}.")
