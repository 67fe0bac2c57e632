"""Background work for engagement: sending email, and turning audit events into notices."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email_task(*, to: str, subject: str, body: str, headers: dict | None = None) -> int:
    """Send one plain-text email through the configured email backend."""
    return EmailMessage(subject, body, None, [to], headers=headers or None).send()


@task()
def notify_task() -> dict:
    """Read new audit events, record notices for followers, and send what is due."""
    from sizes.engagement.notify import notify_run

    return notify_run()
