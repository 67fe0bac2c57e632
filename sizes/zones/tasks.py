"""Background tasks for zones (django-tasks; run by `sizes db_worker`)."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from sizes.core import dbstats
from sizes.zones.services import zones_tick


@task()
def tick_task(reschedule: bool = True) -> dict:
    """Apply the zones' time limits and refresh the database's planner statistics
    (sizes/core/dbstats.py), then book the next run for tomorrow just after midnight.

    The tick is idempotent, so a duplicate booking does no harm. `sizes tick` does the same for
    people who prefer cron.
    """
    result = zones_tick()
    dbstats.refresh()
    if reschedule:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        run_after = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(0, 5)))
        tick_task.using(run_after=run_after).enqueue(reschedule=True)
    return {"marked_review_due": result.marked_review_due, "dissolved": result.dissolved}
