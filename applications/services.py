"""Writes for applications to join, their assessment, stage gates, decisions and extensions.

Every status change here: locks the row, asks the workflow's check, checks the user's scope,
writes one activity entry, and leaves the area's stage to programmes.services.area_move.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions as perms
from accounts.models import OrganisationMembership, Role, User
from accounts.selectors import lead_members, relationship_manager
from activity.models import Visibility
from activity.services import activity_record
from core.errors import message_for, require
from core.locking import copy_back, lock
from programmes import services as programme_services
from programmes.models import (
    AREA_STAGE_ORDER,
    Area,
    AreaStage,
    AreaStatus,
    Milestone,
    Organisation,
    OrganisationType,
    Partner,
    PartnerType,
    Round,
    Stage,
    Theme,
)
from programmes.workflows import AREA

from . import permissions as app_perms
from .models import (
    Application,
    ApplicationPartner,
    ApplicationStatus,
    ApplicationTheme,
    AssessmentCriterion,
    AssessmentScore,
    DeadlineExtension,
    GateApplication,
    GateStage,
    GateStatus,
    Recommendation,
)
from .selectors import assessment_settings_for
from .workflows import APPLICATION, GATE

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


def _when(occurred_at):
    return occurred_at or timezone.now()


def _day(occurred_at) -> datetime.date:
    return timezone.localdate(occurred_at) if occurred_at else timezone.localdate()


# --- Applications to join ---------------------------------------------------------------------


def applicant_register(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    organisation_name: str,
    org_type: str,
    job_title: str = "",
) -> User:
    """A new applicant signs up: a lead organisation user, their organisation and membership."""
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "That username is taken; choose another."})
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            role=Role.LEAD_ORGANISATION,
        )
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        organisation = Organisation(name=organisation_name.strip(), org_type=org_type, email=email)
        organisation.full_clean()
        organisation.save()
        OrganisationMembership.objects.create(
            user=user, organisation=organisation, is_primary_contact=True
        )
    return user


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
    with transaction.atomic():
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


def application_update(
    *,
    application: Application,
    user,
    details: dict,
    themes: list[Theme] | None = None,
    partners: list[dict] | None = None,
) -> Application:
    """Change a draft. Only the applying organisation, only while it is a draft."""
    with transaction.atomic():
        locked = lock(application)
        require(app_perms.can_edit_application(user, locked))
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


def application_submit(
    *, application: Application, user, occurred_at=None, imported: bool = False
) -> Application:
    """Send a draft for assessment. Refused after the round's closing date, and while anything
    required is missing. `imported` history keeps its own date: the round's dates, which would
    refuse a live submission, do not apply to it."""
    with transaction.atomic():
        locked = lock(application)
        APPLICATION.check(locked, ApplicationStatus.SUBMITTED, user)
        if not app_perms.acts_for_application(user, locked):
            raise PermissionDenied("Only the applying organisation can submit this application.")
        rnd = locked.round
        day = _day(occurred_at)
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
        locked.status = ApplicationStatus.SUBMITTED
        locked.submitted_at = _when(occurred_at)
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        activity_record(
            verb="application.submitted",
            summary=f"Application for {locked.area_name} submitted to {rnd.name}",
            actor=user,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
        )
    return copy_back(application, locked)


def application_start_assessment(
    *, application: Application, user, occurred_at=None, imported: bool = False
) -> Application:
    with transaction.atomic():
        locked = lock(application)
        APPLICATION.check(locked, ApplicationStatus.UNDER_ASSESSMENT, user)
        locked.status = ApplicationStatus.UNDER_ASSESSMENT
        locked.save(update_fields=["status", "updated_at"])
        activity_record(
            verb="application.assessment_started",
            summary=f"Assessment started for {locked.area_name}",
            actor=user,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
        )
    return copy_back(application, locked)


def application_score(
    *,
    application: Application,
    criterion: AssessmentCriterion,
    assessor,
    score: int,
    comment: str = "",
) -> AssessmentScore:
    """Record (or change) one assessor's score for one criterion, on the round's scale."""
    require(app_perms.can_assess(assessor))
    if criterion.round_id != application.round_id:
        raise ValidationError({"criterion": "This criterion belongs to another round."})
    if application.status != ApplicationStatus.UNDER_ASSESSMENT:
        raise ValidationError("Scores can only be given while the application is under assessment.")
    scale = assessment_settings_for(application.round)
    if score is None or not scale.score_min <= int(score) <= scale.score_max:
        raise ValidationError(
            {"score": f"Give a score from {scale.score_min} to {scale.score_max}."}
        )
    with transaction.atomic():
        row, _ = AssessmentScore.objects.update_or_create(
            application=application,
            criterion=criterion,
            assessor=assessor,
            defaults={"score": int(score), "comment": comment},
        )
    return row


def application_recommend(
    *, application: Application, recommendation: str, notes: str, user
) -> Application:
    require(app_perms.can_assess(user))
    if recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": "Choose admit or reject."})
    with transaction.atomic():
        locked = lock(application)
        if locked.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_ASSESSMENT):
            raise ValidationError("A recommendation can only be made before the decision.")
        locked.recommendation = recommendation
        locked.recommendation_notes = notes
        locked.save(update_fields=["recommendation", "recommendation_notes", "updated_at"])
        activity_record(
            verb="application.recommended",
            summary=f"Recommendation for {locked.area_name}: {locked.get_recommendation_display()}",
            actor=user,
            reason=notes,
            target=locked,
        )
    return copy_back(application, locked)


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


def _award_stage(*, area, stage, amount, actor, occurred_at, imported, reason):
    from grants.services import award_grant

    return award_grant(
        area=area,
        stage=stage,
        amount=amount,
        actor=actor,
        occurred_at=occurred_at,
        imported=imported,
        reason=reason,
    )


def _add_days(*, area, days, reason, actor, occurred_at, imported):
    if not days or Decimal(days) <= 0:
        return
    from support.services import entitlement_add

    entitlement_add(
        area=area,
        days=Decimal(days),
        reason=reason,
        actor=actor,
        occurred_at=occurred_at,
        imported=imported,
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
    """Admit or reject an application under assessment.

    Admission is rolling: the area is created at once at Getting Ready, its Getting Ready grant
    awarded and its adviser days added. `reference` is for imports that keep their own."""
    if decision not in ("admit", "reject"):
        raise ValidationError({"decision": "Choose admit or reject."})
    target = ApplicationStatus.ADMITTED if decision == "admit" else ApplicationStatus.REJECTED
    reasons = (reasons or "").strip()
    with transaction.atomic():
        locked = lock(application)
        APPLICATION.check(locked, target, actor)
        if decision == "reject" and not reasons:
            raise ValidationError(
                {"reasons": "Give the reasons for not admitting this application."}
            )
        locked.status = target
        locked.decided_at = _when(occurred_at)
        locked.decided_by = actor
        locked.decision_reasons = reasons
        area = None
        if decision == "admit":
            rnd = locked.round
            missing = application_missing(locked)
            if missing:
                raise ValidationError(missing)
            area = programme_services.area_create(
                reference=reference or _reference_for(rnd),
                name=locked.area_name,
                local_authority=locked.local_authority,
                lead_organisation=locked.organisation,
                round=rnd,
                approach=locked.approach,
                themes=[at.theme for at in locked.application_themes.select_related("theme")],
                joined_on=_day(occurred_at),
                area_type=locked.area_type,
                geo_code=locked.geo_code,
                geo_code_type=locked.geo_code_type if locked.geo_code else "",
                description=locked.issues,
            )
            locked.area = area
        locked.save()
        if area is not None:
            partners = _copy_partners(locked, area)
            activity_record(
                verb="application.admitted",
                summary=f"Admitted to {area.round.name}: {area.name} starts at Getting Ready",
                actor=actor,
                area=area,
                reason=reasons,
                visibility=Visibility.AREA,
                target=locked,
                occurred_at=occurred_at,
                imported=imported,
                notify=[locked.applicant],
                data={"partners": partners},
            )
            definition = area.round.stage_definitions.get(stage=Stage.GETTING_READY)
            _award_stage(
                area=area,
                stage=Stage.GETTING_READY,
                amount=definition.grant_max,
                actor=actor,
                occurred_at=occurred_at,
                imported=imported,
                reason="Getting Ready grant on admission",
            )
            _add_days(
                area=area,
                days=definition.adviser_days,
                reason="Getting Ready adviser days",
                actor=actor,
                occurred_at=occurred_at,
                imported=imported,
            )
        else:
            activity_record(
                verb="application.rejected",
                summary=f"Application for {locked.area_name} not admitted",
                actor=actor,
                reason=reasons,
                target=locked,
                occurred_at=occurred_at,
                imported=imported,
                notify=[locked.applicant],
            )
    return copy_back(application, locked)


def application_withdraw(
    *, application: Application, user, reason: str = "", occurred_at=None, imported: bool = False
) -> Application:
    with transaction.atomic():
        locked = lock(application)
        APPLICATION.check(locked, ApplicationStatus.WITHDRAWN, user)
        if perms.is_lead_organisation_user(user) and not app_perms.acts_for_application(
            user, locked
        ):
            raise PermissionDenied("Only the applying organisation can withdraw this application.")
        locked.status = ApplicationStatus.WITHDRAWN
        locked.decision_reasons = reason
        locked.save(update_fields=["status", "decision_reasons", "updated_at"])
        activity_record(
            verb="application.withdrawn",
            summary=f"Application for {locked.area_name} withdrawn",
            actor=user,
            reason=reason,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
        )
    return copy_back(application, locked)


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


def applications_start_assessment_bulk(*, applications, user) -> BulkResult:
    """Start assessing each application, one transaction each, reporting any refused."""
    result = BulkResult()
    for application in applications:
        try:
            application_start_assessment(application=application, user=user)
        except (ValidationError, PermissionDenied) as exc:
            result.failed.append((application, _reason_text(exc)))
        else:
            result.succeeded.append(application)
    return result


# --- Stage gates ------------------------------------------------------------------------------


GATE_FROM_STAGES = {
    GateStage.GETTING_GOING: {AreaStage.GETTING_READY},
    GateStage.GOING_FURTHER: {AreaStage.GETTING_READY, AreaStage.GETTING_GOING},
    GateStage.BREAKING_NEW_GROUND: {AreaStage.GETTING_READY, AreaStage.GETTING_GOING},
    GateStage.MAKING_IT_HAPPEN: {AreaStage.IMPLEMENTATION},
}
# The stage an approved gate puts the area at; top-ups leave it where it is.
GATE_MOVES_AREA_TO = {
    GateStage.GETTING_GOING: AreaStage.GETTING_GOING,
    GateStage.MAKING_IT_HAPPEN: AreaStage.MAKING_IT_HAPPEN,
}
GATE_MILESTONE_KIND = {
    GateStage.GETTING_GOING: Milestone.Kind.GETTING_GOING_APPLICATION,
    GateStage.GOING_FURTHER: Milestone.Kind.GETTING_GOING_APPLICATION,
    GateStage.BREAKING_NEW_GROUND: Milestone.Kind.GETTING_GOING_APPLICATION,
    GateStage.MAKING_IT_HAPPEN: Milestone.Kind.MAKING_IT_HAPPEN_APPLICATION,
}


def _stage_range(area, stage):
    d = area.round.stage_definitions.filter(stage=stage).first()
    if d is None:
        raise ValidationError({"target_stage": "This round does not offer that stage."})
    return d


def _check_amount(area, stage, amount, field_name):
    d = _stage_range(area, stage)
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError):
        raise ValidationError({field_name: "Enter an amount in pounds."})
    if not d.grant_min <= amount <= d.grant_max:
        if d.grant_min == d.grant_max:
            msg = f"The {d.get_stage_display()} grant is £{d.grant_max:,.2f}."
        else:
            msg = (
                f"The {d.get_stage_display()} grant is between £{d.grant_min:,.2f} and "
                f"£{d.grant_max:,.2f}."
            )
        raise ValidationError({field_name: msg})
    return amount


def _check_gate_fields(gate):
    if gate.milestone.round_id != gate.area.round_id:
        raise ValidationError({"milestone": "Choose a milestone from the area's own round."})


GATE_FIELDS = [
    "target_stage",
    "amount_requested",
    "milestone",
    "summary",
    "development_strategy",
    "logic_model",
]


def gate_create(
    *,
    area: Area,
    user,
    target_stage: str,
    milestone: Milestone,
    amount_requested=None,
    summary: str = "",
    development_strategy=None,
    logic_model=None,
    occurred_at=None,
    imported: bool = False,
) -> GateApplication:
    """Start a draft gate application for the area, by its lead organisation."""
    require(app_perms.can_act_for_area(user, area))
    if area.status != AreaStatus.ACTIVE:
        raise ValidationError("This area is no longer active, so it cannot apply for a stage.")
    if area.stage not in GATE_FROM_STAGES.get(target_stage, set()):
        raise ValidationError(
            {"target_stage": f"An area at {area.get_stage_display()} cannot apply for this stage."}
        )
    if amount_requested is None:
        amount_requested = _stage_range(area, target_stage).grant_max
    with transaction.atomic():
        gate = GateApplication(
            area=area,
            target_stage=target_stage,
            milestone=milestone,
            amount_requested=amount_requested,
            summary=summary,
            created_by=user,
        )
        if development_strategy:
            gate.development_strategy = development_strategy
        if logic_model:
            gate.logic_model = logic_model
        _check_gate_fields(gate)
        gate.full_clean()
        gate.save()
        activity_record(
            verb="gate.created",
            summary=f"{gate.get_target_stage_display()} application started",
            actor=user,
            area=area,
            target=gate,
            occurred_at=occurred_at,
            imported=imported,
        )
    return gate


def gate_update(*, gate: GateApplication, user, **changes) -> GateApplication:
    """Change a draft gate application (any of GATE_FIELDS); files left out stay as they are."""
    with transaction.atomic():
        locked = lock(gate)
        require(app_perms.can_act_for_area(user, locked.area))
        if locked.status != GateStatus.DRAFT:
            raise ValidationError("This application has been sent, so it can no longer be changed.")
        for name, value in changes.items():
            if name not in GATE_FIELDS:
                raise TypeError(f"gate_update does not change {name}")
            if name in ("development_strategy", "logic_model") and not value:
                continue
            setattr(locked, name, value)
        if locked.area.stage not in GATE_FROM_STAGES.get(locked.target_stage, set()):
            raise ValidationError({"target_stage": "The area cannot apply for this stage now."})
        _check_gate_fields(locked)
        locked.full_clean()
        locked.save()
    return copy_back(gate, locked)


def gate_deadline(gate_or_area, milestone) -> tuple[datetime.date, DeadlineExtension | None]:
    area = getattr(gate_or_area, "area", gate_or_area)
    ext = DeadlineExtension.objects.filter(area=area, milestone=milestone).first()
    if ext is not None and ext.new_due_on > milestone.due_on:
        return ext.new_due_on, ext
    return milestone.due_on, ext


def gate_submit(
    *, gate: GateApplication, user, occurred_at=None, imported: bool = False
) -> GateApplication:
    """Send a gate application. Refused after the milestone's date unless the area has an
    extension that has not yet run out; refused when the stage's evidence is missing. Neither
    applies to `imported` history, whose evidence lives in the old records."""
    with transaction.atomic():
        locked = lock(gate)
        GATE.check(locked, GateStatus.SUBMITTED, user)
        require(app_perms.can_act_for_area(user, locked.area))
        area = locked.area
        if area.status != AreaStatus.ACTIVE:
            raise ValidationError("This area is no longer active, so it cannot apply for a stage.")
        due, ext = gate_deadline(area, locked.milestone)
        if not imported and _day(occurred_at) > due:
            if ext is not None:
                msg = (
                    f"The extended deadline for {locked.milestone.name} passed on {due:%-d %B %Y}."
                )
            else:
                msg = (
                    f"The deadline for {locked.milestone.name} was {due:%-d %B %Y}. Ask your "
                    "programme manager for an extension if you need more time."
                )
            raise ValidationError(msg)
        errors = {}
        if locked.target_stage == GateStage.GETTING_GOING and not imported:
            if not locked.development_strategy:
                errors["development_strategy"] = "Attach your development strategy."
            if not locked.logic_model:
                errors["logic_model"] = "Attach your logic model."
        if not locked.summary.strip():
            errors["summary"] = "Summarise your evidence."
        try:
            _check_amount(area, locked.target_stage, locked.amount_requested, "amount_requested")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if GateApplication.objects.filter(
            area=area,
            target_stage=locked.target_stage,
            status__in=[GateStatus.SUBMITTED, GateStatus.APPROVED],
        ).exists():
            errors["target_stage"] = "The area already has an application for this stage."
        if errors:
            raise ValidationError(errors)
        locked.status = GateStatus.SUBMITTED
        locked.submitted_at = _when(occurred_at)
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        activity_record(
            verb="gate.submitted",
            summary=f"{locked.get_target_stage_display()} application submitted "
            f"(£{locked.amount_requested:,.2f} requested)",
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
        )
    return copy_back(gate, locked)


def extension_grant(
    *,
    area: Area,
    milestone: Milestone,
    new_due_on: datetime.date,
    reason: str,
    actor,
    occurred_at=None,
    imported: bool = False,
) -> DeadlineExtension:
    """Let one area answer a milestone late. Granting again replaces the date."""
    require(app_perms.can_grant_extension(actor))
    reason = (reason or "").strip()
    if milestone.round_id != area.round_id:
        raise ValidationError({"milestone": "Choose a milestone from the area's own round."})
    if not reason:
        raise ValidationError({"reason": "Say why the deadline is extended."})
    if new_due_on <= milestone.due_on:
        raise ValidationError(
            {"new_due_on": f"The new deadline must be after {milestone.due_on:%-d %B %Y}."}
        )
    with transaction.atomic():
        ext, _ = DeadlineExtension.objects.select_for_update().update_or_create(
            area=area,
            milestone=milestone,
            defaults={"new_due_on": new_due_on, "reason": reason, "granted_by": actor},
        )
        activity_record(
            verb="extension.granted",
            summary=f"Deadline for {milestone.name} extended to {new_due_on:%-d %B %Y}",
            actor=actor,
            area=area,
            reason=reason,
            visibility=Visibility.AREA,
            target=ext,
            occurred_at=occurred_at,
            imported=imported,
        )
    return ext


def area_stage_derive(area: Area) -> str:
    """The stage the area's own decisions put it at: admitted -> Getting Ready; each approved
    gate that moves an area -> that stage. Plan sign-off (another service) moves areas to
    Implementation, so a derived stage never takes an area backwards from where it is."""
    derived = AreaStage.GETTING_READY
    approved = GateApplication.objects.filter(area=area, status=GateStatus.APPROVED).values_list(
        "target_stage", flat=True
    )
    for stage in approved:
        moved = GATE_MOVES_AREA_TO.get(stage)
        if moved and AREA_STAGE_ORDER.index(moved) > AREA_STAGE_ORDER.index(derived):
            derived = moved
    current = Area.objects.values_list("stage", flat=True).get(pk=area.pk)
    if AREA_STAGE_ORDER.index(current) > AREA_STAGE_ORDER.index(derived):
        return current
    return derived


def gate_decide(
    *,
    gate: GateApplication,
    decision: str,
    reasons: str,
    actor,
    amount=None,
    cba_required: bool = False,
    extra_adviser_days=0,
    occurred_at=None,
    imported: bool = False,
) -> GateApplication:
    """Approve (award the stage grant through grants, move the area, record CBA and extra days) or
    reject (with reasons; a refused Getting Going gate means the area did not progress)."""
    if decision not in ("approve", "reject"):
        raise ValidationError({"decision": "Choose approve or reject."})
    target = GateStatus.APPROVED if decision == "approve" else GateStatus.REJECTED
    reasons = (reasons or "").strip()
    extra = Decimal(extra_adviser_days or 0)
    with transaction.atomic():
        locked = lock(gate)
        GATE.check(locked, target, actor)
        area = Area.objects.select_for_update().get(pk=locked.area_id)
        stage_label = locked.get_target_stage_display()
        locked.status = target
        locked.decided_at = _when(occurred_at)
        locked.decided_by = actor
        locked.decision_reasons = reasons
        if decision == "reject":
            if not reasons:
                raise ValidationError({"reasons": "Give the reasons for not approving."})
            locked.save()
            activity_record(
                verb="gate.rejected",
                summary=f"{stage_label} application not approved",
                actor=actor,
                area=area,
                reason=reasons,
                visibility=Visibility.AREA,
                target=locked,
                occurred_at=occurred_at,
                imported=imported,
                notify=[locked.created_by],
            )
            if locked.target_stage == GateStage.GETTING_GOING:
                programme_services.area_move(
                    area=area,
                    status=AreaStatus.NOT_PROGRESSED,
                    actor=actor,
                    summary="Did not progress: Getting Going application not approved",
                    reason=reasons,
                    occurred_at=occurred_at,
                    imported=imported,
                )
            return copy_back(gate, locked)

        if amount is None:
            amount = locked.amount_requested
        amount = _check_amount(area, locked.target_stage, amount, "amount")
        if not Decimal("0") <= extra <= Decimal("5"):
            raise ValidationError({"extra_adviser_days": "Extra adviser days are 0 to 5."})
        if area.status != AreaStatus.ACTIVE:
            raise ValidationError("This area is no longer active.")
        if (
            GateApplication.objects.filter(
                area=area, target_stage=locked.target_stage, status=GateStatus.APPROVED
            )
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError(f"{area.reference} already has an approved {stage_label} gate.")
        locked.amount_approved = amount
        locked.cba_required = bool(cba_required)
        locked.extra_adviser_days = extra
        locked.save()
        activity_record(
            verb="gate.approved",
            summary=f"{stage_label} approved: £{amount:,.2f}"
            + ("; cost benefit analysis required" if cba_required else ""),
            actor=actor,
            area=area,
            reason=reasons,
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
            data={"cba_required": bool(cba_required), "extra_adviser_days": str(extra)},
            notify=[locked.created_by],
        )
        _award_stage(
            area=area,
            stage=locked.target_stage,
            amount=amount,
            actor=actor,
            occurred_at=occurred_at,
            imported=imported,
            reason=f"{stage_label} gate approved",
        )
        definition = _stage_range(area, locked.target_stage)
        _add_days(
            area=area,
            days=definition.adviser_days,
            reason=f"{stage_label} adviser days",
            actor=actor,
            occurred_at=occurred_at,
            imported=imported,
        )
        _add_days(
            area=area,
            days=extra,
            reason=f"Extra consultancy days granted at the {stage_label} gate",
            actor=actor,
            occurred_at=occurred_at,
            imported=imported,
        )
        derived = area_stage_derive(area)
        if derived != area.stage:
            programme_services.area_move(
                area=area,
                stage=derived,
                actor=actor,
                summary=f"Moved to {AreaStage(derived).label}: {stage_label} approved",
                reason=reasons,
                occurred_at=occurred_at,
                imported=imported,
            )
    return copy_back(gate, locked)


def gate_withdraw(
    *, gate: GateApplication, user, reason: str = "", occurred_at=None, imported: bool = False
) -> GateApplication:
    with transaction.atomic():
        locked = lock(gate)
        GATE.check(locked, GateStatus.WITHDRAWN, user)
        if perms.is_lead_organisation_user(user):
            require(app_perms.can_act_for_area(user, locked.area))
        locked.status = GateStatus.WITHDRAWN
        locked.decision_reasons = reason
        locked.save(update_fields=["status", "decision_reasons", "updated_at"])
        activity_record(
            verb="gate.withdrawn",
            summary=f"{locked.get_target_stage_display()} application withdrawn",
            actor=user,
            area=locked.area,
            reason=reason,
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
        )
    return copy_back(gate, locked)


# --- An area leaving the programme (and coming back) ------------------------------------------

LEAVING_OUTCOMES = {
    AreaStatus.WITHDRAWN: "Withdrew from the programme",
    AreaStatus.NOT_PROGRESSED: "Did not progress",
}


def _area_people(area) -> list:
    return [p for p in [*lead_members(area), relationship_manager(area)] if p is not None]


def area_leaving_effects(area) -> dict:
    """What recording that the area has left would do: the stage-gate applications still open
    (withdrawn with it) and the payments not yet made (cancelled). Shown before the manager
    confirms, and done by ``area_leave``."""
    from grants.models import Award, Payment

    return {
        "gates": list(
            GateApplication.objects.filter(
                area=area, status__in=[GateStatus.DRAFT, GateStatus.SUBMITTED]
            ).order_by("id")
        ),
        "payments": list(
            Payment.objects.filter(award__area=area, award__status=Award.Status.LIVE)
            .exclude(status__in=[Payment.Status.PAID, Payment.Status.CANCELLED])
            .select_related("award")
            .order_by("id")
        ),
    }


@dataclass
class LeaveResult:
    area: Area
    gates_withdrawn: list = field(default_factory=list)
    payments_cancelled: list = field(default_factory=list)

    @property
    def money_cancelled(self) -> Decimal:
        return sum((p.amount for p in self.payments_cancelled), Decimal("0"))


def area_leave(
    *, area, outcome: str, reasons: str, actor, occurred_at=None, imported: bool = False
) -> LeaveResult:
    """Record that an area has left the programme: it withdrew, or the programme decided it will
    not progress. Open stage-gate applications are withdrawn and every payment not yet made is
    cancelled (payments already made stay on record); the lead organisation and relationship
    manager are told. All or nothing."""
    from grants.services import payment_cancel

    if outcome not in LEAVING_OUTCOMES:
        raise ValidationError({"outcome": "Choose withdrawn or did not progress."})
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say why the area is leaving the programme."})
    with transaction.atomic():
        # Gates before the area, the order gate_decide takes them in, so the two never deadlock.
        list(
            GateApplication.objects.select_for_update()
            .filter(area=area, status__in=[GateStatus.DRAFT, GateStatus.SUBMITTED])
            .order_by("id")
        )
        locked = lock(area, related=("round",))
        AREA.check(locked, outcome, actor)
        result = LeaveResult(area=locked)
        effects = area_leaving_effects(locked)
        for gate in effects["gates"]:
            result.gates_withdrawn.append(
                gate_withdraw(
                    gate=gate,
                    user=actor,
                    reason=reasons,
                    occurred_at=occurred_at,
                    imported=imported,
                )
            )
        label = AreaStatus(outcome).label.lower()
        for payment in effects["payments"]:
            result.payments_cancelled.append(
                payment_cancel(
                    payment=payment,
                    actor=actor,
                    reason=f"The area {label}: {reasons}",
                    occurred_at=occurred_at,
                )
            )
        programme_services.area_move(
            area=locked,
            status=outcome,
            actor=actor,
            summary=LEAVING_OUTCOMES[outcome],
            reason=reasons,
            occurred_at=occurred_at,
            imported=imported,
            notify=_area_people(locked),
        )
    area.status = locked.status
    result.area = area
    return result


def area_reinstate(*, area, reasons: str, actor, occurred_at=None) -> Area:
    """Undo a withdrawal or a did-not-progress decision (e.g. one recorded by mistake). Payments
    cancelled when the area left stay cancelled: a programme manager schedules what is owed again
    on the award."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say why the area is being reinstated."})
    with transaction.atomic():
        locked = lock(area, related=("round",))
        AREA.check(locked, AreaStatus.ACTIVE, actor)
        programme_services.area_move(
            area=locked,
            status=AreaStatus.ACTIVE,
            actor=actor,
            summary=f"Reinstated in the programme at {locked.get_stage_display()}",
            reason=reasons,
            occurred_at=occurred_at,
            notify=_area_people(locked),
        )
    area.status = locked.status
    return area
