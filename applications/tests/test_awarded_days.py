"""A decision's adviser days reach support's entitlement though applications do not import
support: ``adviser_days_awarded`` is sent in the decision's transaction and support adds the
days. Days nobody would keep are an error, never dropped."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from applications.services.awards import add_adviser_days
from applications.signals import adviser_days_awarded
from support.models import AdviserEntitlement
from support.services import entitlement_add_awarded

pytestmark = pytest.mark.django_db


def _award(area, days):
    add_adviser_days(
        area=area,
        days=days,
        reason="Getting Ready adviser days",
        actor=None,
        occurred_at=None,
        imported=False,
    )


def test_awarded_days_become_the_areas_entitlement(area):
    _award(area, Decimal("3"))
    _award(area, Decimal("0"))  # none to add: nothing written
    assert list(AdviserEntitlement.objects.filter(area=area).values_list("days", "reason")) == [
        (Decimal("3"), "Getting Ready adviser days")
    ]


def test_days_nobody_keeps_are_an_error_and_nothing_is_written(area):
    uid = "support.entitlement_add_awarded"
    adviser_days_awarded.disconnect(entitlement_add_awarded, dispatch_uid=uid)
    try:
        with pytest.raises(ImproperlyConfigured), transaction.atomic():
            _award(area, Decimal("3"))
    finally:
        adviser_days_awarded.connect(entitlement_add_awarded, dispatch_uid=uid)
    assert not AdviserEntitlement.objects.exists()
