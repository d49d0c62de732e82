"""Emails for notifications, sent by a worker after the change that caused them committed.

Each notification is emailed once: the task locks its row, skips it when `emailed_at` is set,
sends, and sets `emailed_at` in the same transaction. So a redelivered or duplicated message
(the outbox sending it again, a worker lost mid-task) sends nothing already sent, and two
deliveries at once queue on the row lock. That makes `acks_late` with `reject_on_worker_lost`
safe here. What no design removes is the instant between the mail server accepting a message and
the commit of `emailed_at`: a worker killed exactly then sends that one email again on
redelivery (at least once, never lost); it carries the same Message-ID both times, so mail
clients that deduplicate show it once. A message that kills its worker every time it is delivered
stops after MAX_ATTEMPTS (each attempt is counted in its own commit before sending).

One recipient never stops the others: each notification is sent on its own, and an error
sending one is kept on it (`email_error`) while the task goes on to the next. A refusal "for now"
(a busy database, a mail server down or answering 4xx) is tried again: once the others are sent,
the task is retried with back-off, and the retry finds only what is still unsent. A refusal that
cannot pass (a 5xx, a message that cannot be built) is marked failed at once (`email_failed_at`),
and so is a transient one still failing after the last retry; the admin lists failed emails with
their error and can send them again.
"""

import logging
from datetime import timedelta
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import OperationalError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from core.outbox import outbox_add
from core.validators import one_line

from .kinds import Delivery
from .models import Notification, NotificationPreference

# Worth trying again: the database was busy or unreachable ("database is locked" on the laptop's
# SQLite is an OperationalError), or the mail server refused for now.
TRANSIENT_ERRORS = (OperationalError, SMTPException, ConnectionError, OSError)
MAX_RETRIES = 10
# Attempts per notification before it is given up: every retry, plus redeliveries after a lost
# worker.
MAX_ATTEMPTS = MAX_RETRIES + 3
logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="activity.tasks.notifications_email",
    acks_late=True,
    # Delivered again if its worker process dies mid-task: safe, see the module's docstring.
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    # Nobody reads these results, and storing each one is one more write competing for the
    # laptop's SQLite lock (a failed store was logged as the task failing).
    ignore_result=True,
)
def notifications_email(self, entry_id: int) -> int:
    """Email each recipient of an activity entry once, if they hear about its kind straight away
    (see `NotificationPreference`: digest kinds wait for the daily digest, "off" kinds are never
    emailed) and it is not already resolved. The email links to the item itself. Idempotent: a
    notification already emailed (emailed_at set) is skipped, so a retried or duplicated task
    sends nothing twice. Transient database and mail-server errors are retried with back-off
    (ten times, up to five minutes apart), so a busy database or mail server loses no email."""
    sent = 0
    waiting: list[tuple[int, BaseException]] = []
    pending = (
        Notification.objects.filter(
            entry_id=entry_id,
            emailed_at__isnull=True,
            resolved_at__isnull=True,
            email_failed_at__isnull=True,
        )
        .exclude(
            Exists(
                NotificationPreference.objects.filter(
                    user=OuterRef("recipient"), kind=OuterRef("kind")
                ).exclude(delivery=Delivery.IMMEDIATE)
            )
        )
        .values_list("pk", flat=True)
    )
    for pk in pending:
        if not _count_attempt(pk):
            continue
        try:
            if _email_one(pk):
                sent += 1
        except Exception as exc:  # noqa: BLE001 - kept on the notification; the others go on
            if is_transient(exc):
                _email_error(pk, exc)
                waiting.append((pk, exc))
            else:
                logger.exception("Notification %s cannot be emailed; marked failed.", pk)
                _email_error(pk, exc, failed=True)
    if waiting:
        if self.request.retries >= self.max_retries:
            for pk, exc in waiting:
                logger.error("Notification %s still refused after the retries: %s", pk, exc)
                _email_error(pk, exc, failed=True)
        else:
            # Retried with back-off (autoretry_for); what was sent is not sent again.
            raise waiting[0][1]
    return sent


def is_transient(exc: BaseException) -> bool:
    """Whether sending again later may succeed: a busy or unreachable database or mail server,
    or an SMTP refusal in the 4xx range. A 5xx refusal, or an error building the message (a
    header with a line break), fails the same way every time."""
    if isinstance(exc, SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, TRANSIENT_ERRORS)


