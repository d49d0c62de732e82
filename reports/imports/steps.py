"""The second pass of a records import: the steps one checked record goes through.

    the round        found by its slug, or created (with its Getting Going milestone)
    the area         found by reference (admitted records) or the application already imported
    organisation     found by name, or created
    application      created, submitted, then withdrawn, rejected or admitted (making the area)
    gate             the Getting Going gate application and its decision
    plan             the final plan, then its outcome (signed off, not approved or returned)
    payments         none of its own: the grants services record the money each decision
                     releases as already paid, on the record's dates

Each step writes through the same services as the web app, with ``imported=True`` and the
record's own dates, and returns whether it wrote anything, so importing the same file again
changes nothing. A value the services cannot change (an outcome already recorded differently)
raises `RowError` naming the column.

The file has no Getting Going dates, so gate applications are dated at the round's Getting Going
milestone (never before the application, never after the final plan), and decisions on
applications to join are dated on the day of the application.
"""

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import OrganisationMembership, Role, User
from activity.services import activity_record_many
from applications import selectors as application_selectors
from applications import services as application_services
from applications.models import Application, GateApplication, GateStage
from plans import selectors as plan_selectors
from plans import services as plan_services
from plans.models import SignOff
from plans.workflows import PlanStatus
from programmes import services as programme_services
from programmes.models import Area, AreaStatus, Milestone, Organisation, Programme, Round, Stage

from . import live
from .reading import ImportFailed, Record

if TYPE_CHECKING:
    from .pipeline import ImportContext

PLACEHOLDER = "Not recorded in the imported record."
# What imported decisions say (the bulk writer writes the same words).
WITHDRAWN_REASON = "Withdrawn (imported record)."
REJECTED_REASON = "Not admitted (imported record)."
NOT_APPROVED_REASON = "Not approved (imported record)."
RETURNED_COMMENT = "Returned for changes (imported record)."
GATE_SUMMARY = "Imported record."
IMPORT_PM = "records-import"
IMPORT_FUNDER = "records-import-funder"
UNDECIDED = {PlanStatus.FINAL_SUBMITTED, PlanStatus.UNDER_REVIEW}
PLAN_OUTCOMES = {
    "": None,
    "approved": PlanStatus.SIGNED_OFF,
    "not approved": PlanStatus.NOT_APPROVED,
    "returned": PlanStatus.RETURNED,
}


class RowError(Exception):
    """A record the import cannot write, with the column at fault."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def at(day: datetime.date) -> datetime.datetime:
    """Noon on the record's day, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def system_user(username: str, role: str, first_name: str) -> User:
    """The import's own user for `role` (found, or made with no password so nobody can sign in
    as it)."""
    user, made = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "first_name": first_name, "last_name": "(records import)"},
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def contact_for(ctx: "ImportContext", organisation: Organisation) -> User:
    """The lead organisation user the imported applications are made by: one per organisation,
    with no password, so nobody can sign in as it."""
    user = ctx.contacts.get(organisation.pk)
    if user is None:
        user = system_user(
            f"records-import-org-{organisation.pk}",
            Role.LEAD_ORGANISATION,
            organisation.name[:150],
        )
        OrganisationMembership.objects.get_or_create(user=user, organisation=organisation)
        user.__dict__.pop("_organisation_ids", None)
        ctx.contacts[organisation.pk] = user
    return user


def known_areas(records: list[Record]) -> dict[str, int]:
    """The areas already recorded under the file's references: reference → area id."""
    refs = [r.reference for r in records]
    found = {}
    for start in range(0, len(refs), 1000):
        chunk = refs[start : start + 1000]
        found.update(Area.objects.filter(reference__in=chunk).values_list("reference", "pk"))
    return found


def organisations_named(records: list[Record]) -> dict[str, Organisation]:
    """The organisations already recorded under the file's lead organisation names, by name_key
    (the first recorded, when two share a name): one indexed query per thousand names."""
    keys = sorted({r.lead_organisation.lower() for r in records})
    found: dict[str, Organisation] = {}
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        for org in Organisation.objects.filter(name_key__in=chunk).order_by("-pk"):
            found[org.name_key] = org
    return found


