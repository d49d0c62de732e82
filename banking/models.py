"""Bank accounts of organisations: where a grant's money goes, and who confirmed it.

One row per set of details an organisation gives. A change is a new row, never an edit, so the
history of where money went stays (each paid payment points at its row: grants.Payment.paid_to).
The services in ``banking/services.py`` are the only writers of ``status``.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.validators import single_line_text

from .workflows import BANK_ACCOUNT, BankAccountStatus

MASK = "****"


class BankAccount(models.Model):
    Status = BankAccountStatus
    workflow = BANK_ACCOUNT

    organisation = models.ForeignKey(
        "programmes.Organisation", on_delete=models.PROTECT, related_name="bank_accounts"
    )
    account_name = models.CharField(max_length=140, validators=[single_line_text])
    # Stored normalised: six and eight digits (banking.services.normalise_* accept spaces and
    # hyphens as people type them).
    sort_code = models.CharField(
        max_length=6,
        validators=[RegexValidator(r"\A[0-9]{6}\Z", "A sort code is six digits.")],
    )
    account_number = models.CharField(
        max_length=8,
        validators=[RegexValidator(r"\A[0-9]{8}\Z", "An account number is eight digits.")],
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # The confirmed account this one replaces (None: the organisation's first account).
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The call-back that confirmed it: who was called, on which number (one the programme
    # already held, not one given with the new details), and when.
    callback_contact = models.CharField(
        "person called", max_length=120, blank=True, validators=[single_line_text]
    )
    callback_number = models.CharField(
        "number called", max_length=30, blank=True, validators=[single_line_text]
    )
    callback_at = models.DateTimeField("called at", null=True, blank=True)
    callback_note = models.TextField("call-back note", blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_reason = models.TextField(blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sort_code__regex=r"^[0-9]{6}$"), name="bank_sort_code_six_digits"
            ),
            models.CheckConstraint(
                condition=Q(account_number__regex=r"^[0-9]{8}$"),
                name="bank_account_number_eight_digits",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in BankAccountStatus]),
                name="bank_account_status_valid",
            ),
            # Money goes to one account at a time, and one change waits at a time.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="confirmed"),
                name="bank_one_confirmed_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="pending"),
                name="bank_one_pending_per_organisation",
            ),
            # Four eyes in the database too: a confirmed account was confirmed, with a call-back,
            # by somebody other than whoever entered it.
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "superseded"])
                | (
                    Q(confirmed_by__isnull=True)
                    | Q(entered_by__isnull=True)
                    | ~Q(confirmed_by=F("entered_by"))
                ),
                name="bank_confirmed_by_another",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "superseded"])
                | (Q(confirmed_at__isnull=False) & ~Q(callback_contact="")),
                name="bank_confirmed_with_callback",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="bank_org_status_idx")]

    def __str__(self):
        return f"{self.account_name} {self.sort_code_display} {self.masked_number}"

    @property
    def sort_code_display(self) -> str:
        s = self.sort_code
        return f"{s[0:2]}-{s[2:4]}-{s[4:6]}" if len(s) == 6 else s

    @property
    def last4(self) -> str:
        return self.account_number[-4:]

    @property
    def masked_number(self) -> str:
        return masked(self.account_number)

    def get_absolute_url(self):
        return reverse("banking:organisation_bank", args=[self.organisation_id])


def masked(account_number: str | None) -> str:
    """An account number as everyone but finance officers sees it: its last four digits."""
    return f"{MASK}{account_number[-4:]}" if account_number else ""