def _describe(exc: BaseException) -> str:
    """The error as the admin shows it: its type and text, an SMTP reply decoded."""
    if isinstance(exc, SMTPRecipientsRefused):
        refusals = "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        )
        return f"{type(exc).__name__}: {refusals}"
    if isinstance(exc, SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _email_error(pk: int, exc: BaseException, *, failed: bool = False) -> None:
    """Keep the error on the notification, and mark it failed (given up) when `failed`."""
    fields = {"email_error": _describe(exc)[:2000]}
    if failed:
        fields["email_failed_at"] = timezone.now()
    Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(**fields)


PREFERENCES_LINE = "Choose which emails you get, and how often: "
# A digest collects what arrived over this many days at most (older unsent notifications, e.g.
# of a kind just switched from "off", are left in the app).
DIGEST_DAYS = 7


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + (path or reverse("activity:notifications"))


def digest_pending():
    """Notifications waiting for a daily digest: not emailed, read or resolved, of a kind their
    recipient chose the digest for, from the last DIGEST_DAYS days."""
    since = timezone.now() - timedelta(days=DIGEST_DAYS)
    return Notification.objects.filter(
        emailed_at__isnull=True,
        read_at__isnull=True,
        resolved_at__isnull=True,
        email_failed_at__isnull=True,
        entry__created_at__gte=since,
    ).filter(
        Exists(
            NotificationPreference.objects.filter(
                user=OuterRef("recipient"), kind=OuterRef("kind"), delivery=Delivery.DIGEST
            )
        )
    )


@shared_task(name="activity.tasks.notifications_digest_daily", acks_late=True, ignore_result=True)
def notifications_digest_daily() -> int:
    """Every morning (Celery beat): one digest email per person who has something waiting for
    it, each handed to the outbox (so a broker outage delays it, never loses it). Returns how
    many were queued."""
    users = list(digest_pending().order_by().values_list("recipient_id", flat=True).distinct())
    with transaction.atomic():
        for user_id in users:
            outbox_add(
                task="activity.tasks.notifications_digest_send",
                args=[user_id],
                description=f"Daily notification digest for user {user_id}",
            )
    return len(users)


@shared_task(
    bind=True,
    name="activity.tasks.notifications_digest_send",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=10,
    ignore_result=True,
)
def notifications_digest_send(self, user_id: int) -> int:
    """Send one person's daily digest: every notification waiting for it, one line and link
    each, in one email; they are then marked emailed (under their row locks, so a duplicated
    task finds nothing left and sends nothing), or failed when the email cannot be sent at all.
    Returns how many it listed."""
    with transaction.atomic():
        rows = list(
            digest_pending()
            .filter(recipient_id=user_id)
            .select_for_update(of=("self",))
            .select_related("recipient", "entry", "entry__area")
            .order_by("entry__occurred_at", "pk")
        )
        if not rows or not rows[0].recipient.email:
            return 0
        lines = []
        for n in rows:
            area = f" ({n.entry.area.reference} {n.entry.area.name})" if n.entry.area else ""
            lines.append(f"- {n.entry.summary}{area}\n  {_absolute(n.link)}")
        body = (
            f"What happened in Our Place since your last digest ({len(rows)}):\n\n"
            + "\n".join(lines)
            + f"\n\nAll your notifications: {_absolute(reverse('activity:notifications'))}\n"
            + f"{PREFERENCES_LINE}{_absolute(reverse('activity:preferences'))}\n"
        )
        subject = f"Our Place: your daily digest ({len(rows)} notification{'s' if len(rows) != 1 else ''})"
        listed = Notification.objects.filter(pk__in=[n.pk for n in rows])
        try:
            send_mail(subject, body, None, [rows[0].recipient.email])
        except Exception as exc:
            if is_transient(exc):
                raise  # retried with back-off; unsent, they wait for tomorrow's digest at worst
            # It would fail the same way every morning (an address stored with a line break):
            # marked failed, where the admin lists it.
            logger.exception("The digest for user %s cannot be sent; marked failed.", user_id)
            listed.update(email_failed_at=timezone.now(), email_error=_describe(exc)[:2000])
            return 0
        listed.update(emailed_at=timezone.now())
    return len(rows)


def _count_attempt(pk: int) -> bool:
    """Count one attempt at emailing the notification, committed before sending. False when it
    was emailed meanwhile or has had its attempts."""
    counted = Notification.objects.filter(
        pk=pk, emailed_at__isnull=True, email_attempts__lt=MAX_ATTEMPTS
    ).update(email_attempts=F("email_attempts") + 1)
    if not counted:
        given_up = Notification.objects.filter(
            pk=pk, emailed_at__isnull=True, email_failed_at__isnull=True
        ).update(
            email_failed_at=timezone.now(),
            email_error=f"Given up after {MAX_ATTEMPTS} attempts: the worker was lost each time.",
        )
        if given_up:
            logger.error(
                "Notification %s was not emailed after %s attempts; given up.", pk, MAX_ATTEMPTS
            )
    return bool(counted)


def message_id(notification: Notification) -> str:
    """The same Message-ID every time this notification is emailed."""
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "ourplace.local"
    return f"<notification-{notification.pk}.{notification.entry_id}@{host}>"


def _email_one(pk: int) -> bool:
    """Email one notification under its row lock, unless it was emailed meanwhile."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "entry", "entry__area")
            .get(pk=pk)
        )
        if notification.emailed_at or notification.resolved_at or not notification.recipient.email:
            return False
        entry = notification.entry
        area = f" ({entry.area.reference} {entry.area.name})" if entry.area else ""
        body = f"{entry.summary}{area}\n"
        if entry.reason:
            body += f"\n{entry.reason}\n"
        body += f"\nSee it in Our Place: {_absolute(notification.link)}\n"
        body += f"\n{PREFERENCES_LINE}{_absolute(reverse('activity:preferences'))}\n"
        EmailMessage(
            # The summary may name someone whose name was stored with a line break before the
            # single-line rule: a subject is one line.
            one_line(f"Our Place: {entry.summary}"),
            body,
            None,
            [notification.recipient.email],
            headers={"Message-ID": message_id(notification)},
        ).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
