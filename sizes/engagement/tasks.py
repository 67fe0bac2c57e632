"""Background work for engagement: sending email, and turning audit events into notices."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email_task(*, to: str, subject: str, body: str) -> int:
    """Send one plain-text email through the configured email backend."""
    return send_mail(subject, body, None, [to])
