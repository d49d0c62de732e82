"""Writes for an area's plan documents and the operational plan's workflow.

Every state change is one service: atomic, the plan row locked, the move checked against
``plans/workflows.py``, the user's permission checked, an activity entry written (which notifies the
people involved by email after commit).
"""

from datetime import date
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions as perms
from accounts.permissions import require
from accounts.selectors import lead_members, relationship_manager
from activity.models import Visibility
from activity.services import activity_record
from programmes.models import AREA_STAGE_ORDER, Area, AreaStage, AreaStatus, Organisation
from programmes.services import area_move

from . import cba as cba_maths
from . import permissions as plan_perms
from . import selectors
from .models import (
    ALLOWED_ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    PLAN_SECTIONS,
    SECTION_LABELS,
    BenefitLine,
    CostBenefitAnalysis,
    CostLine,
    DevelopmentStrategy,
    LogicModel,
    LogicModelRow,
    OperationalPlan,
    PeerReview,
    PeerReviewAssignment,
    PlanAttachment,
    PlanVersion,
    SectionComment,
    SignOff,
    SignOffParty,
)
from .workflows import PlanStatus, check_move

CbaResult = cba_maths.CbaResult

# Sections a reviewer can comment on when returning a plan, beyond the plan's own text sections.
COMMENTABLE_SECTIONS = [
    *PLAN_SECTIONS,
    ("budget_arrangements", "Budget arrangements"),
    ("resourcing_lines", "Planned funding by source"),
    ("logic_model", "Logic model"),
    ("cba", "Cost benefit analysis"),
    ("general", "General"),
]

LOGIC_MODEL_FIELDS = [
    "inputs",
    "activities",
    "outputs",
    "short_term_outcomes",
    "long_term_outcomes",
    "indicators",
]


def _check_move(plan, to, user):
    allowed, reason = check_move(
        plan.status, to, user, sign_off_order=plan.area.round.sign_off_order
    )
    if not allowed:
        raise ValidationError(reason)


def _lock(plan: OperationalPlan) -> OperationalPlan:
    return (
        OperationalPlan.objects.select_for_update(of=("self",))
        .select_related("area", "area__round")
        .get(pk=plan.pk)
    )


def _copy_back(plan, locked):
    for f in locked._meta.concrete_fields:
        setattr(plan, f.attname, getattr(locked, f.attname))
    return plan


def _people(area, *, lead=True, rm=True, pms=False, funders=False, extra=()):
    people = []
    if lead:
        people += lead_members(area)
    if rm:
        people.append(relationship_manager(area))
    if pms:
        people += selectors.programme_managers()
    if funders:
        people += selectors.funder_officers()
    return [p for p in [*people, *extra] if p is not None]


def _plan_for_edit(area: Area, user) -> OperationalPlan | None:
    plan = OperationalPlan.objects.filter(area=area).first()
    require(plan_perms.can_edit_documents(user, area, plan))
    return plan


# Documents ---------------------------------------------------------------------------------------


def strategy_save(
    *, area: Area, user, issues: str, evidence_of_need: str, who_engaged: str
) -> DevelopmentStrategy:
    """Create or update the area's development strategy."""
    require(plan_perms.can_edit_documents(user, area))
    with transaction.atomic():
        strategy, created = DevelopmentStrategy.objects.select_for_update().get_or_create(area=area)
        strategy.issues = issues
        strategy.evidence_of_need = evidence_of_need
        strategy.who_engaged = who_engaged
        strategy.updated_by = user
        strategy.save()
        activity_record(
            verb="strategy.saved",
            summary="Development strategy " + ("started" if created else "updated"),
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=strategy,
        )
    return strategy


def logic_model_save(*, area: Area, rows: list[dict], user) -> LogicModel:
    """Replace the area's logic model rows with `rows`, in the order given (blank rows dropped)."""
    with transaction.atomic():
        _plan_for_edit(area, user)
        logic_model, created = LogicModel.objects.select_for_update().get_or_create(area=area)
        kept = [
            {f: (row.get(f) or "").strip() for f in LOGIC_MODEL_FIELDS}
            for row in rows
            if any((row.get(f) or "").strip() for f in LOGIC_MODEL_FIELDS)
        ]
        logic_model.rows.all().delete()
        LogicModelRow.objects.bulk_create(
            [
                LogicModelRow(logic_model=logic_model, order=i, **row)
                for i, row in enumerate(kept, 1)
            ]
        )
        logic_model.updated_by = user
        logic_model.save()
        activity_record(
            verb="logic_model.saved",
            summary=f"Logic model {'started' if created else 'updated'} ({len(kept)} rows)",
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=logic_model,
        )
    return logic_model


