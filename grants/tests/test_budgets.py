"""Round budgets: an award beyond the budget (round total, a stage's or a financial year's line)
is refused unless a programme manager overrides it with a reason on the timeline; the budget page
shows committed, paid, held and forecast money by financial year, adding up to the payments."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activity.models import ActivityEntry
from core.testing import today
from grants.budgets.models import BudgetLine
from grants.budgets.selectors import financial_year, round_budget
from grants.budgets.services import budget_override_grant
from grants.models import Award, Payment
from grants.services import award_grant, payment_approve, payment_pay
from grants.tests.factories import AwardFactory, PaymentFactory, accept_offer
from programmes.models import Stage
from programmes.tests.factories import AreaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _budget(round_, total):
    round_.budget_total = Decimal(total)
    round_.save(update_fields=["budget_total"])


def _award(area, actor, stage=Stage.GETTING_GOING, amount="10000", **kw):
    return award_grant(area=area, stage=stage, amount=Decimal(amount), actor=actor, **kw)


def test_financial_years_run_april_to_march():
    assert financial_year(datetime.date(2026, 4, 1)) == 2026
    assert financial_year(datetime.date(2027, 3, 31)) == 2026
    assert financial_year(datetime.date(2026, 3, 31)) == 2025


def test_an_award_beyond_the_round_budget_is_refused_and_nothing_is_written(
    area, programme_manager
):
    _budget(area.round, "12000")
    _award(area, programme_manager, Stage.GETTING_READY, "3000")
    second = AreaFactory(round=area.round)
    with pytest.raises(ValidationError) as refused:
        _award(second, programme_manager)
    message = refused.value.message_dict["amount"][0]
    assert "over budget" in message and "£12,000.00" in message and "£9,000.00 remains" in message
    assert not Award.objects.filter(area=second).exists()


def test_an_award_within_the_budget_goes_through(area, programme_manager):
    _budget(area.round, "13000")
    _award(area, programme_manager, Stage.GETTING_READY, "3000")
    assert _award(area, programme_manager).amount == Decimal("10000.00")


def test_stage_and_year_lines_are_limits_too(area, programme_manager):
    BudgetLine.objects.create(round=area.round, stage=Stage.GETTING_GOING, amount=Decimal("5000"))
    with pytest.raises(ValidationError, match="Getting Going budget"):
        _award(area, programme_manager)
    BudgetLine.objects.all().delete()
    year = financial_year(today())
    BudgetLine.objects.create(round=area.round, financial_year=year, amount=Decimal("2000"))
    with pytest.raises(ValidationError, match=r"\d{4}–\d\d budget"):
        _award(area, programme_manager, Stage.GETTING_READY, "3000")
    # A line for another year does not limit this year's award.
    BudgetLine.objects.all().update(financial_year=year + 1)
    _award(area, programme_manager, Stage.GETTING_READY, "3000")


def test_a_managers_override_with_a_reason_lets_it_through_and_goes_on_the_timeline(
    area, programme_manager, lead_user
):
    _budget(area.round, "5000")
    with pytest.raises(ValidationError):
        _award(area, programme_manager)
    with pytest.raises(ValidationError):
        budget_override_grant(
            area=area, stage=Stage.GETTING_GOING, reason=" ", actor=programme_manager
        )
    with pytest.raises(PermissionDenied):  # not the lead's to give
        budget_override_grant(area=area, stage=Stage.GETTING_GOING, reason="x", actor=lead_user)
    budget_override_grant(
        area=area,
        stage=Stage.GETTING_GOING,
        reason="The department added £20,000 to the round in October.",
        actor=programme_manager,
    )
    award = _award(area, programme_manager)
    entry = ActivityEntry.objects.get(verb="budget.overridden", area=area)
    assert entry.reason == "The department added £20,000 to the round in October."
    assert entry.target_id == str(award.pk)
    # The override is used once: the next over-budget award is refused again.
    other = AreaFactory(round=area.round)
    with pytest.raises(ValidationError):
        _award(other, programme_manager)


def test_an_override_reason_given_with_the_award(area, programme_manager, funder_officer):
    _budget(area.round, "5000")
    with pytest.raises(ValidationError):  # only a programme manager may override
        _award(area, funder_officer, budget_override_reason="Because")
    _award(area, programme_manager, budget_override_reason="Agreed with the funder.")
    assert ActivityEntry.objects.filter(
        verb="budget.overridden", reason="Agreed with the funder."
    ).exists()


def test_imported_history_is_never_refused(area):
    _budget(area.round, "1000")
    assert _award(area, None, imported=True).imported


# --- the budget page ---------------------------------------------------------------------------


@pytest.fixture
def money(area, programme_manager, finance_officer, lead_user):
    """Payments in every state across two financial years, and a cancelled one."""
    rnd = area.round
    _budget(rnd, "100000")
    this_year = financial_year(today())
    BudgetLine.objects.create(round=rnd, financial_year=this_year, amount=Decimal("60000"))
    going = accept_offer(_award(area, programme_manager))  # 9,000 scheduled + 1,000 held
    advance = going.payments.get(kind=Payment.Kind.ADVANCE)
    payment_approve(payment=advance, actor=programme_manager)
    payment_pay(payment=advance, actor=finance_officer)  # four eyes: finance pays
    ready = accept_offer(_award(area, programme_manager, Stage.GETTING_READY, "3000"))
    payment_approve(payment=ready.payments.get(), actor=programme_manager)
    last_year = datetime.date(this_year - 1, 6, 1)
    old = AwardFactory(area=AreaFactory(round=rnd), amount=Decimal("5000"), awarded_on=last_year)
    PaymentFactory(award=old, amount=Decimal("2000"), paid=True, paid_on=last_year)
    PaymentFactory(award=old, amount=Decimal("2500"), due_on=last_year)
    PaymentFactory(award=old, amount=Decimal("500"), cancelled=True, due_on=last_year)
    return rnd


def _expected(rnd):
    """The payments list, summed by status and financial year, independently of the page."""
    sums = defaultdict(Decimal)
    for p in Payment.objects.filter(award__area__round=rnd).select_related("award"):
        when = p.paid_on if p.status == "paid" else (p.due_on or p.award.awarded_on)
        sums[(p.status, financial_year(when))] += p.amount
    return sums


def test_budget_figures_add_up_to_the_payments(money):
    budget = round_budget(money)
    sums = _expected(money)
    years = {row.key for row in budget.years}
    assert years == {y for (_s, y) in sums}
    for row in budget.years:
        assert row.paid == sums[("paid", row.key)]
        assert row.held == sums[("held", row.key)]
        assert row.forecast == sums[("scheduled", row.key)] + sums[("approved", row.key)]
    total = budget.total
    assert total.paid == sum(v for (s, _y), v in sums.items() if s == "paid")
    assert total.paid + total.held + total.forecast == sum(
        v for (s, _y), v in sums.items() if s != "cancelled"
    )
    assert total.committed == Decimal("18000.00")
    assert total.remaining == Decimal("82000.00")
    this_year = [r for r in budget.years if r.key == financial_year(today())][0]
    assert this_year.budget == Decimal("60000") and this_year.committed == Decimal("13000.00")
    assert this_year.remaining == Decimal("47000.00")
    assert this_year.paid == Decimal("9000.00") and this_year.forecast == Decimal("3000.00")


def test_budget_page_in_layers(client, client_for, money, lead_user, funder_officer):
    url = reverse("grants:round_budget", args=[money.slug])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client_for(lead_user).get(url).status_code == 403
    response = client_for(funder_officer).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "£100,000.00" in body and "£82,000.00" in body and "£9,000.00" in body
    assert "Set the round&#x27;s budget" not in body and "Allow an award" not in body
    # A funder officer reads; they cannot change anything.
    assert client.post(url, {"action": "total", "total": "1"}).status_code == 403
    money.refresh_from_db()
    assert money.budget_total == Decimal("100000.00")


def test_budget_page_query_count_does_not_grow(
    client_for, money, programme_manager, django_assert_max_num_queries
):
    client = client_for(programme_manager)
    url = reverse("grants:round_budget", args=[money.slug])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    for _ in range(5):
        PaymentFactory(award=AwardFactory(area=AreaFactory(round=money)))
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_manager_sets_the_budget_and_records_an_override_on_the_page(
    client_for, area, programme_manager
):
    client = client_for(programme_manager)
    url = reverse("grants:round_budget", args=[area.round.slug])
    client.post(url, {"action": "total", "total": "20000"})
    area.round.refresh_from_db()
    assert area.round.budget_total == Decimal("20000.00")
    year = financial_year(today())
    client.post(url, {"action": "line", "stage": "", "financial_year": str(year), "amount": "8000"})
    assert BudgetLine.objects.get(round=area.round).amount == Decimal("8000.00")
    missing = client.post(url, {"action": "override", "area": area.pk, "stage": "getting_going"})
    assert "This field is required" in missing.content.decode()
    client.post(
        url,
        {"action": "override", "area": area.pk, "stage": "getting_going", "reason": "Agreed."},
    )
    _award(area, programme_manager)  # £10,000 beyond the £8,000 year line, let through
    page = client.get(url).content.decode()
    assert "Over budget" in page and "used by the £10,000.00 award" in page


def test_dashboard_shows_the_budget(client_for, money, programme_manager):
    page = client_for(programme_manager).get(reverse("reports:dashboard", args=[money.slug]))
    body = page.content.decode()
    assert "Budget by financial year" in body and "£82,000.00" in body
    assert reverse("grants:round_budget", args=[money.slug]) in body


def test_a_budget_row_cached_before_the_figures_table_still_reads():
    """The dashboard caches its budget rows (reports.freshness): a row pickled when the column
    was called "scheduled" unpickles as "awaiting_approval", so a deploy cannot break the page."""
    import pickle

    from grants.budgets.selectors import BudgetRow

    row = BudgetRow(label="2026–27", approved=Decimal("1"), awaiting_approval=Decimal("2"))
    assert pickle.loads(pickle.dumps(row)).forecast == Decimal("3")
    old = dict(row.__dict__)
    old["scheduled"] = old.pop("awaiting_approval")
    cached = BudgetRow.__new__(BudgetRow)
    cached.__setstate__(old)
    assert cached.forecast == Decimal("3") and cached == row
