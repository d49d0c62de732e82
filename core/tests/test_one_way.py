"""Issue 14, "one way to do each thing": one filter layout, one primary button colour, one
breadcrumb rule and one badge vocabulary, checked over every template of ours (as
test_security_headers does for inline script), plus the filter panel as a person sees it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from programmes.tests.factories import AreaFactory

FILTER_INCLUDE = "includes/filter_panel.html"
# Every list page with filters. A new filtered list belongs here too; the scan below fails for a
# template that builds its own filter form, so one cannot be added without the include.
FILTERED_LISTS = [
    "activity/templates/activity/notification_list.html",
    "applications/templates/applications/assessment_queue.html",
    "applications/templates/applications/gate_queue.html",
    "delivery/templates/delivery/returns_list.html",
    "diligence/templates/diligence/list.html",
    "earlywarning/templates/earlywarning/round_list.html",
    "grants/templates/grants/finance.html",
    "plans/templates/plans/review_queue.html",
    "programmes/templates/programmes/area_list.html",
    "programmes/templates/programmes/organisation_list.html",
    "support/templates/support/my_areas.html",
]


def _templates():
    root = Path(settings.BASE_DIR)
    for path in sorted(root.glob("**/templates/**/*.html")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "var/")) or "/pdf/" in rel or "/offers/letter" in rel:
            continue
        yield rel, path.read_text()


def test_every_filtered_list_uses_the_shared_filter_include():
    root = Path(settings.BASE_DIR)
    missing = [rel for rel in FILTERED_LISTS if FILTER_INCLUDE not in (root / rel).read_text()]
    assert not missing, f"filtered lists without {FILTER_INCLUDE}: {missing}"


def test_no_template_builds_its_own_filter_form():
    offenders = []
    for rel, text in _templates():
        if rel.endswith(FILTER_INCLUDE):
            continue
        # A FilterSet's form reaches a page only as the include's `form=filter.form`.
        if re.search(r"filter\.form(?!\s)", text.replace("form=filter.form ", "")):
            offenders.append(f"{rel}: renders filter.form itself")
        if re.search(r'<form[^>]*method="get"[^>]*aria-label="Filter', text):
            offenders.append(f"{rel}: has its own filter form")
    assert not offenders, "\n".join(offenders)


def test_primary_actions_are_one_colour():
    """btn-primary (the programme's green, like its alias btn-op) is the primary action; green
    "success" buttons were a second primary colour."""
    offenders = [
        rel for rel, text in _templates() if re.search(r"\bbtn-(outline-)?success\b", text)
    ]
    assert not offenders, f"btn-success in: {offenders}"


def test_breadcrumbs_start_at_their_section_not_home():
    offenders = [
        rel
        for rel, text in _templates()
        if re.search(r"breadcrumb-item\"><a href=\"\{% url 'home' %\}", text)
    ]
    assert not offenders, f"breadcrumbs starting at Home: {offenders}"


def test_badges_come_from_the_shared_tags():
    """{% status_badge %} / {% badge %} from core_tags, not hand-written badge markup (the
    navigation's unread count is the one exception: it is part of the menu)."""
    offenders = [
        rel
        for rel, text in _templates()
        if 'class="badge ' in text and not rel.endswith("templates/base.html")
    ]
    assert not offenders, f"hand-written badges in: {offenders}"


@pytest.mark.django_db
def test_filter_panel_collapses_behind_a_button_that_counts_the_filters_on(
    client_for, programme_manager
):
    area = AreaFactory()
    client = client_for(programme_manager)

    page = client.get(reverse("programmes:area_list"), {"stage": area.stage, "sort": "name"})

    html = page.content.decode()
    button = re.search(r'<button class="btn[^"]*filter-toggle.*?</button>', html, re.S).group(0)
    assert 'aria-controls="filter-panel"' in button
    # One filter is on; the sort order is not a filter.
    assert re.search(r">1</span><span class=\"visually-hidden\"> on</span>", button)
    panel = re.search(r'<form method="get" id="filter-panel".*?</form>', html, re.S).group(0)
    assert 'class="filter-panel collapse' in panel
    assert 'name="sort" value="name"' in panel
    assert 'name="stage"' in panel
    # The sort order is a column header, not a field in the panel.
    assert '<select name="sort"' not in panel


def test_every_table_has_a_caption_and_header_cells():
    """Screen readers announce a table by its caption (it may be visually hidden) and read cells
    against their headers."""
    offenders = []
    for rel, text in _templates():
        for table in re.findall(r"<table\b.*?</table>", text, re.S):
            if "<caption" not in table:
                offenders.append(f"{rel}: a table without a caption")
            if "<th" not in table:
                offenders.append(f"{rel}: a table without header cells")
    assert not offenders, "\n".join(offenders)
