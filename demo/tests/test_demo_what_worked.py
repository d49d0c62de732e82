"""The demo gives What worked something to show in more than one group: deprivation recorded in
every band, fiscal and social benefits compared with outturn, and obstacles and enablers."""

import pytest

from core.tests.demo_snapshot import load_demo_for_test
from programmes.models import Round
from reports.what_worked import what_worked

pytestmark = pytest.mark.django_db


def test_the_demo_pilot_round_has_figures_in_more_than_one_group_of_each_kind():
    load_demo_for_test()
    result = what_worked(Round.objects.get(slug="pilot"))
    shown = {(dim, group) for (dim, group, _), cell in result.cells.items() if not cell.suppressed}
    for dimension in ("organisation_group", "approach", "deprivation"):
        assert len({g for d, g in shown if d == dimension}) >= 2, dimension
    assert not result.cba["fiscal"]["outturn"].suppressed
    assert not result.cba["social"]["outturn"].suppressed
    assert any(
        cell.value for (f, kind, dim, g), cell in result.factors.items() if kind == "obstacle"
    )
    assert any(
        cell.value for (f, kind, dim, g), cell in result.factors.items() if kind == "enabler"
    )