def cba_save(
    *, area: Area, user, costs: list[dict], benefits: list[dict], notes: str = ""
) -> CostBenefitAnalysis:
    """Replace the area's CBA lines. The discount rate is copied from the round when the CBA is
    started, so a later change to the round does not silently rewrite a submitted analysis."""
    with transaction.atomic():
        _plan_for_edit(area, user)
        cba, created = CostBenefitAnalysis.objects.select_for_update().get_or_create(
            area=area, defaults={"discount_rate_pct": area.round.discount_rate_pct}
        )
        cba.notes = notes
        cba.updated_by = user
        cba.full_clean()
        cost_objs = [CostLine(cba=cba, **c) for c in costs]
        benefit_objs = [BenefitLine(cba=cba, **b) for b in benefits]
        for obj in [*cost_objs, *benefit_objs]:
            obj.full_clean(exclude=["cba"])
        cba.save()
        cba.costs.all().delete()
        cba.benefits.all().delete()
        CostLine.objects.bulk_create(cost_objs)
        BenefitLine.objects.bulk_create(benefit_objs)
        activity_record(
            verb="cba.saved",
            summary=f"Cost benefit analysis {'started' if created else 'updated'}",
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=cba,
        )
    return cba


def cba_calculate(cba: CostBenefitAnalysis) -> CbaResult:
    """Totals, present values, NPV, benefit-cost ratio and payback year, with the working by year.
    A pure function of the CBA's lines and its discount rate (see plans/cba.py)."""
    return cba_maths.calculate(
        discount_rate_pct=cba.discount_rate_pct,
        costs=cba.costs.all(),
        benefits=cba.benefits.all(),
    )


def plan_save(
    *,
    area: Area,
    user,
    sections: dict[str, str],
    budget_arrangements: list[dict] | None = None,
    resourcing_lines: list[dict] | None = None,
    occurred_at=None,
    imported: bool = False,
) -> OperationalPlan:
    """Create or update the plan's sections and, when given, replace its budget arrangements and
    planned funding lines."""
    with transaction.atomic():
        plan, created = OperationalPlan.objects.get_or_create(area=area)
        plan = _lock(plan)
        require(plan_perms.can_edit_documents(user, area, plan))
        for key, _label in PLAN_SECTIONS:
            if key in sections:
                setattr(plan, key, sections[key] or "")
        plan.updated_by = user
        plan.save()
        if budget_arrangements is not None:
            plan.budget_arrangements.all().delete()
            for b in budget_arrangements:
                obj = plan.budget_arrangements.model(plan=plan, **b)
                obj.full_clean(exclude=["plan"])
                obj.save()
        if resourcing_lines is not None:
            plan.resourcing_lines.all().delete()
            seen = set()
            for r in resourcing_lines:
                key = (r["source"], r["year"])
                if key in seen:
                    raise ValidationError(
                        "Each funding source can appear only once per year: add the amounts "
                        "together instead."
                    )
                seen.add(key)
                obj = plan.resourcing_lines.model(plan=plan, **r)
                obj.full_clean(exclude=["plan"])
                obj.save()
        activity_record(
            verb="plan.saved",
            summary="Operational plan " + ("started" if created else "updated"),
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=plan,
            occurred_at=occurred_at,
            imported=imported,
        )
    return plan


