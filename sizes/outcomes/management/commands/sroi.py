"""`sizes sroi FILE.json`: work out an SROI analysis and print the results as JSON."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sizes.core.errors import DomainError
from sizes.outcomes.sroi import calculate_from_dict


class Command(BaseCommand):
    help = (
        "Work out a Social Return on Investment analysis from a JSON file (investments and "
        "outcomes; see docs/outcomes-and-sroi.md) and print the results as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file with the SROI input.")

    def handle(self, *args, **options):
        name = options["file"]
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Could not read {name}: {exc}") from exc
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
            ) from exc
        except (ValueError, RecursionError) as exc:
            raise CommandError(
                f"{name} is not JSON SIZes can read: a number is too long or the brackets are "
                "nested too deeply."
            ) from exc
        try:
            result = calculate_from_dict(payload)
        except DomainError as exc:
            lines = [exc.message] + [
                f"  {p.field}: {p.message}" if p.field else f"  {p.message}" for p in exc.details
            ]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
