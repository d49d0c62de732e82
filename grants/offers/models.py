"""A grant offer: one version of the letter for an award, and who accepted it."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.storage import private_storage as core_private_storage
from core.validators import single_line_text
from programmes.models import MONEY

from .workflows import OFFER, OfferStatus

# Kept for the migrations that name it; offer letters are in the one private storage, served only
# by ``offer_pdf``, which checks the user may see the area.
private_storage = core_private_storage


def offer_upload_to(instance, filename):
    return f"offers/{instance.award_id}/offer-{instance.award_id}-v{instance.version}.pdf"


def terms_hash(text: str) -> str:
    """The fingerprint of a letter's exact text: what an acceptance is an acceptance of."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class GrantOffer(models.Model):
    Status = OfferStatus
    workflow = OFFER

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="offers")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ISSUED)
    amount = models.DecimalField(**MONEY)
    # The letter exactly as issued (HTML); the PDF is rendered from it, so the PDF and the text
    # that was accepted can never drift apart. `terms_sha256` is its fingerprint.
    letter_html = models.TextField(blank=True)
    terms_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(storage=core_private_storage, upload_to=offer_upload_to, blank=True)
    imported = models.BooleanField(
        default=False, help_text="Accepted before Our Place: recorded from imported history."
    )
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issue_reason = models.TextField(blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_name = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    accepted_role = models.CharField(max_length=200, blank=True, validators=[single_line_text])
    accepted_terms_sha256 = models.CharField(max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["award", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["award", "version"], name="offer_version_unique"),
            models.UniqueConstraint(
                fields=["award"],
                condition=Q(status__in=["issued", "accepted"]),
                name="one_current_offer_per_award",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | (Q(accepted_at__isnull=False) & ~Q(accepted_name="")),
                name="accepted_offer_records_who_and_when",
            ),
        ]

    def __str__(self):
        return f"Grant offer v{self.version} for {self.award}"

    def get_absolute_url(self):
        return reverse("grants:offer_detail", args=[self.pk])

    @property
    def download_url(self):
        return reverse("grants:offer_pdf", args=[self.pk])

    @property
    def is_current(self):
        return self.status in (self.Status.ISSUED, self.Status.ACCEPTED)