def attachment_add(
    *, area: Area, user, uploaded_file, title: str = "", document: str = "plan"
) -> PlanAttachment:
    """Store a supporting document privately. PDF, DOCX, XLSX or ODT only, 10 MB at most; the
    content is checked as well as the name, so a renamed file is refused."""
    plan = OperationalPlan.objects.filter(area=area).first() if document == "plan" else None
    require(plan_perms.can_edit_documents(user, area, plan))
    name = PurePath(uploaded_file.name).name
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_ATTACHMENT_TYPES:
        raise ValidationError({"file": "Upload a PDF, Word (DOCX), Excel (XLSX) or ODT document."})
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"file": f"The file is {uploaded_file.size / 1048576:.1f} MB; the limit is 10 MB."}
        )
    head = uploaded_file.read(4)
    uploaded_file.seek(0)
    expected = b"%PDF" if suffix == ".pdf" else b"PK\x03\x04"
    if head != expected:
        raise ValidationError({"file": f"This file's content is not a real {suffix[1:].upper()}."})
    with transaction.atomic():
        attachment = PlanAttachment(
            area=area,
            document=document,
            title=title or name,
            filename=name,
            size=uploaded_file.size,
            uploaded_by=user,
        )
        attachment.file.save(name, uploaded_file, save=False)
        attachment.save()
        activity_record(
            verb="plan.attachment_added",
            summary=f"Added the document “{attachment.title}”",
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=attachment,
        )
    return attachment


def attachment_remove(*, attachment: PlanAttachment, user) -> None:
    plan = (
        OperationalPlan.objects.filter(area_id=attachment.area_id).first()
        if attachment.document == "plan"
        else None
    )
    require(plan_perms.can_edit_documents(user, attachment.area, plan))
    with transaction.atomic():
        activity_record(
            verb="plan.attachment_removed",
            summary=f"Removed the document “{attachment.title}”",
            actor=user,
            area=attachment.area,
            visibility=Visibility.AREA,
        )
        storage, path = attachment.file.storage, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))


# Workflow ----------------------------------------------------------------------------------------


def plan_snapshot(plan: OperationalPlan) -> dict:
    """Everything a version freezes, as JSON-ready data."""
    area = plan.area
    rows = selectors.logic_model_rows(area)
    cba = CostBenefitAnalysis.objects.filter(area=area).first()
    return {
        "sections": {key: getattr(plan, key) for key, _ in PLAN_SECTIONS},
        "budget_arrangements": [
            {
                "kind": b.kind,
                "kind_label": b.get_kind_display(),
                "partner_name": b.partner_name,
                "amount": str(b.amount),
                "description": b.description,
            }
            for b in plan.budget_arrangements.all()
        ],
        "resourcing_lines": [
            {
                "source": r.source,
                "source_label": r.get_source_display(),
                "year": r.year,
                "planned_amount": str(r.planned_amount),
                "notes": r.notes,
            }
            for r in plan.resourcing_lines.all()
        ],
        "logic_model": [r.as_dict() for r in rows],
        "cba": cba_calculate(cba).summary() if cba else None,
    }


def _freeze(plan: OperationalPlan, *, kind: str, user, when) -> PlanVersion:
    plan.version_number += 1
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version_number,
        kind=kind,
        content=plan_snapshot(plan),
        submitted_by=user,
        submitted_at=when,
    )


def _require_in_programme(area, doing: str, imported: bool = False) -> None:
    """Refuse work on the plan of an area that has withdrawn or not progressed (history being
    imported is recorded as it happened)."""
    if not imported and area.status != AreaStatus.ACTIVE:
        raise ValidationError(
            f"{area.name} has left the programme ({area.get_status_display().lower()}), so its "
            f"plan can no longer be {doing}."
        )


