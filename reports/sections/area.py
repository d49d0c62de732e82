"""The area progress report's sections: the area, its organisations, stage history, grants, plan,
CBA, delivery, support and recent activity. Each reads through the owning app's selectors."""

from collections import Counter

from accounts import selectors as account_selectors
from activity import selectors as activity_selectors
from delivery import selectors as delivery_selectors
from grants import selectors as grant_selectors
from plans import selectors as plan_selectors
from plans.services import cba_calculate
from programmes import selectors as programme_selectors
from programmes.models import AREA_STAGE_ORDER, Area, AreaStage
from support import selectors as support_selectors

from .. import charts
from .base import FUNDING_SHORT, ReportContext


def _area(ctx: ReportContext) -> Area:
    """The area with everything the sections read, loaded once per report."""
    return ctx.cached("area", lambda: programme_selectors.area_for_report(pk=ctx.area.pk))


def area_overview(ctx: ReportContext) -> dict:
    area = _area(ctx)
    return {
        "area": area,
        "themes": [at.theme.name for at in area.area_themes.all()],
        "relationship_manager": account_selectors.relationship_manager(area),
        "days_in_programme": (ctx.report_date - area.joined_on).days,
    }


def area_organisations(ctx: ReportContext) -> dict:
    area = _area(ctx)
    partners = list(area.partners.all())
    by_type = Counter(p.get_partner_type_display() for p in partners)
    return {
        "lead": area.lead_organisation,
        "partners": partners,
        "signed": sum(1 for p in partners if p.agreement_signed_on),
        "chart": charts.hbar_chart(
            sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])),
            title="Partners by type",
        )
        if partners
        else None,
    }


def area_stage_history(ctx: ReportContext) -> dict:
    """Stage moves from the audit trail, oldest first, beside the round's milestones."""
    area = _area(ctx)
    reached = AREA_STAGE_ORDER.index(area.stage) if area.stage in AREA_STAGE_ORDER else 0
    return {
        "moves": activity_selectors.area_stage_moves(area=area, for_staff=ctx.for_staff),
        "milestones": list(area.round.milestones.all()),
        "today": ctx.report_date,
        "stages": [
            {"label": label, "reached": i <= reached, "current": value == area.stage}
            for i, (value, label) in enumerate(AreaStage.choices)
        ],
        "joined_on": area.joined_on,
    }


def area_recent_activity(ctx: ReportContext) -> dict | None:
    entries = activity_selectors.area_recent_entries(area=ctx.area, for_staff=ctx.for_staff)
    return {"entries": entries} if entries else None


def area_grants(ctx: ReportContext) -> dict | None:
    """Awards with their payments, and the awarded / paid / held back / still to pay totals."""
    awards = grant_selectors.area_awards_with_payments(area=ctx.area)
    if not awards:
        return None
    totals = grant_selectors.totals_for_awards(awards)
    return {
        "awards": awards,
        "totals": totals,
        "chart": charts.hbar_chart(
            [
                ("Awarded", float(totals.awarded)),
                ("Paid", float(totals.paid)),
                ("Held back", float(totals.held)),
                ("Still to pay", float(totals.to_pay)),
            ],
            title="Grant money (£)",
            money=True,
        ),
    }


def area_support(ctx: ReportContext) -> dict | None:
    """Adviser days for everyone; contacts, open risks and follow-ups only in the staff edition."""
    days = support_selectors.area_adviser_days(area=ctx.area)
    data = {"days": days, "for_staff": ctx.for_staff}
    if ctx.for_staff:
        contacts = support_selectors.area_contacts(area=ctx.area)
        data["contacts"] = list(contacts[:12])
        data["open_risks"] = list(contacts.filter(support_selectors.open_risks_filter()))
        data["open_followups"] = support_selectors.area_open_followups(area=ctx.area)
    if not days["entitlements"] and not days["bookings"] and not data.get("contacts"):
        return None
    return data


def area_plan(ctx: ReportContext) -> dict | None:
    """The operational plan's status and sign-offs, and the logic model table."""
    plan = plan_selectors.plan_for_area(ctx.area)
    rows = plan_selectors.logic_model_rows(ctx.area)
    if plan is None and not rows:
        return None
    return {
        "plan": plan,
        "sign_offs": plan_selectors.sign_off_state(plan) if plan else [],
        "logic_model": rows,
    }


def area_cba(ctx: ReportContext) -> dict | None:
    """The cost benefit analysis's summary, and its outturn where any has been recorded."""
    cba = delivery_selectors.area_cba(ctx.area)
    if cba is None:
        return None
    comparison = delivery_selectors.cba_forecast_vs_outturn(ctx.area, cba)
    return {
        "result": cba_calculate(cba),
        "comparison": comparison if comparison and comparison.lines_with_outturn else None,
    }


def area_delivery(ctx: ReportContext) -> dict | None:
    """The latest progress return and funding planned against secured, with a chart."""
    latest = delivery_selectors.latest_return(area=ctx.area)
    funding = delivery_selectors.funding_planned_vs_secured(ctx.area)
    if latest is None and funding.is_empty:
        return None
    chart = None
    if not funding.is_empty:
        chart = charts.grouped_hbars(
            [FUNDING_SHORT.get(row.source, row.source) for row in funding.sources],
            [
                ("Planned (£)", [float(row.planned) for row in funding.sources]),
                ("Secured (£)", [float(row.secured) for row in funding.sources]),
            ],
            title="Funding planned and secured by source",
        )
    return {
        "latest": latest,
        "factors": list(latest.factors.all()) if latest else [],
        "funding": funding,
        "chart": chart,
    }
