"""The imports page's guide to the file: every column, whether it must be filled, and the values
it accepts (codes or the site's labels, in any case), and a template CSV to start from."""

import csv
import io

from programmes.models import Approach, OrganisationType, Theme

from .reading import COLUMNS


def column_guide() -> list[dict]:
    """One row per column, in the file's order: name, when it is needed, what it accepts."""
    org_types = "; ".join(f"{t.label} ({t.value})" for t in OrganisationType)
    approaches = "; ".join(f"{a.label} ({a.value})" for a in Approach)
    themes = "; ".join(Theme.objects.order_by("order", "name").values_list("name", flat=True))
    guide = {
        "reference": ("always", "The area's reference: capital letters, digits and hyphens."),
        "round": ("always", "The round being imported (its short name, or its name)."),
        "area_name": ("always", "The neighbourhood's name."),
        "local_authority": ("always", "The local authority district."),
        "lead_organisation": ("always", "Matched to a recorded organisation by name, any case."),
        "organisation_type": ("always", org_types),
        "themes": ("always", f"One to three, separated by “;”: {themes}."),
        "approach": ("always", approaches),
        "applied_on": ("always", "YYYY-MM-DD."),
        "application_outcome": ("always", "admitted; rejected; withdrawn."),
        "getting_going_outcome": (
            "admitted areas that applied",
            "approved; rejected; withdrawn; or empty (did not apply).",
        ),
        "cba_required": (
            "after an approved Getting Going gate",
            "yes; no (may be left empty otherwise).",
        ),
        "plan_submitted_on": ("when a final plan was submitted", "YYYY-MM-DD."),
        "plan_outcome": (
            "when the plan was decided",
            "approved (Signed off); not approved; returned (Returned for changes); or empty.",
        ),
        "plan_decided_on": ("with a plan_outcome", "YYYY-MM-DD."),
    }
    return [{"column": c, "needed": guide[c][0], "values": guide[c][1]} for c in COLUMNS]


EXAMPLES = [
    [
        "R3-001", "round-3", "Chapeltown", "Leeds", "Chapeltown Community Trust", "VCS body",
        "Housing;Young people", "general", "2025-01-10", "admitted", "approved", "no",
        "2025-06-01", "approved", "2025-09-15",
    ],
    [
        "R3-002", "round-3", "Beeston", "Leeds", "Leeds City Council", "Local authority",
        "Health and wellbeing", "specific", "2025-01-12", "admitted", "rejected", "", "", "", "",
    ],
    [
        "R3-003", "round-3", "Holbeck", "Leeds", "Holbeck Parish Council",
        "Parish or town council", "Environment", "general", "2025-01-15", "rejected", "", "", "",
        "", "",
    ],
]  # fmt: skip


def template_csv() -> str:
    """The header and three example records (an area signed off, one whose Getting Going
    application was refused, an applicant not admitted)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLES)
    return out.getvalue()
