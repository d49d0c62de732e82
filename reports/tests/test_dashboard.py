import re
from decimal import Decimal

import pytest
from django.urls import reverse

from delivery.tests.factories import ProgressReturnFactory
from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.models import Round
from programmes.tests.factories import AreaFactory, RoundFactory

from .known_round import FUNNEL, build_known_round

pytestmark = pytest.mark.django_db


def url(rnd):
    return reverse("reports:dashboard", args=[rnd.slug])


def test_dashboard_needs_login(client):
    rnd = RoundFactory()
    response = client.get(url(rnd))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["relationship_manager", "lead_user"])
def test_relationship_managers_and_lead_organisations_are_refused(request, client_for, who):
    rnd = RoundFactory()
    user = request.getfixturevalue(who)
    assert client_for(user).get(url(rnd)).status_code == 403
    assert client_for(user).get(reverse("reports:dashboard_current")).status_code == 403


@pytest.mark.parametrize("who", ["programme_manager", "funder_officer", "admin_user"])
def test_staff_who_read_reports_see_the_funnel(request, client_for, who):
    rnd, _ = build_known_round()
    response = client_for(request.getfixturevalue(who)).get(url(rnd))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Programme dashboard: Known Round" in html
    table = html[html.index('id="funnel-table"') :]
    for (_, count), (_, label) in zip(FUNNEL, _labels(), strict=True):
        assert f'{label}</th><td class="text-end">{count}</td>' in table
    assert "vendor/chartjs/chart.umd.min.js" in html


def _labels():
    from reports.metrics import FUNNEL_STAGES

    return FUNNEL_STAGES


def test_progression_plans_awaiting_payments_and_returns(client_for, programme_manager):
    rnd, areas = build_known_round()
    award = AwardFactory(area=areas[0])
    PaymentFactory(award=award, amount=Decimal("1500.00"))
    PaymentFactory(award=award, amount=Decimal("250.00"), approved=True)
    PaymentFactory(award=award, amount=Decimal("99.00"), paid=True)
    ProgressReturnFactory(area=areas[0], overdue=True)
    html = client_for(programme_manager).get(url(rnd)).content.decode()
    assert "£1,750.00" in html and "2 payments payable now" in html
    assert reverse("grants:finance") in html
    overdue = html[html.index("Overdue progress returns") :]
    assert '<p class="display-6 mb-0">1</p>' in overdue
    # Plans awaiting sign-off: KR-002 (under review) and KR-005 (final submitted).
    awaiting = html[html.index('id="h-awaiting"') :]
    assert "KR-002" in awaiting and "KR-005" in awaiting and "KR-001" not in awaiting
    # Progression by organisation type and by theme, with half-up percentages.
    assert "Parish or town council" in html and "13%" in html
    themes = html[html.index('id="h-themes"') :]
    assert "Housing" in themes


def test_dashboard_without_a_slug_goes_to_the_live_round(client_for, programme_manager):
    RoundFactory(slug="old", status=Round.Status.FINISHED)
    RoundFactory(slug="live-one", status=Round.Status.LIVE)
    response = client_for(programme_manager).get(reverse("reports:dashboard_current"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard", args=["live-one"])


def test_round_picker_lists_every_round(client_for, programme_manager):
    a = RoundFactory(slug="alpha", name="Alpha round")
    RoundFactory(slug="beta", name="Beta round")
    html = client_for(programme_manager).get(url(a)).content.decode()
    assert reverse("reports:dashboard", args=["beta"]) in html and "Beta round" in html


def test_unknown_round_is_404(client_for, programme_manager):
    response = client_for(programme_manager).get(reverse("reports:dashboard", args=["nope"]))
    assert response.status_code == 404


def test_dashboard_is_in_the_menu_for_managers_only(client_for, programme_manager, lead_user):
    RoundFactory()
    link = f'href="{reverse("reports:dashboard_current")}"'
    assert link in client_for(programme_manager).get(reverse("reports:index")).content.decode()
    home = client_for(lead_user).get(reverse("programmes:my_areas")).content.decode()
    assert link not in home


def _grow(rnd, n):
    for _ in range(n):
        area = AreaFactory(round=rnd)
        PaymentFactory(award=AwardFactory(area=area))


@pytest.mark.parametrize("extra", [2, 12])
def test_dashboard_queries_do_not_grow_with_areas(
    client_for, programme_manager, django_assert_max_num_queries, extra
):
    rnd, _ = build_known_round()
    _grow(rnd, extra)
    client = client_for(programme_manager)
    client.get(url(rnd))  # warm the session and caches
    with django_assert_max_num_queries(16):  # 13 (one for drop-out), plus three for the budget
        response = client.get(url(rnd))
    assert response.status_code == 200


def test_cba_required_is_shown_apart_from_the_funnel_not_as_a_step(client_for, programme_manager):
    rnd, _ = build_known_round()
    response = client_for(programme_manager).get(url(rnd))
    chart = response.context["d"]["funnel_chart"]
    assert "CBA required" not in chart["labels"]
    assert chart["labels"][-2:] == ["Final plan submitted", "Plan signed off"]
    html = " ".join(response.content.decode().split())
    table = html[html.index('id="funnel-table"') :]
    table = table[: table.index("</table>")]
    assert "CBA required" not in table
    said = re.sub(r"<[^>]+>", "", html[html.index('id="funnel-cba">') + 16 :])
    assert said.startswith(
        "Not a step: of the 4 areas approved for Getting Going, 2 were asked for a cost benefit "
        "analysis with their plan."
    )
