"""`sizes notify`: tell followers what happened (read new audit events, send due emails)."""

from django.core.management.base import BaseCommand

from sizes.engagement.notify import notify_run


class Command(BaseCommand):
    help = (
        "Read new audit events, record notices for the people following each zone, and email "
        "what is due (at once, or the weekly digest). Safe to run as often as you like."
    )

    def handle(self, *args, **options):
        result = notify_run()
        self.stdout.write(
            f"{result['notices']} new notice(s); {result['emails']} email(s) and "
            f"{result['digests']} weekly digest(s) sent."
        )