def plan_submit_draft(
    *, plan: OperationalPlan, user, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    """Send the draft plan: freezes a numbered version that peer reviewers and staff read.
    `imported` history keeps its own date (`occurred_at`) and notifies nobody."""
    with transaction.atomic():
        locked = _lock(plan)
        require(plan_perms.can_submit_plan(user, locked))
        _check_move(locked, PlanStatus.DRAFT_SUBMITTED, user)
        _require_in_programme(locked.area, "submitted", imported)
        now = occurred_at or timezone.now()
        version = _freeze(locked, kind=PlanVersion.Kind.DRAFT, user=user, when=now)
        locked.status = PlanStatus.DRAFT_SUBMITTED
        locked.submitted_by, locked.submitted_at = user, now
        locked.save()
        activity_record(
            verb="plan.draft_submitted",
            summary=f"Draft operational plan submitted (version {version.number})",
            actor=user,
            area=locked.area,
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=now,
            imported=imported,
            notify=_people(locked.area, pms=True),
        )
    return _copy_back(plan, locked)


def final_plan_problems(plan: OperationalPlan) -> list[str]:
    """Why the final plan cannot be submitted yet (empty when it can)."""
    problems = []
    if not LogicModelRow.objects.filter(logic_model__area_id=plan.area_id).exists():
        problems.append("Add a logic model with at least one row before submitting the final plan.")
    if selectors.area_requires_cba(plan.area):
        cba = CostBenefitAnalysis.objects.filter(area_id=plan.area_id).first()
        if cba is None or not cba.costs.exists() or not cba.benefits.exists():
            problems.append(
                "This area must include a cost benefit analysis with at least one cost line and "
                "one benefit line before submitting the final plan."
            )
    return problems


def plan_submit_final(
    *, plan: OperationalPlan, user, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    """Send the final plan for review. Refused without a logic model, or without a CBA when the
    Getting Going decision required one. Freezes a numbered version and, the first time only,
    releases the Getting Going payment held back until now. `imported` history keeps its own date;
    its logic model and CBA live in the old records, so their absence does not refuse it."""
    with transaction.atomic():
        locked = _lock(plan)
        require(plan_perms.can_submit_plan(user, locked))
        _check_move(locked, PlanStatus.FINAL_SUBMITTED, user)
        _require_in_programme(locked.area, "submitted", imported)
        problems = [] if imported else final_plan_problems(locked)
        if problems:
            raise ValidationError(problems)
        now = occurred_at or timezone.now()
        resubmission = locked.status == PlanStatus.RETURNED
        version = _freeze(locked, kind=PlanVersion.Kind.FINAL, user=user, when=now)
        locked.status = PlanStatus.FINAL_SUBMITTED
        locked.submitted_by, locked.submitted_at = user, now
        locked.final_submitted_at = now
        locked.overdue_flagged_at = None
        released = []
        if locked.retention_released_at is None:
            from grants.services import retention_release

            released = retention_release(
                area=locked.area, actor=user, occurred_at=now, imported=imported
            )
            locked.retention_released_at = now
        locked.save()
        activity_record(
            verb="plan.final_submitted",
            summary=(
                f"Final operational plan {'resubmitted' if resubmission else 'submitted'} "
                f"(version {version.number})"
            ),
            actor=user,
            area=locked.area,
            visibility=Visibility.AREA,
            target=locked,
            data={"released_payments": [p.pk for p in released]},
            occurred_at=now,
            imported=imported,
            notify=_people(locked.area, pms=True),
        )
    return _copy_back(plan, locked)


def plan_start_review(
    *, plan: OperationalPlan, user, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    with transaction.atomic():
        locked = _lock(plan)
        _check_move(locked, PlanStatus.UNDER_REVIEW, user)
        locked.status = PlanStatus.UNDER_REVIEW
        locked.save()
        activity_record(
            verb="plan.review_started",
            summary="Review of the final operational plan started",
            actor=user,
            area=locked.area,
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=occurred_at,
            imported=imported,
            notify=_people(locked.area),
        )
    return _copy_back(plan, locked)


def plan_return(
    *,
    plan: OperationalPlan,
    user,
    comments: dict[str, str],
    occurred_at=None,
    imported: bool = False,
) -> OperationalPlan:
    """Return the plan for changes with a comment per section. Any signature already given no
    longer applies: the plan will change, so both parties sign the resubmitted version."""
    comments = {k: (v or "").strip() for k, v in comments.items() if (v or "").strip()}
    known = dict(COMMENTABLE_SECTIONS)
    unknown = [k for k in comments if k not in known]
    if unknown:
        raise ValidationError(f"Unknown section: {', '.join(unknown)}.")
    if not comments:
        raise ValidationError("Say what needs to change in at least one section.")
    with transaction.atomic():
        locked = _lock(plan)
        _check_move(locked, PlanStatus.RETURNED, user)
        version = selectors.latest_version(locked)
        SectionComment.objects.bulk_create(
            [
                SectionComment(plan=locked, version=version, section=k, comment=v, author=user)
                for k, v in comments.items()
            ]
        )
        locked.sign_offs.all().delete()
        now = occurred_at or timezone.now()
        locked.status = PlanStatus.RETURNED
        locked.decided_by, locked.decided_at = user, now
        locked.save()
        activity_record(
            verb="plan.returned",
            summary="Operational plan returned for changes",
            actor=user,
            area=locked.area,
            reason="\n".join(f"{known[k]}: {v}" for k, v in comments.items()),
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=now,
            imported=imported,
            notify=_people(locked.area, pms=True, funders=True),
        )
    return _copy_back(plan, locked)


def plan_not_approve(
    *, plan: OperationalPlan, user, reasons: str, occurred_at=None, imported: bool = False
) -> OperationalPlan:
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError("Give the reasons the plan is not approved.")
    with transaction.atomic():
        locked = _lock(plan)
        _check_move(locked, PlanStatus.NOT_APPROVED, user)
        locked.status = PlanStatus.NOT_APPROVED
        locked.decided_by, locked.decided_at = user, occurred_at or timezone.now()
        locked.decision_reason = reasons
        locked.save()
        activity_record(
            verb="plan.not_approved",
            summary="Operational plan not approved",
            actor=user,
            area=locked.area,
            reason=reasons,
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=locked.decided_at,
            imported=imported,
            notify=_people(locked.area, pms=True, funders=True),
        )
        # A plan not approved is the end of the road for the area, as a refused Getting Going
        # gate is: it did not progress to implementation.
        area_move(
            area=locked.area,
            status=AreaStatus.NOT_PROGRESSED,
            actor=user,
            summary="Did not progress: operational plan not approved",
            reason=reasons,
            occurred_at=locked.decided_at,
            imported=imported,
        )
    return _copy_back(plan, locked)


def _party_for(user) -> str:
    if perms.is_programme_manager(user):
        return SignOffParty.PROGRAMME_MANAGER
    if perms.is_funder_officer(user):
        return SignOffParty.FUNDER
    raise PermissionDenied("Only a programme manager or a funder officer can sign off a plan.")


def plan_sign_off(
    *, plan: OperationalPlan, user, comment: str = "", occurred_at=None, imported: bool = False
) -> OperationalPlan:
    """Record the programme manager's or the funder's signature, in the order the round sets.
    The second signature signs the plan off and moves the area to implementation."""
    party = _party_for(user)
    with transaction.atomic():
        locked = _lock(plan)
        signed = set(locked.sign_offs.values_list("party", flat=True))
        if party in signed:
            raise ValidationError(
                f"The {SignOffParty(party).label.lower()} has already signed this plan."
            )
        _require_in_programme(locked.area, "signed off", imported)
        other_signed = bool(signed - {party})
        if other_signed:
            target = PlanStatus.SIGNED_OFF
        elif party == SignOffParty.PROGRAMME_MANAGER:
            target = PlanStatus.PM_APPROVED
        else:
            target = PlanStatus.FUNDER_APPROVED
        _check_move(locked, target, user)
        now = occurred_at or timezone.now()
        SignOff.objects.create(
            plan=locked, party=party, user=user, signed_at=now, comment=comment.strip()
        )
        locked.status = target
        if target == PlanStatus.SIGNED_OFF:
            locked.decided_by, locked.decided_at = user, now
        locked.save()
        area = locked.area
        activity_record(
            verb="plan.signed_off" if target == PlanStatus.SIGNED_OFF else "plan.signed",
            summary=(
                "Operational plan signed off by both parties"
                if target == PlanStatus.SIGNED_OFF
                else f"Operational plan signed by the {SignOffParty(party).label.lower()}"
            ),
            actor=user,
            area=area,
            reason=comment.strip(),
            visibility=Visibility.AREA,
            target=locked,
            occurred_at=now,
            imported=imported,
            notify=_people(area, pms=True, funders=True),
        )
        # Only an area not yet in implementation moves; one already there (or beyond, in Making
        # it Happen) keeps its stage.
        before = AREA_STAGE_ORDER.index(area.stage) < AREA_STAGE_ORDER.index(
            AreaStage.IMPLEMENTATION
        )
        if target == PlanStatus.SIGNED_OFF and before:
            area_move(
                area=area,
                stage=AreaStage.IMPLEMENTATION,
                actor=user,
                summary="Plan signed off: the area is now in implementation",
                reason=comment.strip(),
                occurred_at=now,
                imported=imported,
            )
    return _copy_back(plan, locked)


# Peer review -------------------------------------------------------------------------------------


def peer_review_assign(
    *,
    plan: OperationalPlan,
    reviewer_organisations: list[Organisation],
    user,
    due_on: date,
) -> list[PeerReviewAssignment]:
    """Ask other lead organisations in the same round to review a submitted draft. When the round
    requires peer review, a plan needs at least two reviewers."""
    require(plan_perms.can_assign_peer_reviews(user))
    with transaction.atomic():
        locked = _lock(plan)
        area = locked.area
        if locked.status != PlanStatus.DRAFT_SUBMITTED:
            raise ValidationError("Peer reviewers are assigned once the draft plan is submitted.")
        if due_on < timezone.localdate():
            raise ValidationError({"due_on": "The due date cannot be in the past."})
        orgs = list(dict.fromkeys(reviewer_organisations))
        eligible = set(
            Area.objects.filter(round_id=area.round_id)
            .exclude(lead_organisation_id=area.lead_organisation_id)
            .values_list("lead_organisation_id", flat=True)
        )
        wrong = [o.name for o in orgs if o.pk not in eligible]
        if wrong:
            raise ValidationError(
                {
                    "reviewer_organisations": "Reviewers must be other lead organisations in "
                    f"{area.round}: {', '.join(wrong)} cannot review this plan."
                }
            )
        existing = set(
            locked.peer_review_assignments.values_list("reviewer_organisation_id", flat=True)
        )
        new = [o for o in orgs if o.pk not in existing]
        if not new:
            raise ValidationError({"reviewer_organisations": "Choose at least one new reviewer."})
        if area.round.peer_review_required and len(existing) + len(new) < 2:
            raise ValidationError(
                {
                    "reviewer_organisations": "This round asks for at least two peer reviewers per plan."
                }
            )
        created = [
            PeerReviewAssignment.objects.create(
                plan=locked, reviewer_organisation=o, assigned_by=user, due_on=due_on
            )
            for o in new
        ]
        activity_record(
            verb="plan.peer_reviewers_assigned",
            summary=f"Peer reviewers assigned: {', '.join(o.name for o in new)}",
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=locked,
            notify=_people(area),
        )
        for assignment in created:
            activity_record(
                verb="peer_review.assigned",
                summary=f"Please peer review the draft plan for {area.name} by {due_on:%-d %B %Y}",
                actor=user,
                visibility=Visibility.STAFF,
                target=assignment,
                notify=selectors.organisation_members(assignment.reviewer_organisation_id),
            )
    return created


def peer_review_submit(
    *,
    assignment: PeerReviewAssignment,
    user,
    strengths: str,
    suggestions: str,
    questions: str = "",
    overall_rating: int,
) -> PeerReview:
    """A reviewer's structured feedback; the plan's authors and programme staff read it."""
    with transaction.atomic():
        assignment = (
            PeerReviewAssignment.objects.select_for_update(of=("self",))
            .select_related("plan", "plan__area")
            .get(pk=assignment.pk)
        )
        require(plan_perms.can_submit_peer_review(user, assignment))
        review = PeerReview(
            assignment=assignment,
            strengths=strengths.strip(),
            suggestions=suggestions.strip(),
            questions=(questions or "").strip(),
            overall_rating=overall_rating,
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        review.full_clean()
        review.save()
        area = assignment.plan.area
        activity_record(
            verb="peer_review.submitted",
            summary=f"Peer review received from {assignment.reviewer_organisation}",
            actor=user,
            area=area,
            visibility=Visibility.AREA,
            target=review,
            notify=_people(area, pms=True),
        )
    return review


def section_label(key: str) -> str:
    return dict(COMMENTABLE_SECTIONS).get(key) or SECTION_LABELS.get(key, key)


__all__ = [
    "cba_calculate",
    "logic_model_save",
    "cba_save",
    "plan_save",
    "plan_submit_draft",
    "plan_submit_final",
    "plan_start_review",
    "plan_return",
    "plan_not_approve",
    "plan_sign_off",
    "peer_review_assign",
    "peer_review_submit",
]
