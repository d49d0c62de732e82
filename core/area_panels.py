"""Panels of the area page that arrive after it: the page holds a placeholder (the panel's
heading, "Loading…" and a link) that htmx replaces with the panel, fetched from one URL,
`programmes:area_panel` (`/areas/<reference>/panel/<name>/`).

The first response of the area page then runs only the queries of what is read first (issue 13:
every key page in at most 15 queries); each panel is a request of its own with its own bounded
queries. Each app declares its panels here from its AppConfig.ready, as it declares its figures in
`core.area_figures`, so programmes, whose page and URL it is, imports none of them. The panel's
URL reads the area with the page's selector (so the same people see it; 404 otherwise), without
the page's figures (a panel showing figures counts its own), and renders `template` with
`context(area=..., user=...)`: alone for htmx, in a page of its own for the placeholder's link.

A long panel comes a page at a time (`page_template` set): its context takes `page=` too, and
`programmes:area_panel_page` (`.../panel/<name>/<page>/`) renders `page_template` (the page's
rows, for htmx to add below the ones shown) or, without JavaScript, the panel at that page."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AreaPanel:
    name: str
    heading: str  # the placeholder's heading, the panel's own: the page's contents bar lists it
    heading_id: str
    template: str
    context: Callable[..., dict]  # (*, area, user) -> the template's context
    section_id: str = ""
    # Whether the page has a place for the panel for this user, from what the page already
    # holds (no query): e.g. the support record is for programme staff only.
    shown: Callable[..., bool] | None = None
    trigger: str = "load"  # htmx: "load", or "revealed" for a panel far below
    page_template: str = ""  # a paged panel's rows of one page (its context then takes `page=`)
    # How the placeholder is drawn, so the page does not move when the panel arrives: "section",
    # a section of the page that folds, drawn closed as the panel will be on a phone; "card", a
    # card that keeps room for the panel (placeholder_class sets how much).
    placeholder: str = "section"
    placeholder_class: str = ""

    def shown_to(self, user, area) -> bool:
        return self.shown is None or self.shown(user, area)


_PANELS: dict[str, AreaPanel] = {}


def register(panel: AreaPanel) -> None:
    _PANELS[panel.name] = panel


def get(name: str) -> AreaPanel | None:
    return _PANELS.get(name)


def shown_to(user, area) -> dict[str, AreaPanel]:
    """{name: panel} of the panels the page has a place for, for `user`."""
    return {name: panel for name, panel in _PANELS.items() if panel.shown_to(user, area)}
