"""Emails for invitations, sent by a worker after the invitation was committed."""

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mail
from django.db import OperationalError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.validators import one_line

# Worth trying again: a busy or unreachable database, or a mail server refusing for now.
TRANSIENT_ERRORS = (OperationalError, SMTPException, ConnectionError, OSError)


@shared_task(
    name="accounts.tasks.invitation_email",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=10,
    ignore_result=True,
)
def invitation_email(invitation_id: int) -> bool:
    """Email the invitation's link. Idempotent: an invitation already emailed, used or withdrawn
    is not emailed (again)."""
    from .invitations import invitation_link
    from .models import Invitation

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.emailed_at or invitation.state != "pending":
            return False
        context = {"invitation": invitation, "link": invitation_link(invitation)}
        send_mail(
            # A subject is one line, whatever was stored in the name before the single-line rule.
            one_line(f"Join {invitation.organisation.name} on Our Place"),
            render_to_string("accounts/invitation_email.txt", context),
            None,
            [invitation.email],
        )
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
    return True
