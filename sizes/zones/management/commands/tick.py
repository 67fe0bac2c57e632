"""`sizes tick`: apply time limits (review due, automatic dissolution), then refresh the
database's planner statistics (sizes/core/dbstats.py). Idempotent; for cron."""

from django.core.management.base import BaseCommand

from sizes.core import dbstats
from sizes.zones.services import zones_tick


class Command(BaseCommand):
    help = "Mark zones whose review date has come as review due; dissolve unreviewed ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Also book the daily background task (run the worker with `sizes db_worker`).",
        )

    def handle(self, *args, **options):
        result = zones_tick()
        self.stdout.write(
            f"{result.marked_review_due} zone(s) now due for review; "
            f"{result.dissolved} zone(s) dissolved after the grace period; "
            f"{result.variations_ended} variation(s) ended on their end date."
        )
        seconds = dbstats.refresh()
        self.stdout.write(f"Database statistics refreshed in {seconds:.1f} s.")
        if options["schedule"]:
            from sizes.zones.tasks import tick_task

            tick_task.enqueue(reschedule=True)
            self.stdout.write("Daily tick booked for the background worker.")
