"""Writes for due diligence. Every change goes through here, with ``actor=``: the checklist is
started, filled in (register checks, accounts, governance documents, conflicts, fraud risk), sent
for confirmation, confirmed or returned by a different programme manager, and a high fraud risk
gets a programme manager's decision. Each write records an activity entry."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from activity.models import Visibility
from activity.services import activity_record
from core import uploads
from core.errors import require
from core.locking import copy_back, lock
from core.text import REASON_CHARS, require_within
from core.transition import transition

from . import permissions as perms
from .models import DueDiligence, DuplicateFlag, FraudRisk, GovernanceDocument, RegisterCheck
from .workflows import DILIGENCE, RISK_DECISION, DiligenceStatus, RiskDecision

# How long a confirmed checklist lasts: GovS 015 asks for due diligence proportionate to the
# risk and refreshed; a year matches the annual accounts the checklist reads.
VALID_DAYS = 365
DOCUMENT_EXTENSIONS = ("pdf", "docx", "odt")
EDITABLE = (DiligenceStatus.DRAFT, DiligenceStatus.RETURNED)
FILENAME_MAX = GovernanceDocument._meta.get_field("filename").max_length
TITLE_MAX = GovernanceDocument._meta.get_field("title").max_length


def _managers(*, leaving_out=None) -> list:
    users = get_user_model().objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True)
    if leaving_out is not None:
        users = users.exclude(pk=leaving_out.pk)
    return list(users)


def _require_editable(diligence: DueDiligence) -> None:
    if diligence.status not in EDITABLE:
        raise ValidationError(
            f"This checklist is {DILIGENCE.label(diligence.status).lower()}: it can no longer be "
            "changed. Start a new one to record new checks.",
            code="not_editable",
        )


@transaction.atomic
def diligence_start(*, organisation, actor, occurred_at=None) -> DueDiligence:
    """Start a checklist for the organisation (one in preparation at a time)."""
    require(perms.can_prepare_diligence(actor))
    type(organisation).objects.select_for_update().get(pk=organisation.pk)
    if DueDiligence.objects.filter(
        organisation=organisation,
        status__in=[s.value for s in EDITABLE + (DiligenceStatus.SUBMITTED,)],
    ).exists():
        raise ValidationError(
            f"{organisation.name} already has a checklist in preparation.", code="open_exists"
        )
    diligence = DueDiligence.objects.create(organisation=organisation, prepared_by=actor)
    if occurred_at is not None:
        DueDiligence.objects.filter(pk=diligence.pk).update(created_at=occurred_at)
    activity_record(
        verb="diligence.started",
        summary=f"Due diligence on {organisation.name} started",
        actor=actor,
        target=diligence,
        occurred_at=occurred_at,
    )
    return diligence


@transaction.atomic
def diligence_update(
    *,
    diligence: DueDiligence,
    actor,
    accounts_year_end=None,
    accounts_income=None,
    accounts_notes: str = "",
    conflicts_answered: bool = False,
    conflicts_declared: str = "",
    fraud_risk: str = "",
    fraud_risk_reasons: str = "",
    fraud_mitigations: str = "",
) -> DueDiligence:
    """Record the accounts, the declared conflicts and the fraud risk rating."""
    require(perms.can_prepare_diligence(actor))
    locked = lock(diligence)
    _require_editable(locked)
    require_within(
        REASON_CHARS * 2,
        accounts_notes=accounts_notes,
        conflicts_declared=conflicts_declared,
        fraud_risk_reasons=fraud_risk_reasons,
        fraud_mitigations=fraud_mitigations,
    )
    if fraud_risk and fraud_risk not in FraudRisk.values:
        raise ValidationError({"fraud_risk": "Choose low, medium or high."})
    if accounts_income is not None and accounts_income < 0:
        raise ValidationError({"accounts_income": "Income cannot be below £0."})
    if accounts_year_end is not None and accounts_year_end > timezone.localdate():
        raise ValidationError({"accounts_year_end": "A year end of filed accounts is in the past."})
    locked.accounts_year_end = accounts_year_end
    locked.accounts_income = accounts_income
    locked.accounts_notes = accounts_notes.strip()
    locked.conflicts_answered = conflicts_answered
    locked.conflicts_declared = conflicts_declared.strip()
    locked.fraud_risk = fraud_risk
    locked.fraud_risk_reasons = fraud_risk_reasons.strip()
    locked.fraud_mitigations = fraud_mitigations.strip()
    locked.save()
    activity_record(
        verb="diligence.updated",
        summary=f"Due diligence on {locked.organisation.name}: accounts, conflicts and fraud "
        f"risk ({locked.risk_label().lower()}) recorded",
        actor=actor,
        target=locked,
    )
    return copy_back(diligence, locked)


@transaction.atomic
def register_check_add(
    *,
    diligence: DueDiligence,
    actor,
    register: str,
    identifier: str,
    checked_on: datetime.date,
    outcome: str,
    finding: str,
    register_name: str = "",
) -> RegisterCheck:
    """Record one register looked up: which, the number, the date, who and what was found."""
    require(perms.can_prepare_diligence(actor))
    locked = lock(diligence, related=("organisation",))
    _require_editable(locked)
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "A check cannot be dated in the future."})
    if register == RegisterCheck.Register.OTHER and not register_name.strip():
        raise ValidationError({"register_name": "Name the register that was checked."})
    require_within(REASON_CHARS * 2, finding=finding)
    check = RegisterCheck(
        diligence=locked,
        register=register,
        register_name=register_name.strip(),
        identifier=identifier.strip(),
        checked_on=checked_on,
        checked_by=actor,
        outcome=outcome,
        finding=finding.strip(),
    )
    check.full_clean()
    check.save()
    activity_record(
        verb="diligence.register_checked",
        summary=f"{check.register_label} checked for {locked.organisation.name} "
        f"({check.identifier}): {check.get_outcome_display().lower()}",
        actor=actor,
        target=locked,
    )
    return check


@transaction.atomic
def register_check_remove(*, check: RegisterCheck, actor) -> None:
    require(perms.can_prepare_diligence(actor))
    locked = lock(check.diligence, related=("organisation",))
    _require_editable(locked)
    label = check.register_label
    check.delete()
    activity_record(
        verb="diligence.register_check_removed",
        summary=f"{label} check removed from the due diligence on {locked.organisation.name}",
        actor=actor,
        target=locked,
    )


def document_add(
    *,
    diligence: DueDiligence,
    actor,
    kind: str,
    uploaded_file,
    review_on: datetime.date,
    title: str = "",
) -> GovernanceDocument:
    """Store a governance document privately (PDF, DOCX or ODT, checked by content) with the date
    it is next due for review. Stored outside the database transaction, and deleted again when
    the write fails (core.uploads.store_then)."""
    require(perms.can_prepare_diligence(actor))
    _require_editable(diligence)
    if kind not in GovernanceDocument.Kind.values:
        raise ValidationError({"kind": "Choose what kind of document this is."})
    if review_on is None:
        raise ValidationError({"review_on": "Give the date the document is next due for review."})
    try:
        checked = uploads.check_upload(uploaded_file, allowed=DOCUMENT_EXTENSIONS)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    name = uploads.display_name(checked.original_name, FILENAME_MAX)
    title = uploads.display_name(title.strip() or GovernanceDocument.Kind(kind).label, TITLE_MAX)
    field = GovernanceDocument._meta.get_field("file")

    def write(saved: str) -> GovernanceDocument:
        locked = lock(diligence, related=("organisation",))
        _require_editable(locked)
        document = GovernanceDocument(
            diligence=locked,
            kind=kind,
            title=title,
            filename=name,
            size=checked.size,
            review_on=review_on,
            uploaded_by=actor,
        )
        document.file.name = saved
        document.save()
        activity_record(
            verb="diligence.document_added",
            summary=f"{document.get_kind_display()} added to the due diligence on "
            f"{locked.organisation.name} (review due {review_on:%-d %B %Y})",
            actor=actor,
            target=locked,
        )
        return document

    path = uploads.stored_name(f"diligence/{diligence.organisation_id}", checked.kind.extension)
    return uploads.store_then(field.storage, path, uploaded_file, write)


@transaction.atomic
def document_remove(*, document: GovernanceDocument, actor) -> None:
    require(perms.can_prepare_diligence(actor))
    locked = lock(document.diligence, related=("organisation",))
    _require_editable(locked)
    storage, path, label = document.file.storage, document.file.name, document.title
    document.delete()
    activity_record(
        verb="diligence.document_removed",
        summary=f"“{label}” removed from the due diligence on {locked.organisation.name}",
        actor=actor,
        target=locked,
    )
    transaction.on_commit(lambda: storage.delete(path))


def _checklist(locked) -> dict:
    return {"diligence": locked}


@transaction.atomic
def diligence_submit(*, diligence: DueDiligence, actor, occurred_at=None) -> DueDiligence:
    """Send the completed checklist for confirmation by a different programme manager; the
    preparer is whoever sends it."""
    locked = lock(diligence, related=("organisation",), of=("self",))
    org = locked.organisation
    return transition(
        diligence,
        DiligenceStatus.SUBMITTED,
        workflow=DILIGENCE,
        locked=locked,
        actor=actor,
        verb="diligence.submitted",
        summary=f"Due diligence on {org.name} sent for confirmation",
        changes={
            "prepared_by": actor,
            "submitted_at": occurred_at or timezone.now(),
            "returned_reason": "",
        },
        notify=_managers(leaving_out=actor),
        occurred_at=occurred_at,
        diligence=locked,
        by=actor,
    )


@transaction.atomic
def diligence_confirm(
    *, diligence: DueDiligence, actor, occurred_at=None, expires_on: datetime.date | None = None
) -> DueDiligence:
    """Confirm the checklist (never your own): it now counts for awards and payments until it
    expires, a year from today. A high fraud risk still waits for a programme manager's decision."""
    locked = lock(diligence, related=("organisation", "prepared_by"), of=("self",))
    org = locked.organisation
    when = occurred_at or timezone.now()
    confirmed_on = timezone.localdate(when)
    high = locked.fraud_risk == FraudRisk.HIGH
    return transition(
        diligence,
        DiligenceStatus.CONFIRMED,
        workflow=DILIGENCE,
        locked=locked,
        actor=actor,
        verb="diligence.confirmed",
        summary=f"Due diligence on {org.name} confirmed (fraud risk {locked.risk_label().lower()})",
        changes={
            "confirmed_by": actor,
            "confirmed_at": when,
            "confirmed_on": confirmed_on,
            "expires_on": expires_on or confirmed_on + datetime.timedelta(days=VALID_DAYS),
            "risk_decision": RiskDecision.PENDING if high else RiskDecision.NOT_NEEDED,
        },
        notify=[locked.prepared_by] + (_managers(leaving_out=actor) if high else []),
        occurred_at=occurred_at,
        diligence=locked,
        by=actor,
    )


