"""Email: every message goes out through a background task (see `tasks.send_email_task`)."""

from django.conf import settings

from sizes.engagement.tasks import send_email_task


def absolute(path: str) -> str:
    """A link people can follow from their email."""
    return settings.SIZES_SITE_URL + path


def email_enqueue(*, to: str, subject: str, body: str) -> None:
    """Queue one email; nothing is sent to an empty address."""
    if to:
        send_email_task.enqueue(to=to, subject=subject, body=body)
