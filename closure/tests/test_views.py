"""The closure pages: who sees them, forms' errors beside their fields, and the list's queries
fixed whatever the number of closures."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, UserFactory
from closure import services
from delivery.tests.factories import ImplementingAreaFactory
from grants.tests.factories import AwardFactory, payment_in_state

pytestmark = pytest.mark.django_db


def _closing(pm, count=1):
    closures = []
    for _ in range(count):
        area = ImplementingAreaFactory()
        award = AwardFactory(area=area, amount=Decimal("3000"))
        payment_in_state(award=award, status="paid", amount=Decimal("3000"))
        closures.append(services.closure_start(area=area, actor=pm))
    return closures


def test_the_list_is_for_programme_staff(client_for, client, programme_manager, lead_user):
    url = reverse("closure:closure_list")
    assert client.get(url).status_code == 302
    assert client_for(lead_user).get(url).status_code == 403
    _closing(programme_manager)
    response = client_for(programme_manager).get(url)
    assert response.status_code == 200 and b"Closing" in response.content


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_asks_the_same_queries_for_more_closures(
    count, client_for, programme_manager, django_assert_max_num_queries
):
    _closing(programme_manager, count)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("closure:closure_list"))
    assert response.content.count(b"/closure/areas/") == count


def test_a_lead_sees_its_own_areas_closure_and_not_anothers(client_for, programme_manager):
    (closure,) = _closing(programme_manager)
    lead = UserFactory(username="lead9")
    MembershipFactory(user=lead, organisation=closure.area.lead_organisation)
    other = ImplementingAreaFactory()
    client = client_for(lead)
    own = client.get(reverse("closure:area_closure", args=[closure.area.reference]))
    assert own.status_code == 200 and b"Open the final report" in own.content
    assert b"Save the reconciliation" not in own.content
    assert client.get(reverse("closure:area_closure", args=[other.reference])).status_code == 404
    start = client.post(reverse("closure:closure_start", args=[other.reference]))
    assert start.status_code == 404


def test_unspent_money_without_a_date_or_reason_is_refused_beside_the_field(
    client_for, programme_manager
):
    (closure,) = _closing(programme_manager)
    rec = closure.reconciliations.get()
    response = client_for(programme_manager).post(
        reverse("closure:reconcile", args=[rec.pk]), {"spent": "2500"}
    )
    assert response.status_code == 400
    assert b"say by when it is to be returned" in response.content
    rec.refresh_from_db()
    assert rec.spent is None


def test_the_list_is_paged_not_cut_short(client_for, programme_manager, settings):
    """Every closure can be reached: the list pages rather than stopping at a fixed number."""
    from closure import views

    views_page_size, views.PAGE_SIZE = views.PAGE_SIZE, 2
    try:
        closures = _closing(programme_manager, 3)
        client = client_for(programme_manager)
        first = client.get(reverse("closure:closure_list")).content.decode()
        second = client.get(reverse("closure:closure_list") + "?page=2").content.decode()
    finally:
        views.PAGE_SIZE = views_page_size
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    shown = [c.area.reference for c in closures if c.area.reference in first + second]
    assert len(shown) == 3