@transaction.atomic
def diligence_return(*, diligence: DueDiligence, actor, reason: str) -> DueDiligence:
    """Send the checklist back to its preparer, saying what to change."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what needs to change."})
    require_within(REASON_CHARS, reason=reason)
    locked = lock(diligence, related=("organisation", "prepared_by"), of=("self",))
    return transition(
        diligence,
        DiligenceStatus.RETURNED,
        workflow=DILIGENCE,
        locked=locked,
        actor=actor,
        verb="diligence.returned",
        summary=f"Due diligence on {locked.organisation.name} returned for changes",
        reason=reason,
        changes={"returned_reason": reason},
        notify=[locked.prepared_by],
        diligence=locked,
        by=actor,
    )


@transaction.atomic
def risk_decide(
    *, diligence: DueDiligence, actor, decision: str, reason: str, occurred_at=None
) -> DueDiligence:
    """A programme manager's decision on a confirmed checklist that rates the fraud risk high:
    proceed with the mitigations (awards and payments may go ahead) or do not proceed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: what the decision rests on."})
    require_within(REASON_CHARS, reason=reason)
    require(perms.can_prepare_diligence(actor))
    locked = lock(diligence, related=("organisation",), of=("self",))
    if locked.status != DiligenceStatus.CONFIRMED or locked.fraud_risk != FraudRisk.HIGH:
        raise ValidationError(
            "Only a confirmed checklist that rates the fraud risk high needs a decision.",
            code="no_decision_needed",
        )
    RISK_DECISION.check(locked.risk_decision, decision, actor)
    locked.risk_decision = decision
    locked.risk_decision_reason = reason
    locked.risk_decided_by = actor
    locked.risk_decided_at = occurred_at or timezone.now()
    locked.save(
        update_fields=[
            "risk_decision",
            "risk_decision_reason",
            "risk_decided_by",
            "risk_decided_at",
        ]
    )
    activity_record(
        verb="diligence.risk_decided",
        summary=f"High fraud risk at {locked.organisation.name}: "
        f"{RISK_DECISION.label(decision).lower()}",
        actor=actor,
        reason=reason,
        target=locked,
        occurred_at=occurred_at,
        visibility=Visibility.STAFF,
    )
    return copy_back(diligence, locked)


