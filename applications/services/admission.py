"""Applications to join a round: drafting, submitting, assessing, scoring, recommending, deciding
(admit or reject) and withdrawing, one at a time or in bulk.

Every status change: locks the row, asks the APPLICATION workflow, checks the actor's scope, and
writes one activity entry. Admission creates the area through programmes.services and awards its
Getting Ready grant and adviser days.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import permissions as perms
from activity.models import Visibility
from activity.services import activity_record
from core.errors import message_for, require
from core.locking import copy_back, lock
from core.transition import transition
from programmes import services as programme_services
from programmes.models import (
    Area,
    Organisation,
    OrganisationType,
    Partner,
    PartnerType,
    Round,
    Stage,
    Theme,
)

from .. import permissions as app_perms
from ..models import (
    Application,
    ApplicationPartner,
    ApplicationStatus,
    ApplicationTheme,
)
from ..workflows import APPLICATION
from .assessment import application_start_assessment
from .awards import add_adviser_days, award_stage
from .dates import happened_at, happened_on
from .gates import DecisionPreview, preview_refused

APPLICATION_FIELDS = [
    "area_name",
    "local_authority",
    "area_type",
    "geo_code",
    "geo_code_type",
    "approach",
    "issues",
    "services_involved",
    "expected_outcomes",
]
REQUIRED_TO_SUBMIT = {
    "area_name": "Name the neighbourhood.",
    "local_authority": "Say which local authority district the neighbourhood is in.",
    "approach": "Say whether this is a specific service proposition or a general approach.",
    "issues": "Describe the issues you want to tackle and why.",
    "services_involved": "Say which public services are involved.",
    "expected_outcomes": "Say what you expect to change.",
}

PARTNER_ORG_TYPES = {
    PartnerType.LOCAL_AUTHORITY: OrganisationType.LOCAL_AUTHORITY,
    PartnerType.VCS: OrganisationType.VCS,
    PartnerType.BUSINESS: OrganisationType.VCS,
    PartnerType.OTHER: OrganisationType.VCS,
}


# --- Drafting and sending ---------------------------------------------------------------------


def _set_themes(application, themes):
    themes = list(dict.fromkeys(themes))
    if len(themes) > 3:
        raise ValidationError({"themes": "Choose no more than three themes."})
    ApplicationTheme.objects.filter(application=application).delete()
    ApplicationTheme.objects.bulk_create(
        [
            ApplicationTheme(application=application, theme=t, position=i)
            for i, t in enumerate(themes, 1)
        ]
    )


def _set_partners(application, partners):
    ApplicationPartner.objects.filter(application=application).delete()
    rows = []
    for p in partners:
        row = ApplicationPartner(
            application=application,
            name=p["name"].strip(),
            partner_type=p["partner_type"],
            involvement=p.get("involvement") or "supporting",
        )
        row.full_clean(exclude=["application"])
        rows.append(row)
    ApplicationPartner.objects.bulk_create(rows)


def _apply_details(application, details):
    for name in APPLICATION_FIELDS:
        if name in details:
            setattr(application, name, details[name] or "")


@transaction.atomic
def application_create(
    *,
    round: Round,
    applicant,
    organisation: Organisation,
    details: dict,
    themes: list[Theme] = (),
    partners: list[dict] = (),
    occurred_at=None,
    imported: bool = False,
) -> Application:
    """Start a draft application for `organisation`, by one of its lead organisation users.
    `imported` history may belong to a round that has since closed."""
    require(app_perms.can_apply(applicant))
    if not perms.user_belongs_to(applicant, organisation.pk):
        raise PermissionDenied("You can only apply for an organisation you belong to.")
    if not imported and round.status != Round.Status.OPEN:
        raise ValidationError("This round is not open for applications.")
    application = Application(round=round, applicant=applicant, organisation=organisation)
    _apply_details(application, details)
    application.full_clean()
    application.save()
    _set_themes(application, themes)
    _set_partners(application, partners)
    activity_record(
        verb="application.created",
        summary=f"Application started for {application.area_name}",
        actor=applicant,
        target=application,
        occurred_at=occurred_at,
        imported=imported,
    )
    return application


@transaction.atomic
def application_update(
    *,
    application: Application,
    actor,
    details: dict,
    themes: list[Theme] | None = None,
    partners: list[dict] | None = None,
) -> Application:
    """Change a draft. Only the applying organisation, only while it is a draft."""
    locked = lock(application)
    require(app_perms.can_edit_application(actor, locked))
    _apply_details(locked, details)
    locked.full_clean()
    locked.save()
    if themes is not None:
        _set_themes(locked, themes)
    if partners is not None:
        _set_partners(locked, partners)
    return copy_back(application, locked)


def application_missing(application: Application) -> dict[str, str]:
    """What must still be filled in before the application can be submitted."""
    missing = {
        name: message
        for name, message in REQUIRED_TO_SUBMIT.items()
        if not (getattr(application, name) or "").strip()
    }
    count = application.application_themes.count()
    if not 1 <= count <= 3:
        missing["themes"] = "Choose between one and three themes."
    return missing


@transaction.atomic
def application_submit(
    *, application: Application, actor, occurred_at=None, imported: bool = False
) -> Application:
    """Send a draft for assessment. Refused after the round's closing date, and while anything
    required is missing. `imported` history keeps its own date: the round's dates, which would
    refuse a live submission, do not apply to it."""

    def sendable(locked):
        if not app_perms.acts_for_application(actor, locked):
            raise PermissionDenied("Only the applying organisation can submit this application.")
        rnd = locked.round
        day = happened_on(occurred_at)
        if not imported and day > rnd.closes_on:
            raise ValidationError(
                f"{rnd.name} closed for applications on {rnd.closes_on:%-d %B %Y}, so this "
                "application can no longer be submitted."
            )
        if not imported and day < rnd.opens_on:
            raise ValidationError(f"{rnd.name} opens for applications on {rnd.opens_on:%-d %B %Y}.")
        missing = application_missing(locked)
        if missing:
            raise ValidationError(missing)
        return {"submitted_at": happened_at(occurred_at)}

    return transition(
        application,
        ApplicationStatus.SUBMITTED,
        workflow=APPLICATION,
        actor=actor,
        verb="application.submitted",
        summary=lambda locked: (
            f"Application for {locked.area_name} submitted to {locked.round.name}"
        ),
        occurred_at=occurred_at,
        imported=imported,
        changes=sendable,
    )


@transaction.atomic
def application_withdraw(
    *, application: Application, actor, reason: str = "", occurred_at=None, imported: bool = False
) -> Application:
    """Withdraw an application before it is assessed: by the applying organisation, or by a
    programme manager on its behalf. Withdrawing a sent application answers the call to assess
    it (applications/workflows.py)."""

    def withdrawn(locked):
        if perms.is_lead_organisation_user(actor) and not app_perms.acts_for_application(
            actor, locked
        ):
            raise PermissionDenied("Only the applying organisation can withdraw this application.")
        return {"decision_reasons": reason}

    return transition(
        application,
        ApplicationStatus.WITHDRAWN,
        workflow=APPLICATION,
        actor=actor,
        verb="application.withdrawn",
        summary=lambda locked: f"Application for {locked.area_name} withdrawn",
        reason=reason,
        occurred_at=occurred_at,
        imported=imported,
        changes=withdrawn,
    )


# --- The decision -----------------------------------------------------------------------------


def _reference_for(rnd: Round) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", rnd.slug) if p]
    prefix = "".join(p if p.isdigit() else p[0] for p in parts).upper()[:6] or "AREA"
    n = Area.objects.filter(reference__startswith=f"{prefix}-").count() + 1
    while Area.objects.filter(reference=f"{prefix}-{n:03d}").exists():
        n += 1
    return f"{prefix}-{n:03d}"


def _copy_partners(application, area) -> list[str]:
    """The partners named in the application become the area's partners. Recorded in the
    admission's own activity entry rather than one entry each."""
    names = []
    for p in application.partners.all():
        org = Organisation.objects.filter(name__iexact=p.name).order_by("pk").first()
        if org is None:
            org = Organisation(
                name=p.name,
                org_type=PARTNER_ORG_TYPES.get(p.partner_type, OrganisationType.OTHER_PUBLIC),
            )
            org.full_clean()
            org.save()
        if org.pk == area.lead_organisation_id or area.partners.filter(organisation=org).exists():
            continue
        partner = Partner(
            area=area, organisation=org, partner_type=p.partner_type, involvement=p.involvement
        )
        partner.full_clean()
        partner.save()
        names.append(org.name)
    return names


