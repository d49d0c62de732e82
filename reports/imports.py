"""Importing a CRM export of historical records (``manage.py import_records FILE --round SLUG``).

Two passes. The first reads every row and checks every cell and the rules between cells, without
writing anything; any problem is reported as ``line N, column C: message`` (N is the physical line
in the file, the header being line 1). Only a clean file reaches the second pass, which writes
each record through the same services as the web app (with ``imported=True`` and the record's own
dates), inside one transaction: a problem a service finds aborts the whole import, so a file is
imported entirely or not at all.

Records are matched on ``reference``: an admitted record's reference is its area's reference; a
record that was never admitted has no area, so it is matched on its round, lead organisation and
neighbourhood name. Importing the same file again changes nothing. A record whose later outcome
is now known (a Getting Going decision, a final plan, a plan decision) is brought up to date; a
value the services cannot change (an outcome already recorded differently) is an error.

The file has no Getting Going dates, so gate applications are dated at the round's Getting Going
milestone (never before the application, never after the final plan), and decisions on
applications to join are dated on the day of the application.
"""

import csv
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import OrganisationMembership, Role, User
from programmes.models import (
    Area,
    AreaStatus,
    Milestone,
    Organisation,
    OrganisationType,
    Programme,
    Round,
    Stage,
    Theme,
)

COLUMNS = [
    "reference",
    "round",
    "area_name",
    "local_authority",
    "lead_organisation",
    "organisation_type",
    "themes",
    "approach",
    "applied_on",
    "application_outcome",
    "getting_going_outcome",
    "cba_required",
    "plan_submitted_on",
    "plan_outcome",
    "plan_decided_on",
]
ORG_TYPES = {t.label.lower(): t.value for t in OrganisationType}
APPROACHES = {"specific", "general"}
APPLICATION_OUTCOMES = {"admitted", "rejected", "withdrawn"}
GATE_OUTCOMES = {"", "approved", "rejected", "withdrawn"}
YES_NO = {"yes": True, "no": False}
PLAN_OUTCOMES = {"", "approved", "not approved", "returned"}
PLACEHOLDER = "Not recorded in the imported record."

IMPORT_PM = "records-import"
IMPORT_FUNDER = "records-import-funder"