NOTE_MAX = DuplicateFlag._meta.get_field("resolution_note").max_length


@transaction.atomic
def duplicate_resolve(*, flag: DuplicateFlag, actor, resolution: str, note: str) -> DuplicateFlag:
    """A programme manager or admin who looked at a possible duplicate records what they found:
    not the same organisation, or the same (then the note says what is to be done, e.g. which
    record an admin merges into which). The flag leaves the warnings; the decision stays on
    record with who made it."""
    require(perms.can_prepare_diligence(actor))
    note = (note or "").strip()
    if resolution not in DuplicateFlag.Resolution.values:
        raise ValidationError({"resolution": "Say whether they are the same organisation."})
    if not note:
        raise ValidationError({"note": "Say what you checked, and what is to be done."})
    require_within(NOTE_MAX, note=note)
    locked = lock(flag, related=("organisation", "matches"))
    if locked.resolved_at is not None:
        raise ValidationError(
            f"{locked.resolved_by or 'Someone'} already decided this on "
            f"{timezone.localtime(locked.resolved_at):%-d %b %Y}.",
            code="already_resolved",
        )
    locked.resolution = resolution
    locked.resolution_note = note
    locked.resolved_by = actor
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at"])
    activity_record(
        verb="diligence.duplicate_resolved",
        summary=f"Possible duplicate {locked.organisation.name} / {locked.matches.name}: "
        f"{locked.get_resolution_display().lower()}",
        actor=actor,
        reason=note,
        target=locked.organisation,
        visibility=Visibility.STAFF,
    )
    return copy_back(flag, locked)
