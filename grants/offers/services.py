"""Writes for grant offers. An offer is issued when a stage grant is awarded
(``grants.services.award_grant`` calls ``offer_issue``); the lead organisation accepts it online;
a programme manager may withdraw it or reissue it as a new version. No payment of an award is
approved before its current offer is accepted (``offer_require_accepted``).

Every change is atomic, takes the award's row lock first (the same order as the payment
services), checks the move against ``OFFER`` and writes an activity entry the area can see.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string, select_template
from django.utils import timezone

from accounts.selectors import lead_members
from activity.models import Visibility
from activity.services import activity_record
from core.locking import copy_back, lock
from core.money import pounds
from core.transition import transition
from core.validators import require_single_line
from grants import permissions as grant_perms

from .models import GrantOffer, terms_hash
from .workflows import OFFER

log = logging.getLogger(__name__)

IMPORTED_ACCEPTANCE = "Accepted before Our Place"
NOT_ACCEPTED = (
    "The grant offer has not been accepted yet: the lead organisation must accept version "
    "{version} before any payment of this award is approved."
)


def letter_html(*, award, version: int, issued_at, reason: str = "") -> str:
    """The letter for one version of an award's offer, from its stage's template."""
    area = award.area
    template = select_template(
        [f"grants/offers/letter_{award.stage}.html", "grants/offers/letter_top_up.html"]
    )
    return template.render(
        {
            "award": award,
            "area": area,
            "round": area.round,
            "programme": area.round.programme,
            "payments": list(award.payments.exclude(status="cancelled").order_by("id")),
            "version": version,
            "issued_on": timezone.localdate(issued_at),
            "reason": reason,
        }
    )


def _create(*, award, version: int, actor, when, reason: str, imported: bool) -> GrantOffer:
    html = "" if imported else letter_html(award=award, version=version, issued_at=when)
    extra = (
        {
            "status": GrantOffer.Status.ACCEPTED,
            "accepted_at": when,
            "accepted_name": IMPORTED_ACCEPTANCE,
        }
        if imported
        else {}
    )
    return GrantOffer.objects.create(
        award=award,
        version=version,
        amount=award.amount,
        letter_html=html,
        terms_sha256=terms_hash(html) if html else "",
        imported=imported,
        issued_at=when,
        issued_by=actor if getattr(actor, "pk", None) else None,
        issue_reason=reason,
        **extra,
    )


def offer_issue(*, award, actor, occurred_at=None, imported: bool = False) -> GrantOffer:
    """Issue version 1 of the offer for a new award (called by ``award_grant`` in its
    transaction, with the award's schedule already built). Imported history gets an offer
    recorded as accepted before Our Place, so its payments stay consistent."""
    when = occurred_at or timezone.now()
    offer = _create(award=award, version=1, actor=actor, when=when, reason="", imported=imported)
    if not imported:
        _record_issue(offer, actor=actor, verb="offer.issued", when=occurred_at)
    return offer


def _record_issue(offer: GrantOffer, *, actor, verb: str, when, reason: str = "") -> None:
    award = offer.award
    action = "reissued" if offer.version > 1 else "issued"
    activity_record(
        verb=verb,
        summary=f"{award.get_stage_display()} grant offer of {pounds(offer.amount)} {action} "
        f"(version {offer.version}): waiting for the lead organisation to accept it",
        actor=actor,
        area=award.area,
        reason=reason,
        visibility=Visibility.AREA,
        target=offer,
        occurred_at=when,
        data={"version": offer.version, "terms_sha256": offer.terms_sha256},
        # The decision that made the award already told the lead organisation; a reissue is news.
        notify=lead_members(award.area) if offer.version > 1 else (),
    )


def _lock_offer(offer: GrantOffer):
    award = lock(offer.award, related=("area",))
    locked = lock(offer)
    locked.award = award
    return award, locked


@transaction.atomic
def offer_accept(
    *, offer: GrantOffer, actor, name: str, role: str, terms_sha256: str, occurred_at=None
) -> GrantOffer:
    """The lead organisation accepts this version of the offer: who (the named person and their
    role or job title), when, and the fingerprint of the exact text they were shown, which must
    still be this version's."""
    award, locked = _lock_offer(offer)
    name, role = (name or "").strip(), (role or "").strip()
    accepted_at = occurred_at or timezone.now()

    def accepted(locked):
        # After the table: an offer that cannot be accepted says so before what the form lacks.
        errors = {}
        if not name:
            errors["name"] = "Give the name of the person accepting the offer."
        if not role:
            errors["role"] = "Give their role or job title."
        if errors:
            raise ValidationError(errors)
        require_single_line(name=name, role=role)
        if terms_sha256 != locked.terms_sha256:
            raise ValidationError(
                "This offer letter has changed since you opened it. Read the current version and "
                "accept that one."
            )
        if not award.is_live:
            raise ValidationError("The award has been cancelled, so its offer cannot be accepted.")
        return {
            "accepted_at": accepted_at,
            "accepted_by": actor,
            "accepted_name": name[:200],
            "accepted_role": role[:200],
            "accepted_terms_sha256": terms_sha256,
        }

    # What the offer's notifications asked for (accept it) is resolved: grants/offers/workflows.py.
    transition(
        offer,
        GrantOffer.Status.ACCEPTED,
        workflow=OFFER,
        locked=locked,
        actor=actor,
        verb="offer.accepted",
        summary=f"{award.get_stage_display()} grant offer (version {locked.version}) accepted "
        f"by {name[:200]}, {role[:200]}",
        area=award.area,
        visibility=Visibility.AREA,
        occurred_at=accepted_at,
        data={"version": locked.version, "terms_sha256": terms_sha256},
        changes=accepted,
        relations=("award",),
    )
    return offer


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Say why the offer is being {what}."})
    return reason


@transaction.atomic
def offer_withdraw(*, offer: GrantOffer, actor, reason: str, occurred_at=None) -> GrantOffer:
    """A programme manager withdraws the offer; no payment of the award can then be approved
    until a new version is issued and accepted."""
    reason = _reason(reason, "withdrawn")
    award, locked = _lock_offer(offer)
    withdrawn_at = occurred_at or timezone.now()
    transition(
        offer,
        GrantOffer.Status.WITHDRAWN,
        workflow=OFFER,
        locked=locked,
        actor=actor,
        verb="offer.withdrawn",
        summary=f"{award.get_stage_display()} grant offer (version {locked.version}) withdrawn",
        area=award.area,
        reason=reason,
        visibility=Visibility.AREA,
        occurred_at=withdrawn_at,
        notify=lead_members(award.area),
        changes={"withdrawn_at": withdrawn_at, "withdrawn_reason": reason},
        relations=("award",),
    )
    return offer


@transaction.atomic
def offer_reissue(*, offer: GrantOffer, actor, reason: str, occurred_at=None) -> GrantOffer:
    """A programme manager reissues the offer: a new version, with the award's current amount
    and schedule, supersedes this one and must itself be accepted. The old version can no
    longer be accepted."""
    reason = _reason(reason, "reissued")
    award, locked = _lock_offer(offer)

    def still_live(locked):
        if not award.is_live:
            raise ValidationError("The award has been cancelled, so its offer cannot be reissued.")
        return {}

    transition(
        locked,
        GrantOffer.Status.SUPERSEDED,
        workflow=OFFER,
        actor=actor,
        locked=locked,
        recorded_with="offer.reissued",
        area=award.area,
        changes=still_live,
    )
    latest = award.offers.order_by("-version").values_list("version", flat=True).first()
    new = _create(
        award=award,
        version=(latest or 0) + 1,
        actor=actor,
        when=occurred_at or timezone.now(),
        reason=reason,
        imported=False,
    )
    locked.superseded_by = new
    locked.save(update_fields=["superseded_by"])
    _record_issue(new, actor=actor, verb="offer.reissued", when=occurred_at, reason=reason)
    copy_back(offer, locked, relations=("award",))
    return new


def current_offer_subqueries(award_path: str = "award") -> dict:
    """Annotations giving each row the status and version of its award's current offer (the
    latest not superseded), so a page previewing many approvals asks no query per payment; see
    ``offer_require_accepted``'s ``current``."""
    current = (
        GrantOffer.objects.filter(award=OuterRef(award_path))
        .exclude(status=GrantOffer.Status.SUPERSEDED)
        .order_by("-version")
    )
    return {
        "current_offer_status": Subquery(current.values("status")[:1]),
        "current_offer_version": Subquery(current.values("version")[:1]),
    }


def offer_require_accepted(award, *, current: tuple[str | None, int | None] | None = None) -> None:
    """Refuse (ValidationError) unless the award's current offer has been accepted. Called by
    the payment approval service under the award's lock (which reads the offer then); a preview
    of many payments passes `current` (status, version) from ``current_offer_subqueries``."""
    if current is None:
        offer = (
            GrantOffer.objects.filter(award=award)
            .exclude(status=GrantOffer.Status.SUPERSEDED)
            .order_by("-version")
            .first()
        )
        current = (offer.status, offer.version) if offer else (None, None)
    status, version = current
    if status != GrantOffer.Status.ACCEPTED:
        if status == GrantOffer.Status.WITHDRAWN:
            raise ValidationError(
                "The grant offer has not been accepted yet: it was withdrawn, and a new version "
                "must be issued and accepted before any payment of this award is approved."
            )
        raise ValidationError(NOT_ACCEPTED.format(version=version or 1))


def offer_pdf(offer: GrantOffer) -> bytes:
    """The offer letter as a PDF (see `offer_pdf_open`)."""
    with offer_pdf_open(offer) as fh:
        return fh.read()


def offer_pdf_open(offer: GrantOffer):
    """The offer letter's PDF opened from the private storage: rendered from the stored letter
    (so always the exact text of this version) and kept there after the first request."""
    if offer.pdf:
        try:
            return offer.pdf.storage.open(offer.pdf.name, "rb")
        except FileNotFoundError:
            log.warning("Offer %s PDF missing from storage; rendering it again.", offer.pk)
    _offer_pdf_render(offer)
    return offer.pdf.storage.open(offer.pdf.name, "rb")


def _offer_pdf_render(offer: GrantOffer) -> None:
    # Imported at call time: WeasyPrint takes over a second to import (see reports.rendering).
    from weasyprint import HTML

    html = offer.letter_html or render_to_string(
        "grants/offers/letter_imported.html", {"offer": offer, "award": offer.award}
    )
    data = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    offer.pdf.save(f"offer-v{offer.version}.pdf", ContentFile(data), save=False)
    GrantOffer.objects.filter(pk=offer.pk).update(pdf=offer.pdf.name)


def can_manage_offers(user):
    """Withdraw and reissue: the people who manage payments."""
    return grant_perms.can_manage_payments(user)


def current_offers(award_ids) -> dict[int, GrantOffer]:
    """Each award's current offer (its newest version), in one query: for panels and lists."""
    current: dict[int, GrantOffer] = {}
    for offer in GrantOffer.objects.filter(award_id__in=list(award_ids)).order_by("version"):
        current[offer.award_id] = offer
    return current
