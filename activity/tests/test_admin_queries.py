"""The admin's activity list runs the same number of queries however many entries a page shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from programmes.tests.factories import AreaFactory

from .factories import ActivityEntryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n", [2, 12])
def test_activity_changelist_in_flat_queries(client, django_assert_max_num_queries, n):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, admin=True)
    for _ in range(n):
        ActivityEntryFactory(area=AreaFactory(), actor=UserFactory(programme_manager=True))
    client.force_login(root)
    url = reverse("admin:activity_activityentry_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    counts = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1  # not again for the unfiltered total
    html = response.content.decode()
    assert html.count('class="field-summary"') == n
