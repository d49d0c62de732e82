"""What the benchmark requests: the key pages, the exports and the two references (the floor and
the admin's Area changelist), each with the role whose session requests it.

Paths may name values the data generator reports: {round} (the round's slug), {theme} (a theme
slug), {search} (a word in one area name in fifty), {common} (a word in one area name in seven: with
a theme it still fills the first page at both sizes), {rich} (a signed-off area with returns and
payments). A page with `url_name` instead of a path is measured only once the app has that URL.
"""

from dataclasses import dataclass

REFERENCE = "reference"
PAGE = "page"
EXPORT = "export"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    role: str | None  # None: anonymous
    kind: str = PAGE
    url_name: str = ""
    htmx: bool = False  # requested as htmx requests it (a part of a page, loaded after it)

    def url(self, values: dict) -> str:
        return self.path.format(**values)


PAGES = [
    Page("healthz", "Floor: /healthz", "/healthz", None, REFERENCE),
    Page("admin_areas", "Admin: Area changelist", "/admin/programmes/area/", "admin", REFERENCE),
    Page("areas", "Area list, page 1", "/areas/", "pm"),
    Page("areas_theme", "Area list, theme filter", "/areas/?theme={theme}", "pm"),
    Page("areas_search", "Area list, search", "/areas/?q={search}", "pm"),
    Page("areas_theme_search", "Area list, theme + search", "/areas/?theme={theme}&q={common}", "pm"),
    # The header's search (issue 25): every kind at once, counted and capped.
    Page("site_search", "Site search", "/search/?q={search}", "pm"),
    Page("site_search_common", "Site search, a common word", "/search/?q={common}", "pm"),
    Page("area_detail", "Area detail", "/areas/{rich}/", "pm"),
    # The area page's panels that arrive after it (core.area_panels), as htmx asks for them.
    Page("area_panel_support", "Area detail: support panel", "/areas/{rich}/panel/support/", "pm", htmx=True),
    Page("area_panel_contacts", "Area detail: contacts panel", "/areas/{rich}/panel/contacts/", "pm", htmx=True),
    Page("area_panel_delivery", "Area detail: delivery panel", "/areas/{rich}/panel/delivery/", "pm", htmx=True),
    Page("area_panel_timeline", "Area detail: timeline panel", "/areas/{rich}/panel/timeline/", "pm", htmx=True),
    Page("dashboard", "Programme dashboard", "/reports/dashboard/{round}/", "pm"),
    Page("review_queue", "Plan review queue", "/plans/review/", "pm"),
    Page("assessment_queue", "Assessment queue", "/assessment/", "pm"),
    Page("gate_queue", "Stage-gate queue", "/stage-gates/", "pm"),
    Page("rm_start", "RM start page (my areas)", "/support/my-areas/", "rm"),
    Page("finance", "Finance", "/grants/finance/", "pm"),
    Page("my_work", "My work", "", "pm", url_name="mywork"),
    Page("export_areas_csv", "CSV export, all areas", "/reports/export/areas.csv", "pm", EXPORT),
    Page("export_areas_xlsx", "XLSX export, all areas", "/reports/export/areas.xlsx", "pm", EXPORT),
    Page("export_360_json", "360Giving JSON", "/reports/export/360giving.json", "pm", EXPORT),
    Page("export_360_csv", "360Giving CSV", "/reports/export/360giving.csv", "pm", EXPORT),
]  # fmt: skip
ROLES = {
    "pm": "bench-pm",
    "rm": "bench-rm0",
    "admin": "bench-admin",
    "funder": "bench-funder",
}


def by_key() -> dict[str, Page]:
    return {p.key: p for p in PAGES}
