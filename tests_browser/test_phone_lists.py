"""Issue 25, phones: at 390 px the lists people act on keep their key column, amount, status and
action in view, and nothing in a chart or summary is cut.

On the finance list, the area list and the assessment queue, the first row's key cells (the
reference or name link, the amount, the status and the row's checkbox or action) must each lie
within the 390 px of the screen, without scrolling the table's box sideways; a reference must
never wrap (R2-/041). On the dashboard the "Figures as at ..." note must fit the screen, and the
funding chart's source names must fit the room the chart gives its labels (none cut at the left).
"""

import pytest
from django.urls import reverse

from programmes.models import Area

from .conftest import login, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DELIVERY_AREA = "R2-057"

# The first body row's cells under the named column headers (matched on the header's visible
# words, or its hidden ones for a checkbox or action column): for each, the box of what a person
# reads or presses in it (a link, a badge, a checkbox, a button, else the cell's text).
KEY_CELLS = """(wanted) => {
  const table = document.querySelector("main table.table");
  const heads = Array.from(table.tHead.rows[table.tHead.rows.length - 1].cells)
    .map(th => th.textContent.replace(/[\\u25b2\\u25bc]/g, "").replace(/\\s+/g, " ").trim());
  const row = table.tBodies[0].rows[0];
  const out = {};
  for (const [name, header, inside] of wanted) {
    const i = heads.findIndex(h => h === header || h.startsWith(header + ","));
    if (i < 0) { out[name] = {missing: "no column " + header + " in " + heads.join(" | ")}; continue; }
    const cell = row.cells[i];
    const el = (inside && cell.querySelector(inside)) || cell;
    const r = el.getBoundingClientRect();
    out[name] = {left: r.left, right: r.right, width: r.width, text: el.textContent.trim().slice(0, 40)};
  }
  return out;
}"""

# Every reference on the page sits on one line: an inline element that wraps has two boxes.
WRAPPED_REFS = """() => Array.from(document.querySelectorAll("main table .ref"))
  .filter(el => el.offsetParent && el.getClientRects().length > 1)
  .map(el => el.textContent.trim())"""


def phone(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    login(tab, username)
    return tab


def assert_in_view(tab, wanted, shot, references=True):
    tab.wait_for_load_state("load")
    cells = tab.evaluate(KEY_CELLS, wanted)
    screenshot(tab, shot)
    for name, box in cells.items():
        assert "missing" not in box, box.get("missing")
        assert box["width"] > 0, f"{name} is not shown: {box}"
        assert box["left"] >= 0 and box["right"] <= PHONE["width"], (
            f"{shot}: {name} ({box['text']!r}) lies at {box['left']:.0f}..{box['right']:.0f} px, "
            f"outside the {PHONE['width']} px screen"
        )
    if references:  # an application to join has no reference yet, only its neighbourhood
        assert tab.locator("main table .ref").count() > 0, f"{shot}: no reference is marked .ref"
    assert tab.evaluate(WRAPPED_REFS) == [], f"{shot}: references wrap"
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_finance_list_key_cells_in_view_on_a_phone(browser, live_server, demo_data):
    tab = phone(browser, live_server, "finance")
    tab.goto(reverse("grants:finance") + "?status=approved")
    assert_in_view(
        tab,
        [
            ["checkbox", "Select", "input[type=checkbox]"],
            ["reference", "Area", "a .ref, a"],
            ["amount", "Amount", None],
            ["status", "Status", ".badge"],
            ["action", "Actions", ".btn"],
        ],
        "phone_finance_390",
    )


def test_area_list_key_cells_in_view_on_a_phone(browser, live_server, demo_data):
    tab = phone(browser, live_server, "pm")
    tab.goto(reverse("programmes:area_list"))
    assert_in_view(
        tab,
        [
            ["reference", "Ref", "a"],
            ["name", "Area", "a"],
            ["stage", "Stage", ".badge"],
            ["status", "Status", ".badge"],
        ],
        "phone_area_list_390",
    )


def test_assessment_queue_key_cells_in_view_on_a_phone(browser, live_server, demo_data):
    tab = phone(browser, live_server, "pm")
    tab.goto(reverse("applications:assessment_queue") + "?status=")
    assert_in_view(
        tab,
        [
            ["checkbox", "Select", "input[type=checkbox]"],
            ["name", "Neighbourhood", "a"],
            ["status", "Status", ".badge"],
        ],
        "phone_assessment_queue_390",
        references=False,
    )
    # Select all still works when the rows are cards.
    tab.get_by_label("Select all applications on this page").check()
    boxes = tab.locator('input[type="checkbox"][name="selected"]')
    assert boxes.count() > 1
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))