class ImportFailed(Exception):
    """The file cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Record:
    line: int
    reference: str
    round: str
    area_name: str
    local_authority: str
    lead_organisation: str
    org_type: str
    themes: list
    approach: str
    applied_on: datetime.date
    application_outcome: str
    getting_going_outcome: str
    cba_required: bool
    plan_submitted_on: datetime.date | None
    plan_outcome: str
    plan_decided_on: datetime.date | None


@dataclass
class ImportResult:
    round: Round
    round_created: bool = False
    rows_created: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    counts: dict = field(
        default_factory=lambda: dict.fromkeys(
            [
                "organisations",
                "applications",
                "areas",
                "getting_going_decisions",
                "final_plans",
                "plan_outcomes",
            ],
            0,
        )
    )

    def summary_lines(self) -> list[str]:
        c = self.counts
        return [
            f"Rows: {self.rows_created} created, {self.rows_updated} updated, "
            f"{self.rows_unchanged} unchanged.",
            f"Created {c['organisations']} organisations, {c['applications']} applications, "
            f"{c['areas']} areas, {c['getting_going_decisions']} Getting Going decisions, "
            f"{c['final_plans']} final plans and {c['plan_outcomes']} plan outcomes.",
        ]


# --- Reading and checking -------------------------------------------------------------------------


def _date(value, column, errors, where, *, required):
    if not value:
        if required:
            errors.append(f"{where}, column {column}: a date is required (YYYY-MM-DD).")
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(f"{where}, column {column}: “{value}” is not a date in the form YYYY-MM-DD.")
        return None


def read_records(path, *, round_slug: str) -> list[Record]:
    """Read and check the whole file; raise ImportFailed listing every problem."""
    errors: list[str] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = _read_rows(handle, errors)
    except UnicodeDecodeError as exc:
        raise ImportFailed([f"line 1, column reference: the file is not UTF-8 ({exc.reason})."])
    except FileNotFoundError:
        raise ImportFailed([f"{path}: no such file."])
    if errors:
        raise ImportFailed(errors)
    themes = {t.name.lower(): t for t in Theme.objects.all()}
    organisations = {}
    for org in Organisation.objects.order_by("pk"):
        organisations.setdefault(org.name.lower(), org)
    records = []
    seen_refs: dict[str, int] = {}
    for line, row in rows:
        record = _check_row(line, row, round_slug, themes, organisations, seen_refs, errors)
        if record is not None:
            records.append(record)
    if errors:
        raise ImportFailed(errors)
    return records


def _read_rows(handle, errors) -> list[tuple[int, dict]]:
    reader = csv.reader(handle)
    header = next(reader, None)
    if header is None:
        errors.append("line 1, column reference: the file is empty.")
        return []
    header = [h.strip() for h in header]
    if header != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [h for h in header if h not in COLUMNS]
        for c in missing:
            errors.append(f"line 1, column {c}: this column is missing from the header.")
        for h in extra:
            errors.append(f"line 1, column {h}: this column is not expected.")
        if not missing and not extra:
            errors.append(
                "line 1, column reference: the columns must be in this order: " + ",".join(COLUMNS)
            )
        return []
    rows = []
    last = reader.line_num
    for values in reader:
        line = last + 1  # a quoted cell may span lines: report where the record starts
        last = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(COLUMNS):
            errors.append(
                f"line {line}, column reference: expected {len(COLUMNS)} cells, "
                f"found {len(values)}."
            )
            continue
        rows.append((line, {c: v.strip() for c, v in zip(COLUMNS, values, strict=True)}))
    return rows


def _check_row(line, row, round_slug, themes, organisations, seen_refs, errors) -> Record | None:
    before = len(errors)
    where = f"line {line}"

    def err(column, message):
        errors.append(f"{where}, column {column}: {message}")

    ref = row["reference"]
    if not ref:
        err("reference", "a reference is required.")
    elif len(ref) > 20 or not all(ch.isupper() or ch.isdigit() or ch == "-" for ch in ref):
        err("reference", f"“{ref}” must be up to 20 capital letters, digits and hyphens.")
    elif ref in seen_refs:
        err("reference", f"{ref} already appears on line {seen_refs[ref]}.")
    else:
        seen_refs[ref] = line
    if row["round"] != round_slug:
        err("round", f"“{row['round']}” is not the round being imported ({round_slug}).")
    for column in ("area_name", "local_authority", "lead_organisation"):
        if not row[column]:
            err(column, "this cell must not be empty.")
    org_type = ORG_TYPES.get(row["organisation_type"].lower())
    if org_type is None:
        err(
            "organisation_type",
            f"“{row['organisation_type']}” is not one of: "
            + ", ".join(t.label for t in OrganisationType)
            + ".",
        )
    else:
        known = organisations.get(row["lead_organisation"].lower())
        if known is not None and known.org_type != org_type:
            err(
                "organisation_type",
                f"{known.name} is already recorded as {known.get_org_type_display()}.",
            )
    names = [t.strip() for t in row["themes"].split(";") if t.strip()]
    chosen = []
    if not 1 <= len(names) <= 3:
        err("themes", f"give one to three themes separated by “;” (found {len(names)}).")
    for name in names:
        theme = themes.get(name.lower())
        if theme is None:
            err("themes", f"“{name}” is not a theme.")
        elif theme in chosen:
            err("themes", f"“{name}” is given twice.")
        else:
            chosen.append(theme)
    if row["approach"] not in APPROACHES:
        err("approach", f"“{row['approach']}” is not specific or general.")
    applied_on = _date(row["applied_on"], "applied_on", errors, where, required=True)
    outcome = row["application_outcome"]
    if outcome not in APPLICATION_OUTCOMES:
        err("application_outcome", f"“{outcome}” is not admitted, rejected or withdrawn.")
    gate = row["getting_going_outcome"]
    if gate not in GATE_OUTCOMES:
        err(
            "getting_going_outcome",
            f"“{gate}” is not approved, rejected or withdrawn (or empty: did not apply).",
        )
    elif gate and outcome in APPLICATION_OUTCOMES and outcome != "admitted":
        err("getting_going_outcome", f"must be empty: the application was {outcome}.")
    cba = YES_NO.get(row["cba_required"])
    if cba is None:
        err("cba_required", f"“{row['cba_required']}” is not yes or no.")
    elif cba and gate in GATE_OUTCOMES and gate != "approved":
        err("cba_required", "must be no: only an approved Getting Going gate can require a CBA.")
    submitted_on = _date(
        row["plan_submitted_on"], "plan_submitted_on", errors, where, required=False
    )
    if row["plan_submitted_on"] and gate in GATE_OUTCOMES and gate != "approved":
        err("plan_submitted_on", "must be empty: there is no approved Getting Going gate.")
    if submitted_on and applied_on and submitted_on < applied_on:
        err("plan_submitted_on", "is before applied_on.")
    plan_outcome = row["plan_outcome"]
    if plan_outcome not in PLAN_OUTCOMES:
        err("plan_outcome", f"“{plan_outcome}” is not approved, not approved or returned.")
    elif plan_outcome and not row["plan_submitted_on"]:
        err("plan_outcome", "needs plan_submitted_on: no final plan was submitted.")
    decided_on = _date(row["plan_decided_on"], "plan_decided_on", errors, where, required=False)
    if row["plan_decided_on"] and not plan_outcome:
        err("plan_decided_on", "must be empty when there is no plan_outcome.")
    elif plan_outcome in PLAN_OUTCOMES and plan_outcome and not row["plan_decided_on"]:
        err("plan_decided_on", "a date is required when there is a plan_outcome (YYYY-MM-DD).")
    if decided_on and submitted_on and decided_on < submitted_on:
        err("plan_decided_on", "is before plan_submitted_on.")
    if len(errors) > before:
        return None
    return Record(
        line=line,
        reference=ref,
        round=row["round"],
        area_name=row["area_name"],
        local_authority=row["local_authority"],
        lead_organisation=row["lead_organisation"],
        org_type=org_type,
        themes=chosen,
        approach=row["approach"],
        applied_on=applied_on,
        application_outcome=outcome,
        getting_going_outcome=gate,
        cba_required=cba,
        plan_submitted_on=submitted_on,
        plan_outcome=plan_outcome,
        plan_decided_on=decided_on,
    )


# --- Writing --------------------------------------------------------------------------------------


def _at(day: datetime.date) -> datetime.datetime:
    """Noon on the record's day, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _system_user(username, role, first_name):
    user, made = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "first_name": first_name, "last_name": "(records import)"},
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _contact_for(organisation):
    """The lead organisation user the imported applications are made by: one per organisation,
    with no password, so nobody can sign in as it."""
    user = _system_user(
        f"records-import-org-{organisation.pk}", Role.LEAD_ORGANISATION, organisation.name[:150]
    )
    OrganisationMembership.objects.get_or_create(user=user, organisation=organisation)
    user.__dict__.pop("_organisation_ids", None)
    return user


class _RowError(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column = column


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class Importer:
    def __init__(self, *, records: list[Record], round_slug: str):
        self.records = records
        self.round_slug = round_slug

    def run(self) -> ImportResult:
        errors = []
        with transaction.atomic():
            rnd, created = self._round()
            self.result = ImportResult(round=rnd, round_created=created)
            self.pm = _system_user(IMPORT_PM, Role.PROGRAMME_MANAGER, "Records import")
            self.funder = _system_user(IMPORT_FUNDER, Role.FUNDER_OFFICER, "Records import")
            self.milestone = self._gate_milestone(rnd)
            for record in self.records:
                try:
                    with transaction.atomic():
                        outcome = self._import(record, rnd)
                except _RowError as exc:
                    errors.append(f"line {record.line}, column {exc.column}: {exc}")
                    continue
                except (ValidationError, PermissionDenied) as exc:
                    errors.append(f"line {record.line}, column reference: {_message(exc)}")
                    continue
                setattr(self.result, f"rows_{outcome}", getattr(self.result, f"rows_{outcome}") + 1)
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise ImportFailed(errors)
        return self.result

    # The round and its Getting Going milestone ---------------------------------------------------

    def _round(self):
        rnd = Round.objects.filter(slug=self.round_slug).first()
        if rnd is not None:
            return rnd, False
        from programmes.services import round_create

        programme = Programme.objects.order_by("pk").first()
        if programme is None:
            raise ImportFailed(
                [f"line 2, column round: there is no programme to add round {self.round_slug} to."]
            )
        days = [
            d
            for r in self.records
            for d in (r.applied_on, r.plan_submitted_on, r.plan_decided_on)
            if d
        ]
        applied = [r.applied_on for r in self.records] or [timezone.localdate()]
        starts, ends = min(applied), max(days or applied)
        if ends <= starts:
            ends = starts + datetime.timedelta(days=365)
        rnd = round_create(
            programme=programme,
            slug=self.round_slug,
            name=self.round_slug.replace("-", " ").capitalize(),
            opens_on=starts,
            closes_on=max(applied),
            starts_on=starts,
            ends_on=ends,
            status=Round.Status.FINISHED if ends < timezone.localdate() else Round.Status.LIVE,
        )
        return rnd, True

    def _gate_milestone(self, rnd):
        milestone = (
            rnd.milestones.filter(kind=Milestone.Kind.GETTING_GOING_APPLICATION)
            .order_by("due_on")
            .first()
        )
        if milestone is None and any(r.getting_going_outcome for r in self.records):
            from programmes.services import milestone_add

            latest = max(r.applied_on for r in self.records)
            milestone = milestone_add(
                round=rnd,
                name="Getting Going application",
                kind=Milestone.Kind.GETTING_GOING_APPLICATION,
                stage=Stage.GETTING_GOING,
                due_on=latest + datetime.timedelta(days=90),
            )
        return milestone

    # One record --------------------------------------------------------------------------------

    def _organisation(self, record):
        from programmes.services import organisation_save

        org = (
            Organisation.objects.filter(name__iexact=record.lead_organisation)
            .order_by("pk")
            .first()
        )
        if org is None:
            org = organisation_save(
                organisation=Organisation(name=record.lead_organisation, org_type=record.org_type),
                user=self.pm,
            )
            self.result.counts["organisations"] += 1
        return org

    def _import(self, record: Record, rnd: Round) -> str:
        from applications.models import Application

        if record.application_outcome == "admitted":
            area = Area.objects.filter(reference=record.reference).select_related("round").first()
            if area is not None:
                if area.round_id != rnd.pk:
                    raise _RowError(
                        "reference", f"{record.reference} belongs to {area.round.name}."
                    )
                self._check_same(record, area)
                changed = self._later_steps(record, area)
                return "updated" if changed else "unchanged"
        else:
            existing = Application.objects.filter(
                round=rnd,
                organisation__name__iexact=record.lead_organisation,
                area_name__iexact=record.area_name,
                submitted_at__isnull=False,
            ).first()
            if existing is not None:
                if existing.status != record.application_outcome:
                    raise _RowError(
                        "application_outcome",
                        f"this application is already recorded as {existing.get_status_display()}"
                        "; the import cannot change it.",
                    )
                return "unchanged"
        area = self._application(record, rnd)
        if area is not None:
            self._later_steps(record, area)
        return "created"

    def _check_same(self, record, area):
        recorded = {
            "area_name": area.name,
            "local_authority": area.local_authority,
            "lead_organisation": area.lead_organisation.name,
            "approach": area.approach,
        }
        for column, value in recorded.items():
            if getattr(record, column).lower() != (value or "").lower():
                raise _RowError(
                    column,
                    f"{record.reference} is recorded with “{value}”; the import does not change it.",
                )
        themes = [at.theme_id for at in area.area_themes.order_by("position")]
        if themes != [t.pk for t in record.themes]:
            raise _RowError(
                "themes",
                f"{record.reference} is recorded with other themes; the import does not "
                "change them.",
            )

    def _application(self, record, rnd):
        from applications import services as app_services

        org = self._organisation(record)
        contact = _contact_for(org)
        when = _at(record.applied_on)
        application = app_services.application_create(
            round=rnd,
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
        self.result.counts["applications"] += 1
        app_services.application_submit(
            application=application, user=contact, occurred_at=when, imported=True
        )
        if record.application_outcome == "withdrawn":
            app_services.application_withdraw(
                application=application,
                user=contact,
                reason="Withdrawn (imported record).",
                occurred_at=when,
                imported=True,
            )
            return None
        app_services.application_start_assessment(
            application=application, user=self.pm, occurred_at=when, imported=True
        )
        if record.application_outcome == "rejected":
            app_services.application_decide(
                application=application,
                decision="reject",
                reasons="Not admitted (imported record).",
                actor=self.pm,
                occurred_at=when,
                imported=True,
            )
            return None
        application = app_services.application_decide(
            application=application,
            decision="admit",
            reasons="",
            actor=self.pm,
            occurred_at=when,
            imported=True,
            reference=record.reference,
        )
        self.result.counts["areas"] += 1
        return application.area

    def _later_steps(self, record, area) -> bool:
        """Bring the area's Getting Going gate and plan up to the record. True if anything was
        written."""
        changed = self._gate(record, area)
        changed = self._plan(record, area) or changed
        return changed

    def _gate_day(self, record):
        day = self.milestone.due_on if self.milestone else record.applied_on
        day = max(day, record.applied_on)
        if record.plan_submitted_on:
            day = min(day, record.plan_submitted_on)
        return day

    def _gate(self, record, area) -> bool:
        from applications import services as app_services
        from applications.models import GateApplication, GateStage, GateStatus

        gate = (
            GateApplication.objects.filter(area=area, target_stage=GateStage.GETTING_GOING)
            .exclude(status=GateStatus.DRAFT)
            .order_by("-submitted_at", "-pk")
            .first()
        )
        wanted = record.getting_going_outcome
        if gate is not None:
            if gate.status != wanted or gate.cba_required != record.cba_required:
                raise _RowError(
                    "getting_going_outcome",
                    f"the Getting Going application is already recorded as "
                    f"{gate.get_status_display().lower()}"
                    + ("; CBA required" if gate.cba_required else "")
                    + "; the import cannot change it.",
                )
            return False
        if not wanted:
            return False
        contact = _contact_for(area.lead_organisation)
        when = _at(self._gate_day(record))
        gate = app_services.gate_create(
            area=area,
            user=contact,
            target_stage=GateStage.GETTING_GOING,
            milestone=self.milestone,
            summary="Imported record.",
            occurred_at=when,
            imported=True,
        )
        app_services.gate_submit(gate=gate, user=contact, occurred_at=when, imported=True)
        if wanted == "withdrawn":
            app_services.gate_withdraw(
                gate=gate,
                user=contact,
                reason="Withdrawn (imported record).",
                occurred_at=when,
                imported=True,
            )
        else:
            app_services.gate_decide(
                gate=gate,
                decision="approve" if wanted == "approved" else "reject",
                reasons="" if wanted == "approved" else "Not approved (imported record).",
                actor=self.pm,
                cba_required=record.cba_required,
                occurred_at=when,
                imported=True,
            )
        self.result.counts["getting_going_decisions"] += 1
        area.refresh_from_db()
        return True

    def _plan(self, record, area) -> bool:
        from plans import services as plan_services
        from plans.models import OperationalPlan
        from plans.workflows import PlanStatus

        plan = OperationalPlan.objects.filter(area=area).first()
        changed = False
        submitted = plan is not None and plan.final_submitted_at is not None
        if record.plan_submitted_on is None:
            if submitted:
                raise _RowError(
                    "plan_submitted_on",
                    "a final plan is already recorded; the import cannot remove it.",
                )
            return False
        contact = _contact_for(area.lead_organisation)
        if not submitted:
            if area.status != AreaStatus.ACTIVE:
                raise _RowError("plan_submitted_on", "the area is no longer active.")
            when = _at(record.plan_submitted_on)
            plan = plan_services.plan_save(
                area=area,
                user=contact,
                sections={"issues_and_why": PLACEHOLDER},
                occurred_at=when,
                imported=True,
            )
            if plan.status == PlanStatus.DRAFT:
                plan = plan_services.plan_submit_draft(
                    plan=plan, user=contact, occurred_at=when, imported=True
                )
            plan = plan_services.plan_submit_final(
                plan=plan, user=contact, occurred_at=when, imported=True
            )
            self.result.counts["final_plans"] += 1
            changed = True
        outcome = {
            "": None,
            "approved": PlanStatus.SIGNED_OFF,
            "not approved": PlanStatus.NOT_APPROVED,
            "returned": PlanStatus.RETURNED,
        }[record.plan_outcome]
        if plan.status == outcome or (outcome is None and plan.status in _UNDECIDED):
            return changed
        if plan.status not in _UNDECIDED:
            raise _RowError(
                "plan_outcome",
                f"the plan is already recorded as {plan.get_status_display().lower()}; "
                "the import cannot change it.",
            )
        if outcome is None:
            return changed
        when = _at(record.plan_decided_on)
        if plan.status == PlanStatus.FINAL_SUBMITTED:
            plan = plan_services.plan_start_review(
                plan=plan, user=self.pm, occurred_at=when, imported=True
            )
        if outcome == PlanStatus.SIGNED_OFF:
            for signer in (self.pm, self.funder):
                plan = plan_services.plan_sign_off(
                    plan=plan, user=signer, occurred_at=when, imported=True
                )
        elif outcome == PlanStatus.NOT_APPROVED:
            plan_services.plan_not_approve(
                plan=plan,
                user=self.pm,
                reasons="Not approved (imported record).",
                occurred_at=when,
                imported=True,
            )
        else:
            plan_services.plan_return(
                plan=plan,
                user=self.pm,
                comments={"general": "Returned for changes (imported record)."},
                occurred_at=when,
                imported=True,
            )
        self.result.counts["plan_outcomes"] += 1
        return True


_UNDECIDED = {"final_submitted", "under_review"}


def records_import(*, path, round_slug: str) -> ImportResult:
    """Check the whole file, then import it in one transaction. Raises ImportFailed with every
    problem (nothing written) when anything is wrong."""
    records = read_records(path, round_slug=round_slug)
    return Importer(records=records, round_slug=round_slug).run()
