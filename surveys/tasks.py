"""Survey emails (the invitation and each reminder) and the daily round of invitations,
reminders and closing."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mail
from django.db import OperationalError, transaction

from core.validators import one_line

from . import services
from .links import invitation_url
from .models import Invitation

TRANSIENT_ERRORS = (OperationalError, SMTPException, ConnectionError, OSError)


def _body(invitation: Invitation, number: int) -> tuple[str, str]:
    survey = invitation.survey
    greeting = f"Dear {invitation.name}," if invitation.name else "Hello,"
    opening = (
        "A reminder: we would still like to hear from you."
        if number > 1
        else f"We are asking the {survey.get_audience_display().lower()} about the programme."
    )
    body = (
        f"{greeting}\n\n{opening}\n\n{survey.introduction}\n\n"
        f"Your answers are about {invitation.area.reference} {invitation.area.name}. "
        f"Your personal link (no account needed; please do not share it):\n"
        f"{invitation_url(invitation)}\n\n"
        f"The survey closes on {survey.closes_on:%-d %B %Y}.\n"
    )
    subject = ("Reminder: " if number > 1 else "") + f"Our Place: {survey.title}"
    # A subject is one line, whatever was stored in the title before the single-line rule.
    return one_line(subject), body


@shared_task(
    name="surveys.tasks.invitation_email",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=10,
    ignore_result=True,
)
def invitation_email(invitation_id: int, number: int) -> bool:
    """Send email `number` (1 the invitation, then reminders) once: skipped when it went out
    already, or when the person has answered or the link was withdrawn."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("survey", "area")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.emails_sent >= number:
            return False
        if number > 1 and (invitation.answered_at or invitation.revoked_at):
            return False
        subject, body = _body(invitation, number)
        send_mail(subject, body, None, [invitation.email])
        invitation.emails_sent = number
        invitation.save(update_fields=["emails_sent"])
    return True


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def surveys_daily() -> dict:
    """Idempotent: invitations are created once per person, reminders counted per invitation."""
    return services.surveys_daily()