def test_dashboard_summary_and_funding_chart_fit_a_phone(browser, live_server, demo_data):
    tab = phone(browser, live_server, "pm")
    tab.goto(reverse("reports:dashboard_current"))
    note = tab.get_by_text("Figures as at")
    note.scroll_into_view_if_needed()
    fits = note.evaluate(
        """el => { const r = el.getBoundingClientRect(); let box = el.parentElement;
          while (box && getComputedStyle(box).overflowX === "visible") box = box.parentElement;
          const b = box ? box.getBoundingClientRect() : {left: 0, right: innerWidth};
          return {scroll: el.scrollWidth, client: el.clientWidth, left: r.left, right: r.right,
                  boxLeft: b.left, boxRight: b.right}; }"""
    )
    screenshot(tab, "phone_dashboard_390")
    assert fits["scroll"] <= fits["client"], fits
    # Within the screen and within the box that would clip it (a table's scrolling box).
    assert fits["left"] >= 0 and fits["right"] <= PHONE["width"], fits
    assert fits["boxLeft"] <= fits["left"] and fits["right"] <= fits["boxRight"] + 0.5, fits

    # The funding chart (the area's funding page): each source's name fits the label column.
    area = Area.objects.get(reference=DELIVERY_AREA)
    tab.goto(reverse("delivery:area_funding", args=[area.reference]))
    canvas = tab.locator("canvas[data-funding-chart]")
    canvas.scroll_into_view_if_needed()
    tab.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-funding-chart]'))"
    )
    labels = tab.evaluate(
        """() => { const chart = Chart.getChart(document.querySelector("canvas[data-funding-chart]"));
          const y = chart.scales.y; const ctx = chart.ctx; ctx.save(); ctx.font = Chart.helpers.toFont(
            y.options.ticks.font).string;
          const widest = Math.max(...y.getLabels().flatMap(l => [].concat(l))
            .map(line => ctx.measureText(line).width));
          ctx.restore();
          return {widest: widest, room: y.right - y.options.ticks.padding, lines: y.getLabels()}; }"""
    )
    screenshot(tab, "phone_funding_chart_390")
    assert labels["widest"] <= labels["room"] + 1, labels


# Each table's box on the page: how far its contents reach beyond it (a table that scrolls
# sideways inside its box has scrollWidth over clientWidth).
TABLE_BOXES = """() => Array.from(document.querySelectorAll("main .table-responsive")).map(box => ({
  caption: (box.querySelector("caption") || {}).textContent || "",
  scroll: box.scrollWidth, client: box.clientWidth }))"""


def test_funding_and_outturn_tables_do_not_scroll_sideways_on_a_phone(
    browser, live_server, demo_data
):
    """Issue 25: the funding and CBA outturn tables still scrolled sideways inside their box at
    390 px; now each row is a card, every figure on the screen."""
    tab = phone(browser, live_server, "pm")
    area = Area.objects.get(reference=DELIVERY_AREA)
    for name in ("delivery:area_funding", "delivery:area_outturn"):
        tab.goto(reverse(name, args=[area.reference]))
        tab.wait_for_load_state("load")
        screenshot(tab, f"phone_{name.split(':')[1]}_390")
        boxes = tab.evaluate(TABLE_BOXES)
        assert boxes, f"{name}: no tables"
        for box in boxes:
            assert box["scroll"] <= box["client"] + 1, f"{name}: {box}"
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
