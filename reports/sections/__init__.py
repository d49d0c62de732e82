"""What goes into each report, section by section.

A report kind is a title plus an ordered list of `Section`s. Each section has a template under
``reports/pdf/sections/`` and a `build(context)` function that returns the data that template
needs, or ``None`` when the section has nothing to say (an area with no grants yet). To add a
section: write the function (in ``area.py`` or ``programme.py``, reading through the owning app's
selectors) and the template, and append a `Section` to the kind's list below. The rendering
(`reports.rendering`) reports progress section by section, so a slow section shows on the job
page.
"""

from ..models import ReportKind
from . import area, programme, summary, surveys, what_worked
from .base import FUNDING_SHORT, ReportContext, ReportDefinition, Section

__all__ = ["FUNDING_SHORT", "REPORTS", "ReportContext", "ReportDefinition", "Section"]

REPORTS: dict[str, ReportDefinition] = {
    ReportKind.AREA_PROGRESS: ReportDefinition(
        title="Area progress report",
        sections=[
            Section("area_overview", "The area", area.area_overview),
            Section(
                "area_organisations", "Lead organisation and partners", area.area_organisations
            ),
            Section("area_stage_history", "Stage history", area.area_stage_history),
            Section("area_grants", "Grants", area.area_grants),
            Section("area_plan", "Operational plan and logic model", area.area_plan),
            Section("area_cba", "Cost benefit analysis", area.area_cba),
            Section("area_delivery", "Delivery: progress and funding", area.area_delivery),
            Section("area_support", "Support", area.area_support),
            Section("area_recent_activity", "Recent activity", area.area_recent_activity),
        ],
    ),
    ReportKind.PROGRAMME: ReportDefinition(
        title="Programme report",
        sections=[
            Section("programme_executive_summary", "Summary", summary.programme_executive_summary),
            Section("programme_summary", "Where the areas are", programme.programme_summary),
            Section("programme_funnel", "Funnel", programme.programme_funnel),
            Section("programme_drop_out", "Drop-out between stages", programme.programme_drop_out),
            Section(
                "programme_progression",
                "Progression by lead organisation type",
                programme.programme_progression,
            ),
            Section("programme_themes", "Progression by theme", programme.programme_themes),
            Section(
                "programme_org_types",
                "Current stage by lead organisation type",
                programme.programme_org_types,
            ),
            Section(
                "programme_sign_off_time",
                "Time from final plan to sign-off",
                programme.programme_sign_off_time,
            ),
            Section("programme_funding", "Funding secured by source", programme.programme_funding),
            Section(
                "programme_implementation",
                "Implementation status",
                programme.programme_implementation,
            ),
            Section("programme_spend", "Spend against budget", summary.programme_spend),
            Section("programme_timetable", "Timetable and grants", programme.programme_timetable),
            Section("programme_surveys", "What the surveys said", surveys.programme_surveys),
            Section(
                "programme_what_worked", "What worked, for whom", what_worked.programme_what_worked
            ),
        ],
    ),
}