def settle_history(ctx: "ImportContext", *, source: str, entries=()) -> None:
    """Make what the import's own decision makers did imported history: sign-offs are marked
    imported with the file as their source, decisions and entries name no user, and the import's
    programme manager and funder users (needed only while the services ran) are removed, so no
    account holding a role stands behind imported history. `entries` are the import's activity
    entries, not yet written: they are appended to their chains here, naming no import user
    (their hashes cover the actor, so it is taken off before they are hashed)."""
    users = [ctx.pm.pk, ctx.funder.pk]
    SignOff.objects.filter(user_id__in=users).update(user=None, imported=True, source=source)
    for entry in entries:
        if entry.actor_id in users:
            entry.actor = None
    activity_record_many(list(entries))
    Application.objects.filter(decided_by_id__in=users).update(decided_by=None)
    GateApplication.objects.filter(decided_by_id__in=users).update(decided_by=None)
    GateApplication.objects.filter(created_by_id__in=users).update(created_by=None)
    try:
        with transaction.atomic():
            User.objects.filter(pk__in=users).delete()
    except ProtectedError:
        # Something else still names them (work from before imports were history): keep the
        # accounts, but with no role and unable to sign in.
        User.objects.filter(pk__in=users).update(role=Role.LEAD_ORGANISATION, is_active=False)


# --- The round -------------------------------------------------------------------------------------


def find_or_create_round(records: list[Record], round_slug: str) -> tuple[Round, bool]:
    """The round being imported into, and whether it was created: a new round spans the file's
    dates, with the programme's standard stage definitions."""
    rnd = Round.objects.filter(slug=round_slug).first()
    if rnd is not None:
        return rnd, False
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise ImportFailed(
            [f"line 2, column round: there is no programme to add round {round_slug} to."]
        )
    days = [d for r in records for d in (r.applied_on, r.plan_submitted_on, r.plan_decided_on) if d]
    applied = [r.applied_on for r in records] or [timezone.localdate()]
    starts, ends = min(applied), max(days or applied)
    if ends <= starts:
        ends = starts + datetime.timedelta(days=365)
    rnd = programme_services.round_create(
        programme=programme,
        slug=round_slug,
        name=round_slug.replace("-", " ").capitalize(),
        opens_on=starts,
        closes_on=max(applied),
        starts_on=starts,
        ends_on=ends,
        status=Round.Status.FINISHED if ends < timezone.localdate() else Round.Status.LIVE,
    )
    return rnd, True


