"""Issue 25: "all matching this filter" on the assessment queue, as on the finance list. The
filter is carried in the queue's address and resolved on the server, on every page; the
confirmation names what it resolved to, and confirming acts only if the filter still resolves to
the same applications."""

import re

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationStatus
from applications.tests.factories import ApplicationFactory, OpenRoundFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def rounds():
    return OpenRoundFactory(), OpenRoundFactory()


def _queue(rnd) -> str:
    return reverse("applications:assessment_queue") + f"?round={rnd.slug}&status=submitted"


def test_the_queue_offers_every_match_on_every_page(client_for, programme_manager, rounds):
    ApplicationFactory.create_batch(3, round=rounds[0], submitted=True)
    page = client_for(programme_manager).get(_queue(rounds[0])).content.decode()
    assert re.search(r'type="checkbox" name="scope" value="filter"', page)
    assert "All 3 applications matching this filter" in page


def test_start_assessment_for_all_matching_leaves_the_rest(client_for, programme_manager, rounds):
    mine = ApplicationFactory.create_batch(3, round=rounds[0], submitted=True)
    other = ApplicationFactory(round=rounds[1], submitted=True)
    client_for(programme_manager).post(
        _queue(rounds[0]), {"scope": "filter", "decision": "start", "reasons": ""}
    )
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert {statuses[a.pk] for a in mine} == {S.UNDER_ASSESSMENT}
    assert statuses[other.pk] == S.SUBMITTED


def test_admitting_all_matching_confirms_first_and_acts_on_what_it_named(
    client_for, programme_manager, rounds
):
    waiting = ApplicationFactory.create_batch(
        2, round=rounds[0], under_assessment=True, area_name="Keyham"
    )
    client = client_for(programme_manager)
    url = reverse("applications:assessment_queue") + f"?round={rounds[0].slug}"
    url += "&status=under_assessment"
    asked = client.post(url, {"scope": "filter", "decision": "admit", "reasons": "Strong"})
    page = asked.content.decode()
    assert "Nothing has been done yet" in page
    assert "Admit 2 applications" in page
    assert "every application matching the filter" in " ".join(page.split())
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)
    assert not Application.objects.filter(status=S.ADMITTED).exists()

    # Another application joins the filter before the confirm: nothing is done.
    late = ApplicationFactory(round=rounds[0], under_assessment=True)
    data = {
        "scope": "filter",
        "decision": "admit",
        "reasons": "Strong",
        "fingerprint": fingerprint,
        "confirm": "1",
    }
    changed = client.post(url, data)
    assert "have changed since" in " ".join(changed.content.decode().split())
    assert "Admit 3 applications" in changed.content.decode()
    assert not Application.objects.filter(status=S.ADMITTED).exists()

    fresh = re.search(r'name="fingerprint" value="([0-9a-f]+)"', changed.content.decode()).group(1)
    client.post(url, {**data, "fingerprint": fresh})
    admitted = set(Application.objects.filter(status=S.ADMITTED).values_list("pk", flat=True))
    assert admitted == {a.pk for a in waiting} | {late.pk}


def test_too_many_matching_is_refused_with_a_reason(
    client_for, programme_manager, rounds, monkeypatch
):
    from applications.views import admission

    monkeypatch.setattr(admission, "BULK_LIMIT", 2)
    ApplicationFactory.create_batch(3, round=rounds[0], submitted=True)
    response = client_for(programme_manager).post(
        _queue(rounds[0]), {"scope": "filter", "decision": "start", "reasons": ""}, follow=True
    )
    assert "More than 2 applications match this filter" in response.content.decode()
    assert not Application.objects.filter(status=S.UNDER_ASSESSMENT).exists()