def _decision(reasons, actor, occurred_at) -> dict:
    """The fields every decision on an application writes besides its status."""
    return {
        "decided_at": happened_at(occurred_at),
        "decided_by": actor,
        "decision_reasons": reasons,
    }


def _area_for(application, *, reference, occurred_at) -> Area:
    """The new area, at Getting Ready, described by the application's answers."""
    return programme_services.area_create(
        reference=reference or _reference_for(application.round),
        name=application.area_name,
        local_authority=application.local_authority,
        lead_organisation=application.organisation,
        round=application.round,
        approach=application.approach,
        themes=[at.theme for at in application.application_themes.select_related("theme")],
        joined_on=happened_on(occurred_at),
        area_type=application.area_type,
        geo_code=application.geo_code,
        geo_code_type=application.geo_code_type if application.geo_code else "",
        description=application.issues,
    )


def _start_getting_ready(area, *, actor, occurred_at, imported):
    """An admitted area's Getting Ready grant and adviser days, from the round's definition."""
    definition = area.round.stage_definitions.get(stage=Stage.GETTING_READY)
    history = {"actor": actor, "occurred_at": occurred_at, "imported": imported}
    award_stage(
        area=area,
        stage=Stage.GETTING_READY,
        amount=definition.grant_max,
        reason="Getting Ready grant on admission",
        **history,
    )
    add_adviser_days(
        area=area, days=definition.adviser_days, reason="Getting Ready adviser days", **history
    )