def gate_milestone(rnd: Round, records: list[Record]) -> Milestone | None:
    """The round's Getting Going milestone; added (90 days after the last application) when the
    file has gate outcomes and the round has none."""
    milestone = (
        rnd.milestones.filter(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
        .order_by("due_on")
        .first()
    )
    if milestone is None and any(r.getting_going_outcome for r in records):
        latest = max(r.applied_on for r in records)
        milestone = programme_services.milestone_add(
            round=rnd,
            name="Getting Going application",
            kind=Milestone.Kind.GETTING_GOING_APPLICATION,
            stage=Stage.GETTING_GOING,
            due_on=latest + datetime.timedelta(days=90),
        )
    return milestone


# --- One record ------------------------------------------------------------------------------------


def import_record(ctx: "ImportContext", record: Record) -> str:
    """Bring one record into the round: "created", "updated" or "unchanged"."""
    if record.application_outcome == "admitted":
        area = admitted_area(ctx, record)
        if area is not None:
            return "updated" if later_steps(ctx, record, area) else "unchanged"
    elif application_imported_before(ctx, record):
        return "unchanged"
    area = apply_application(ctx, record)
    if area is not None:
        later_steps(ctx, record, area)
    return "created"


def admitted_area(ctx: "ImportContext", record: Record) -> Area | None:
    """The area an admitted record was imported as before (matched on reference), after checking
    it is in this round and recorded with the same details; None when it is new."""
    area = Area.objects.filter(reference=record.reference).select_related("round").first()
    if area is None:
        return None
    if area.round_id != ctx.round.pk:
        raise RowError("reference", f"{record.reference} belongs to {area.round.name}.")
    recorded = {
        "area_name": area.name,
        "local_authority": area.local_authority,
        "lead_organisation": area.lead_organisation.name,
        "approach": area.approach,
    }
    for column, value in recorded.items():
        if getattr(record, column).lower() != (value or "").lower():
            raise RowError(
                column,
                f"{record.reference} is recorded with “{value}”; the import does not change it.",
            )
    themes = [at.theme_id for at in area.area_themes.order_by("position")]
    if themes != [t.pk for t in record.themes]:
        raise RowError(
            "themes",
            f"{record.reference} is recorded with other themes; the import does not change them.",
        )
    return area


def application_imported_before(ctx: "ImportContext", record: Record) -> bool:
    """Whether a record that never became an area was imported before (matched on round, lead
    organisation and neighbourhood name), with the same outcome."""
    existing = application_selectors.sent_application_matching(
        round=ctx.round,
        organisation_name=record.lead_organisation,
        area_name=record.area_name,
    )
    if existing is None:
        return False
    if live.application_is_live(existing):
        raise RowError(
            "reference",
            "this application was made in the app; an import writes history and never "
            "changes live work.",
        )
    if existing.status != record.application_outcome:
        raise RowError(
            "application_outcome",
            f"this application is already recorded as {existing.get_status_display()}"
            "; the import cannot change it.",
        )
    return True


def find_or_create_organisation(ctx: "ImportContext", record: Record) -> Organisation:
    """The lead organisation, matched on its name in any case (its indexed name_key); created
    when it is new."""
    key = record.lead_organisation.lower()
    org = ctx.organisations.get(key)
    if org is None:
        org = programme_services.organisation_save(
            organisation=Organisation(name=record.lead_organisation, org_type=record.org_type),
            actor=ctx.pm,
        )
        ctx.organisations[key] = org
        ctx.result.counts["organisations"] += 1
    return org


def apply_application(ctx: "ImportContext", record: Record) -> Area | None:
    """Make and send the application to join, then record its outcome: the new area when it was
    admitted, None when it was withdrawn or rejected."""
    org = find_or_create_organisation(ctx, record)
    contact = contact_for(ctx, org)
    when = at(record.applied_on)
    application = application_services.application_create(
        round=ctx.round,
        applicant=contact,
        organisation=org,
        details={
            "area_name": record.area_name,
            "local_authority": record.local_authority,
            "approach": record.approach,
            "issues": PLACEHOLDER,
            "services_involved": PLACEHOLDER,
            "expected_outcomes": PLACEHOLDER,
        },
        themes=record.themes,
        imported=True,
    )
    ctx.result.counts["applications"] += 1
    application_services.application_submit(
        application=application, actor=contact, occurred_at=when, imported=True
    )
    return decide_application(ctx, record, application, contact)


def decide_application(ctx: "ImportContext", record: Record, application, contact) -> Area | None:
    """Withdraw, reject or admit the sent application as the record says, on its day."""
    when = at(record.applied_on)
    if record.application_outcome == "withdrawn":
        application_services.application_withdraw(
            application=application,
            actor=contact,
            reason=WITHDRAWN_REASON,
            occurred_at=when,
            imported=True,
        )
        return None
    application_services.application_start_assessment(
        application=application, actor=ctx.pm, occurred_at=when, imported=True
    )
    if record.application_outcome == "rejected":
        application_services.application_decide(
            application=application,
            decision="reject",
            reasons=REJECTED_REASON,
            actor=ctx.pm,
            occurred_at=when,
            imported=True,
        )
        return None
    application = application_services.application_decide(
        application=application,
        decision="admit",
        reasons="",
        actor=ctx.pm,
        occurred_at=when,
        imported=True,
        reference=record.reference,
    )
    ctx.result.counts["areas"] += 1
    return application.area


def later_steps(ctx: "ImportContext", record: Record, area: Area) -> bool:
    """Bring the area's Getting Going gate and plan up to the record. True if anything was
    written."""
    changed = apply_gate(ctx, record, area)
    changed = apply_plan(ctx, record, area) or changed
    return changed


# --- The Getting Going gate ------------------------------------------------------------------------


def gate_day(ctx: "ImportContext", record: Record) -> datetime.date:
    """The round's Getting Going milestone, but never before the application nor after the
    final plan."""
    day = ctx.milestone.due_on if ctx.milestone else record.applied_on
    day = max(day, record.applied_on)
    if record.plan_submitted_on:
        day = min(day, record.plan_submitted_on)
    return day


def apply_gate(ctx: "ImportContext", record: Record, area: Area) -> bool:
    """Record the Getting Going gate application and its outcome, unless it is already recorded
    (with the same outcome) or the area never applied. True if anything was written."""
    gate = application_selectors.latest_getting_going_gate(area=area)
    wanted = record.getting_going_outcome
    if gate is not None:
        if gate.status != wanted or gate.cba_required != record.cba_required:
            raise RowError(
                "getting_going_outcome",
                f"the Getting Going application is already recorded as "
                f"{gate.get_status_display().lower()}"
                + ("; CBA required" if gate.cba_required else "")
                + "; the import cannot change it.",
            )
        return False
    if not wanted:
        return False
    contact = contact_for(ctx, area.lead_organisation)
    when = at(gate_day(ctx, record))
    gate = application_services.gate_create(
        area=area,
        actor=contact,
        target_stage=GateStage.GETTING_GOING,
        milestone=ctx.milestone,
        summary=GATE_SUMMARY,
        occurred_at=when,
        imported=True,
    )
    application_services.gate_submit(gate=gate, actor=contact, occurred_at=when, imported=True)
    if wanted == "withdrawn":
        application_services.gate_withdraw(
            gate=gate,
            actor=contact,
            reason=WITHDRAWN_REASON,
            occurred_at=when,
            imported=True,
        )
    else:
        application_services.gate_decide(
            gate=gate,
            decision="approve" if wanted == "approved" else "reject",
            reasons="" if wanted == "approved" else NOT_APPROVED_REASON,
            actor=ctx.pm,
            cba_required=record.cba_required,
            occurred_at=when,
            imported=True,
        )
    ctx.result.counts["getting_going_decisions"] += 1
    area.refresh_from_db()
    return True


# --- The operational plan --------------------------------------------------------------------------


def apply_plan(ctx: "ImportContext", record: Record, area: Area) -> bool:
    """Record the final plan and its outcome where the record has them and the area has not.
    True if anything was written."""
    plan = plan_selectors.area_plan(area=area)
    submitted = plan is not None and plan.final_submitted_at is not None
    if record.plan_submitted_on is None:
        if submitted:
            raise RowError(
                "plan_submitted_on",
                "a final plan is already recorded; the import cannot remove it.",
            )
        return False
    changed = False
    if not submitted:
        plan = submit_final_plan(ctx, record, area)
        changed = True
    return apply_plan_outcome(ctx, record, plan) or changed


def submit_final_plan(ctx: "ImportContext", record: Record, area: Area):
    """Save a placeholder plan and submit it as final (through draft) on the record's day."""
    if area.status != AreaStatus.ACTIVE:
        raise RowError("plan_submitted_on", "the area is no longer active.")
    contact = contact_for(ctx, area.lead_organisation)
    when = at(record.plan_submitted_on)
    plan = plan_services.plan_save(
        area=area,
        actor=contact,
        sections={"issues_and_why": PLACEHOLDER},
        occurred_at=when,
        imported=True,
    )
    if plan.status == PlanStatus.DRAFT:
        plan = plan_services.plan_submit_draft(
            plan=plan, actor=contact, occurred_at=when, imported=True
        )
    plan = plan_services.plan_submit_final(
        plan=plan, actor=contact, occurred_at=when, imported=True
    )
    ctx.result.counts["final_plans"] += 1
    return plan


def apply_plan_outcome(ctx: "ImportContext", record: Record, plan) -> bool:
    """Record the plan's outcome on its day, unless it is already the record's. An outcome
    already decided differently is an error. True if anything was written."""
    outcome = PLAN_OUTCOMES[record.plan_outcome]
    if plan.status == outcome or (outcome is None and plan.status in UNDECIDED):
        return False
    if plan.status not in UNDECIDED:
        raise RowError(
            "plan_outcome",
            f"the plan is already recorded as {plan.get_status_display().lower()}; "
            "the import cannot change it.",
        )
    if outcome is None:
        return False
    when = at(record.plan_decided_on)
    if plan.status == PlanStatus.FINAL_SUBMITTED:
        plan = plan_services.plan_start_review(
            plan=plan, actor=ctx.pm, occurred_at=when, imported=True
        )
    if outcome == PlanStatus.SIGNED_OFF:
        for signer in (ctx.pm, ctx.funder):
            plan = plan_services.plan_sign_off(
                plan=plan, actor=signer, occurred_at=when, imported=True
            )
    elif outcome == PlanStatus.NOT_APPROVED:
        plan_services.plan_not_approve(
            plan=plan,
            actor=ctx.pm,
            reasons=NOT_APPROVED_REASON,
            occurred_at=when,
            imported=True,
        )
    else:
        plan_services.plan_return(
            plan=plan,
            actor=ctx.pm,
            comments={"general": RETURNED_COMMENT},
            occurred_at=when,
            imported=True,
        )
    ctx.result.counts["plan_outcomes"] += 1
    return True
