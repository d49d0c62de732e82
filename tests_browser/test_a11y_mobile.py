"""Issue 14, phones and accessibility: every main page of every role, in Chromium.

For each role (programme manager, funder officer, finance officer, relationship manager, lead
organisation user, admin) the test visits the pages the role's menu links to
(accounts.navigation.nav_url_names) and the detail pages people work on (the area page, the plan
pages, an application, a progress return, a grant), and on each page:

- at 1366 px injects the vendored axe-core (tests_browser/assets/axe-core/axe.min.js, read from
  disk: a test-only asset, outside the collected static files) and fails on any serious or critical violation, listed rule by rule with the elements;
- at 390 px (a phone) fails if the page scrolls sideways
  (document.documentElement.scrollWidth > 390).

One browser tab per role and the demo data loaded once keep the run to a few minutes.
"""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from accounts.navigation import nav_url_names
from applications.models import Application
from delivery.models import ProgressReturn
from grants.models import Award
from plans.models import OperationalPlan
from programmes.models import Area

from .conftest import SCREENSHOT_DIR, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"
PHONE_WIDTH = 390
DESKTOP = {"width": 1366, "height": 900}
ROLES = ("pm", "funder", "finance", "rm", "lead", "admin")
# The demo's areas: R2-041 has a draft plan (lead's), R2-057 is signed off and in delivery.
DRAFT_AREA, DELIVERY_AREA = "R2-041", "R2-057"

# WCAG 2.1 A and AA rules and axe's best practices; only serious and critical results fail.
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary
                  .replace(/\\s+/g, " ").slice(0, 200)),
                count: v.nodes.length}));
}"""


def key_pages(username: str) -> list[str]:
    """The detail pages each role works on, from the demo programme."""
    draft = Area.objects.get(reference=DRAFT_AREA)
    delivery = Area.objects.get(reference=DELIVERY_AREA)
    delivery_return = ProgressReturn.objects.filter(area=delivery).order_by("period_start").first()
    award = Award.objects.filter(area=delivery).order_by("pk").first()
    if username == "lead":
        own = Application.objects.filter(organisation=draft.lead_organisation).order_by("pk")
        return [
            draft.get_absolute_url(),
            reverse("plans:workspace", args=[draft.reference]),
            reverse("plans:plan_edit", args=[draft.reference]),
            reverse("plans:logic_model_edit", args=[draft.reference]),
            own.first().get_absolute_url(),
        ]
    pages = [
        delivery.get_absolute_url(),
        reverse("plans:workspace", args=[delivery.reference]),
        award.get_absolute_url(),
    ]
    if delivery_return:
        pages.append(reverse("delivery:return_detail", args=[delivery_return.pk]))
    if username in ("pm", "funder"):
        review = OperationalPlan.objects.filter(status="final_submitted").order_by("pk").first()
        pages.append(reverse("plans:review", args=[review.area.reference]))
        pages.append(reverse("plans:review", args=[delivery.reference]))
    if username in ("pm", "admin"):
        assessed = Application.objects.filter(status="under_assessment").order_by("pk").first()
        pages.append(assessed.get_absolute_url())
    if username == "rm":
        pages.append(reverse("support:area_support", args=[delivery.reference]))
    return pages


def main_pages(username: str) -> list[str]:
    user = User.objects.get(username=username)
    nav = [reverse(name) for name in nav_url_names(user)] + [reverse("activity:notifications")]
    nav.append(reverse("search") + "?q=R2")  # the header's search, with results (issue 25)
    return nav + key_pages(username)


# The outermost elements that stick out past the viewport: the cause of a sideways scroll.
WIDEST = """(limit) => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > limit + 1
          && e.parentElement.getBoundingClientRect().right <= limit + 1)
  .slice(0, 3).map(e => e.tagName.toLowerCase() + [...e.classList].map(c => "." + c).join(""))"""


def check_page(tab, url: str, axe_source: str) -> list[str]:
    """Problems on one page: sideways scroll on a phone, and serious/critical axe violations."""
    problems = []
    # Loaded at phone width first, as a phone would (charts size themselves on load).
    tab.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    response = tab.goto(url)
    if response is None or response.status != 200:
        return [f"{url}: answered {response.status if response else 'nothing'}"]
    # The panels a page loads after it (the area page's, core.area_panels) are checked too.
    expect(tab.locator("[aria-busy='true'][hx-get]")).to_have_count(0)
    width = tab.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        wide = tab.evaluate(WIDEST, PHONE_WIDTH)
        problems.append(f"{url}: {width} px wide at {PHONE_WIDTH} px (sticking out: {wide})")
    tab.set_viewport_size(DESKTOP)
    tab.add_script_tag(content=axe_source)
    for v in tab.evaluate(AXE_RUN):
        problems.append(
            f"{url}: axe {v['impact']} {v['id']} ({v['help']}) on {v['count']} element(s):"
            + "".join(f"\n      {node}" for node in v["nodes"])
        )
    return problems


def phone_filters_and_contents(tab):
    """On a phone the filters wait behind a button, and the long area page has a contents bar
    whose links jump to its sections."""
    tab.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    tab.goto(reverse("support:my_areas"))
    panel = tab.get_by_role("form", name="Filter areas")
    expect(panel).to_be_hidden()
    tab.get_by_role("button", name="Filters").click()
    expect(panel).to_be_visible()

    tab.goto(Area.objects.get(reference=DELIVERY_AREA).get_absolute_url())
    contents = tab.get_by_role("navigation", name="On this page")
    # One link per section heading of the area page (the messages panel made it eleven).
    expect(contents.get_by_role("link", name="Timeline")).to_be_visible()
    assert contents.get_by_role("link").count() >= 10
    # The jump is made once the panels that arrive after the page are in: one arriving after it
    # changes the height of what is above the heading and moves the heading away.
    expect(tab.locator("[aria-busy='true'][hx-get]")).to_have_count(0)
    expect(
        tab.locator("section:not([aria-busy])").get_by_role("heading", name="Timeline")
    ).to_be_attached()
    contents.get_by_role("link", name="Timeline").click()
    expect(tab.get_by_role("heading", name="Timeline")).to_be_in_viewport()
    # The bar stays at the top while the page scrolls under it: scrolled to the foot of the page
    # (well past where the bar sits), it is still at the top. Read after the jump alone, its place
    # depended on how far the jump could scroll, which the page's height at that moment decides.
    tab.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bar_top = "document.querySelector('[data-page-contents]').getBoundingClientRect().top"
    tab.wait_for_function(f"{bar_top} === 0")  # times out (fails) if the bar scrolled away
    assert tab.evaluate(bar_top) == 0
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOT_DIR / "a11y-rm-area-timeline-390.png"))


def test_every_main_page_passes_axe_and_fits_a_phone(browser, live_server, demo_data):
    axe_source = AXE.read_text()
    problems, checked = [], 0
    for username in ROLES:
        # The pages' Content-Security-Policy would refuse the injected axe script; the journeys
        # (the `page` fixture) check the policy itself.
        context = browser.new_context(
            base_url=live_server.url, viewport=DESKTOP, locale="en-GB", bypass_csp=True
        )
        context.set_default_timeout(15_000)
        tab = context.new_page()
        login(tab, username)
        for url in main_pages(username):
            problems += [f"{username} {p}" for p in check_page(tab, url, axe_source)]
            checked += 1
        if username == "rm":
            phone_filters_and_contents(tab)
        context.close()
    print(f"\naxe and 390 px: {checked} pages checked over {len(ROLES)} roles")
    assert not problems, f"{len(problems)} problems on {checked} pages:\n" + "\n".join(problems)