@transaction.atomic
def application_admit(
    *,
    application: Application,
    actor,
    reasons: str = "",
    occurred_at=None,
    imported: bool = False,
    reference: str | None = None,
) -> Application:
    """Admit an application under assessment. Admission is rolling: the area is created at once
    at Getting Ready, with the application's partners, its Getting Ready grant awarded and its
    adviser days added. `reference` is for imports that keep their own."""
    reasons = (reasons or "").strip()
    locked = lock(application)
    made = {}

    def admitted(locked):
        missing = application_missing(locked)
        if missing:
            raise ValidationError(missing)
        made["area"] = _area_for(locked, reference=reference, occurred_at=occurred_at)
        return {**_decision(reasons, actor, occurred_at), "area": made["area"]}

    def partners(locked):
        return {"partners": _copy_partners(locked, made["area"])}

    transition(
        application,
        ApplicationStatus.ADMITTED,
        workflow=APPLICATION,
        locked=locked,
        actor=actor,
        permission=lambda locked: app_perms.can_decide_subject(actor, locked),
        verb="application.admitted",
        summary=lambda locked: (
            f"Admitted to {locked.area.round.name}: {locked.area.name} starts at Getting Ready"
        ),
        area=lambda locked: made.get("area"),
        reason=reasons,
        visibility=Visibility.AREA,
        occurred_at=occurred_at,
        imported=imported,
        notify=[locked.applicant],
        data=partners,
        changes=admitted,
        relations=("area",),
    )
    area = made["area"]
    _start_getting_ready(area, actor=actor, occurred_at=occurred_at, imported=imported)
    return application


@transaction.atomic
def application_reject(
    *, application: Application, reasons: str, actor, occurred_at=None, imported: bool = False
) -> Application:
    """Reject an application under assessment, with the reasons the applicant is told."""
    reasons = (reasons or "").strip()
    locked = lock(application)

    def rejected(locked):
        if not reasons:
            raise ValidationError(
                {"reasons": "Give the reasons for not admitting this application."}
            )
        return _decision(reasons, actor, occurred_at)

    return transition(
        application,
        ApplicationStatus.REJECTED,
        workflow=APPLICATION,
        locked=locked,
        actor=actor,
        permission=lambda locked: app_perms.can_decide_subject(actor, locked),
        verb="application.rejected",
        summary=f"Application for {locked.area_name} not admitted",
        reason=reasons,
        occurred_at=occurred_at,
        imported=imported,
        notify=[locked.applicant],
        changes=rejected,
    )


def application_decide(
    *,
    application: Application,
    decision: str,
    reasons: str,
    actor,
    occurred_at=None,
    imported: bool = False,
    reference: str | None = None,
) -> Application:
    """Admit or reject (`decision` is "admit" or "reject"): `application_admit` or
    `application_reject`, for callers that hold the decision as data (forms, imports, bulk)."""
    history = {"occurred_at": occurred_at, "imported": imported}
    if decision == "admit":
        return application_admit(
            application=application, reasons=reasons, actor=actor, reference=reference, **history
        )
    if decision == "reject":
        return application_reject(application=application, reasons=reasons, actor=actor, **history)
    raise ValidationError({"decision": "Choose admit or reject."})


def application_decide_preview(
    *, application: Application, decision: str, reasons: str, actor
) -> DecisionPreview:
    """The rules ``application_decide`` applies, in its order, without writing: may this person
    make the move now (the APPLICATION workflow); for a rejection, are there reasons; for an
    admission, is every required answer still there. The confirmation page asks it before
    showing what the decision will do, so it never describes a move the service will refuse."""
    targets = {"admit": ApplicationStatus.ADMITTED, "reject": ApplicationStatus.REJECTED}
    if decision not in targets:
        return preview_refused(ValidationError({"decision": "Choose admit or reject."}))
    refused = APPLICATION.refusal(application, targets[decision], actor)
    if refused is not None:
        return preview_refused(refused)
    allowed, reason = app_perms.can_decide_subject(actor, application)
    if not allowed:
        return preview_refused(PermissionDenied(reason))
    if decision == "reject" and not (reasons or "").strip():
        return preview_refused(
            ValidationError({"reasons": "Give the reasons for not admitting this application."})
        )
    if decision == "admit":
        missing = application_missing(application)
        if missing:
            return preview_refused(ValidationError(missing))
    return DecisionPreview(True)


# --- Many at once -----------------------------------------------------------------------------


@dataclass
class BulkResult:
    succeeded: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (application, reason)


def _reason_text(exc) -> str:
    return message_for(exc) or exc.__class__.__name__


def applications_decide_bulk(*, applications, decision: str, reasons: str, actor) -> BulkResult:
    """Decide each application through `application_decide`, in its own transaction: one refusal
    does not undo the others."""
    result = BulkResult()
    for application in applications:
        try:
            application_decide(
                application=application, decision=decision, reasons=reasons, actor=actor
            )
        except (ValidationError, PermissionDenied) as exc:
            result.failed.append((application, _reason_text(exc)))
        else:
            result.succeeded.append(application)
    return result


def applications_start_assessment_bulk(*, applications, actor) -> BulkResult:
    """Start assessing each application, one transaction each, reporting any refused."""
    result = BulkResult()
    for application in applications:
        try:
            application_start_assessment(application=application, actor=actor)
        except (ValidationError, PermissionDenied) as exc:
            result.failed.append((application, _reason_text(exc)))
        else:
            result.succeeded.append(application)
    return result
