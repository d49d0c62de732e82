"""Emails for notifications, sent by a worker after the change that caused them committed."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError, transaction
from django.utils import timezone

from .models import Notification

# Worth trying again: the database was busy or unreachable ("database is locked" on the laptop's
# SQLite is an OperationalError), or the mail server refused for now.
TRANSIENT_ERRORS = (OperationalError, SMTPException, ConnectionError, OSError)


@shared_task(
    bind=True,
    name="activity.tasks.notifications_email",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=10,
    # Nobody reads these results, and storing each one is one more write competing for the
    # laptop's SQLite lock (a failed store was logged as the task failing).
    ignore_result=True,
)
def notifications_email(self, entry_id: int) -> int:
    """Email each recipient of an activity entry once. Idempotent: a notification already emailed
    (emailed_at set) is skipped, so a retried or duplicated task sends nothing twice. Transient
    database and mail-server errors are retried with back-off (ten times, up to five minutes
    apart), so a busy database or mail server loses no email."""
    sent = 0
    pending = Notification.objects.filter(entry_id=entry_id, emailed_at__isnull=True).values_list(
        "pk", flat=True
    )
    for pk in pending:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("recipient", "entry", "entry__area")
                .get(pk=pk)
            )
            if notification.emailed_at or not notification.recipient.email:
                continue
            entry = notification.entry
            area = f" ({entry.area.reference} {entry.area.name})" if entry.area else ""
            body = f"{entry.summary}{area}\n"
            if entry.reason:
                body += f"\n{entry.reason}\n"
            body += f"\nSee it in Our Place: {settings.SITE_URL}/notifications/\n"
            send_mail(f"Our Place: {entry.summary}", body, None, [notification.recipient.email])
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent
