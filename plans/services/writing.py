"""Writing an area's plan documents: the development strategy, the logic model, the cost benefit
analysis and the operational plan's sections and lines. The lead organisation writes them while
the plan is open to changes (see ``plans.permissions.can_edit_documents``)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from programmes.models import Area

from .. import bounds
from .. import cba as cba_maths
from .. import permissions as plan_perms
from ..models import (
    LOGIC_MODEL_COLUMNS,
    PLAN_SECTIONS,
    BenefitLine,
    CostBenefitAnalysis,
    CostLine,
    DevelopmentStrategy,
    LogicModel,
    LogicModelRow,
    OperationalPlan,
    OutcomeIndicator,
    PlanSectionDraft,
)
from .common import lock_plan

CbaResult = cba_maths.CbaResult

LOGIC_MODEL_FIELDS = [
    "inputs",
    "activities",
    "outputs",
    "short_term_outcomes",
    "long_term_outcomes",
    "indicators",
]


def _plan_for_edit(area: Area, actor) -> OperationalPlan | None:
    plan = OperationalPlan.objects.filter(area=area).first()
    require(plan_perms.can_edit_documents(actor, area, plan))
    return plan


def strategy_save(
    *, area: Area, actor, issues: str, evidence_of_need: str, who_engaged: str
) -> DevelopmentStrategy:
    """Create or update the area's development strategy (each answer up to
    bounds.MAX_SECTION_CHARS characters)."""
    require(plan_perms.can_edit_documents(actor, area))
    bounds.check_texts(
        {"issues": issues, "evidence_of_need": evidence_of_need, "who_engaged": who_engaged}
    )
    with transaction.atomic():
        strategy, created = DevelopmentStrategy.objects.select_for_update().get_or_create(area=area)
        strategy.issues = issues
        strategy.evidence_of_need = evidence_of_need
        strategy.who_engaged = who_engaged
        strategy.updated_by = actor
        strategy.save()
        activity_record(
            verb="strategy.saved",
            summary="Development strategy " + ("started" if created else "updated"),
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=strategy,
        )
    return strategy


def _row_pk(row: dict) -> int | None:
    """The id of the saved row a posted row edits (the editor's formset sends the instance)."""
    value = row.get("id")
    value = getattr(value, "pk", value)
    return int(value) if str(value or "").isdigit() else None


def logic_model_save(*, area: Area, rows: list[dict], actor) -> LogicModel:
    """Replace the area's logic model rows with `rows`, in the order given (blank rows dropped).
    At most bounds.MAX_LOGIC_MODEL_ROWS rows of cells up to bounds.MAX_CELL_CHARS characters;
    a logic model over the bounds is refused whole.

    A row that carries the `id` of a saved row edits it in place, so the outcome indicators
    measuring that row stay with it; a saved row left out is removed with its indicators, and
    refused when one of them has a value reported in a progress return."""
    posted = [
        (_row_pk(row), {f: str(row.get(f) or "").strip() for f in LOGIC_MODEL_FIELDS})
        for row in rows
        if any(str(row.get(f) or "").strip() for f in LOGIC_MODEL_FIELDS)
    ]
    kept = [values for _pk, values in posted]
    _check_logic_model(kept)
    with transaction.atomic():
        _plan_for_edit(area, actor)
        logic_model, created = LogicModel.objects.select_for_update().get_or_create(area=area)
        saved = {r.pk: r for r in logic_model.rows.all()}
        keep_pks = {pk for pk, _values in posted if pk in saved}
        removed = [pk for pk in saved if pk not in keep_pks]
        reported = (
            OutcomeIndicator.objects.filter(row_id__in=removed, values__isnull=False)
            .values_list("name", flat=True)
            .distinct()
        )
        if reported:
            raise ValidationError(
                {
                    "rows": [
                        f"A row measured by “{name}” cannot be removed: progress returns have "
                        "reported values for it."
                        for name in reported
                    ]
                }
            )
        LogicModelRow.objects.filter(pk__in=removed).delete()
        updated, new = [], []
        for order, (pk, values) in enumerate(posted, 1):
            if pk in keep_pks and saved[pk] not in updated:
                row = saved[pk]
                for field, value in values.items():
                    setattr(row, field, value)
                row.order = order
                updated.append(row)
            else:
                new.append(LogicModelRow(logic_model=logic_model, order=order, **values))
        LogicModelRow.objects.bulk_update(updated, [*LOGIC_MODEL_FIELDS, "order"])
        LogicModelRow.objects.bulk_create(new)
        logic_model.updated_by = actor
        logic_model.save()
        activity_record(
            verb="logic_model.saved",
            summary=f"Logic model {'started' if created else 'updated'} ({len(kept)} rows)",
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=logic_model,
        )
    return logic_model


def _check_logic_model(rows: list[dict]) -> None:
    messages = []
    if message := bounds.too_many(len(rows), bounds.MAX_LOGIC_MODEL_ROWS, "logic model rows"):
        messages.append(message)
    total = sum(len(row[field]) for row in rows for field in LOGIC_MODEL_FIELDS)
    if total > bounds.MAX_LOGIC_MODEL_CHARS:
        messages.append(
            f"A logic model can hold at most {bounds.MAX_LOGIC_MODEL_CHARS:,} characters in all "
            f"(this has {total:,}): shorten some cells."
        )
    labels = dict(LOGIC_MODEL_COLUMNS)
    for number, row in enumerate(rows, 1):
        for field in LOGIC_MODEL_FIELDS:
            if message := bounds.too_long(row[field], bounds.MAX_CELL_CHARS):
                messages.append(f"Row {number}, {labels[field].lower()}: {message}")
    if messages:
        raise ValidationError({"rows": messages})


def cba_save(
    *, area: Area, actor, costs: list[dict], benefits: list[dict], notes: str = ""
) -> CostBenefitAnalysis:
    """Replace the area's CBA lines. The discount rate is copied from the round when the CBA is
    started, so a later change to the round does not silently rewrite a submitted analysis.
    Every line is checked before anything is written (at most bounds.MAX_CBA_LINES costs and as
    many benefits, years 0 to bounds.MAX_CBA_YEAR); a refusal names the line and the field."""
    errors = {}
    for key, lines, what in (("costs", costs, "cost lines"), ("benefits", benefits, "benefits")):
        if message := bounds.too_many(len(lines), bounds.MAX_CBA_LINES, what):
            errors[key] = message
    if message := bounds.too_long(notes or "", bounds.MAX_SECTION_CHARS):
        errors["notes"] = message
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _plan_for_edit(area, actor)
        cba, created = CostBenefitAnalysis.objects.select_for_update().get_or_create(
            area=area, defaults={"discount_rate_pct": area.round.discount_rate_pct}
        )
        cba.notes = notes
        cba.updated_by = actor
        cba.full_clean()
        cost_objs = _cba_lines(CostLine, cba, costs, "Cost line")
        benefit_objs = _cba_lines(BenefitLine, cba, benefits, "Benefit line")
        cba.save()
        cba.costs.all().delete()
        cba.benefits.all().delete()
        CostLine.objects.bulk_create(cost_objs)
        BenefitLine.objects.bulk_create(benefit_objs)
        activity_record(
            verb="cba.saved",
            summary=f"Cost benefit analysis {'started' if created else 'updated'}",
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=cba,
        )
    return cba


def _cba_lines(model, cba, lines: list[dict], label: str) -> list:
    """Model objects for the lines, each cleaned; a bad line raises with its number and field."""
    objs = []
    for number, values in enumerate(lines, 1):
        unknown = set(values) - {f.name for f in model._meta.fields}
        if unknown:
            raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
        obj = model(cba=cba, **values)
        try:
            _check_numbers(model, values)
            obj.full_clean(exclude=["cba"])
            if obj.year > bounds.MAX_CBA_YEAR:
                raise ValidationError({"year": f"Use a year from 0 to {bounds.MAX_CBA_YEAR}."})
        except ValidationError as exc:
            raise ValidationError(
                [
                    f"{label} {number}, {model._meta.get_field(field).verbose_name}: {message}"
                    if field != "__all__"
                    else f"{label} {number}: {message}"
                    for field, messages in exc.message_dict.items()
                    for message in messages
                ]
            ) from exc
        objs.append(obj)
    return objs


def _check_numbers(model, values: dict) -> None:
    """Numbers Django's own cleaning would crash on (infinity, NaN, values of the wrong type) are
    refused with a field message instead."""
    errors = {}
    for name in ("year", "amount", "optimism_bias_pct"):
        if name not in values or values[name] in (None, ""):
            continue
        try:
            value = model._meta.get_field(name).to_python(values[name])
            if not Decimal(value).is_finite():
                raise ValueError
        except (ValidationError, TypeError, ValueError, OverflowError, ArithmeticError):
            errors[name] = "Enter a number."
    if errors:
        raise ValidationError(errors)


def cba_calculate(cba: CostBenefitAnalysis) -> CbaResult:
    """Totals, present values, NPV, benefit-cost ratio and payback year, with the working by year.
    A pure function of the CBA's lines and its discount rate (see plans/cba.py)."""
    return cba_maths.calculate(
        discount_rate_pct=cba.discount_rate_pct,
        costs=cba.costs.all(),
        benefits=cba.benefits.all(),
    )


def _check_plan_bounds(sections, budget_arrangements, resourcing_lines) -> None:
    errors = {
        key: message
        for key, _label in PLAN_SECTIONS
        if (message := bounds.too_long(sections.get(key) or "", bounds.MAX_SECTION_CHARS))
    }
    for key, lines, limit, what in (
        ("budget", budget_arrangements, bounds.MAX_BUDGET_LINES, "budget arrangements"),
        ("resourcing", resourcing_lines, bounds.MAX_RESOURCING_LINES, "planned funding lines"),
    ):
        if lines is not None and (message := bounds.too_many(len(lines), limit, what)):
            errors[key] = message
    if errors:
        raise ValidationError(errors)


def plan_save(
    *,
    area: Area,
    actor,
    sections: dict[str, str],
    budget_arrangements: list[dict] | None = None,
    resourcing_lines: list[dict] | None = None,
    occurred_at=None,
    imported: bool = False,
) -> OperationalPlan:
    """Create or update the plan's sections and, when given, replace its budget arrangements and
    planned funding lines. Sections up to bounds.MAX_SECTION_CHARS characters, at most
    bounds.MAX_BUDGET_LINES arrangements and bounds.MAX_RESOURCING_LINES funding lines; a plan
    over the bounds is refused whole. Saving clears the editor's unsaved drafts of the sections."""
    _check_plan_bounds(sections, budget_arrangements, resourcing_lines)
    with transaction.atomic():
        plan, created = OperationalPlan.objects.get_or_create(area=area)
        plan = lock_plan(plan)
        require(plan_perms.can_edit_documents(actor, area, plan))
        for key, _label in PLAN_SECTIONS:
            if key in sections:
                setattr(plan, key, sections[key] or "")
        plan.updated_by = actor
        plan.save()
        # What the editor kept while the person typed is now in the plan (or was replaced by it).
        PlanSectionDraft.objects.filter(area=area).delete()
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
            actor=actor,
            area=area,
            visibility=Visibility.AREA,
            target=plan,
            occurred_at=occurred_at,
            imported=imported,
        )
    return plan
