"""Issue 11: unbounded input reached the PDF worker (a 140-row logic model with 2.8 KB cells took
417 s to render). Plans are bounded in the services, and the forms say so by the field."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activity.models import ActivityEntry
from plans import bounds, services
from plans.models import (
    BudgetArrangement,
    CostBenefitAnalysis,
    CostLine,
    LogicModel,
    LogicModelRow,
    OperationalPlan,
)
from plans.services.writing import LOGIC_MODEL_FIELDS

pytestmark = pytest.mark.django_db

CELL = ("The council's commissioning lead has agreed to pool the budget. " * 45)[:2800]


def _issue_post(rows=140, cell=CELL):
    data = {
        "rows-TOTAL_FORMS": str(rows),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i in range(rows):
        data[f"rows-{i}-order"] = str(i + 1)
        for field in LOGIC_MODEL_FIELDS:
            data[f"rows-{i}-{field}"] = cell
    return data


def test_the_issue_140_row_post_is_refused_with_messages_and_writes_nothing(
    client_for, gg_area, author
):
    url = reverse("plans:logic_model_edit", args=[gg_area.reference])
    entries = ActivityEntry.objects.count()
    response = client_for(author).post(url, _issue_post())
    assert response.status_code == 200
    content = response.content.decode()
    assert "A plan can have at most 40 logic model rows: remove some." in content
    # By each cell: the field's own limit.
    assert "Ensure this value has at most 1000 characters (it has 2800)." in content
    assert not LogicModelRow.objects.exists()
    assert not LogicModel.objects.exists()
    assert ActivityEntry.objects.count() == entries


def test_the_largest_logic_model_allowed_is_accepted(client_for, gg_area, author):
    url = reverse("plans:logic_model_edit", args=[gg_area.reference])
    response = client_for(author).post(url, _issue_post(rows=40, cell=CELL[:250]))
    assert response.status_code == 302
    assert LogicModelRow.objects.count() == 40


def test_a_logic_model_over_its_total_is_refused(gg_area, author):
    rows = [dict.fromkeys(LOGIC_MODEL_FIELDS, "x" * 251)] * 40
    with pytest.raises(ValidationError) as exc:
        services.logic_model_save(area=gg_area, rows=rows, actor=author)
    assert "at most 60,000 characters in all (this has 60,240)" in str(exc.value)
    assert not LogicModelRow.objects.exists()


def test_the_service_refuses_too_many_rows_or_long_cells_whatever_the_caller(gg_area, author):
    rows = [{"inputs": "Staff"}] * (bounds.MAX_LOGIC_MODEL_ROWS + 1)
    with pytest.raises(ValidationError) as exc:
        services.logic_model_save(area=gg_area, rows=rows, actor=author)
    assert "at most 40 logic model rows (this has 41)" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.logic_model_save(area=gg_area, rows=[{"outputs": "x" * 1001}], actor=author)
    assert "Row 1, outputs: Keep this to 1,000 characters or fewer (it has 1,001)." in str(
        exc.value
    )
    assert not LogicModelRow.objects.exists()


def test_plan_sections_and_budget_lines_are_bounded(gg_area, author):
    with pytest.raises(ValidationError) as exc:
        services.plan_save(
            area=gg_area,
            actor=author,
            sections={"risks": "r" * (bounds.MAX_SECTION_CHARS + 1)},
            budget_arrangements=[{"kind": "pooled", "partner_name": "Council", "amount": 1}]
            * (bounds.MAX_BUDGET_LINES + 1),
        )
    assert set(exc.value.message_dict) == {"risks", "budget"}
    assert not OperationalPlan.objects.exists()
    assert not BudgetArrangement.objects.exists()


def test_plan_form_shows_the_section_limit_by_the_field(client_for, gg_area, author):
    url = reverse("plans:plan_edit", args=[gg_area.reference])
    page = client_for(author).get(url).content.decode()
    assert "Up to 20,000 characters." in page and 'maxlength="20000"' in page
    data = {
        "risks": "r" * 20001,
        "budget-TOTAL_FORMS": "0",
        "budget-INITIAL_FORMS": "0",
        "resourcing-TOTAL_FORMS": "0",
        "resourcing-INITIAL_FORMS": "0",
    }
    response = client_for(author).post(url, data)
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters (it has 20001)." in (
        response.content.decode()
    )
    assert not OperationalPlan.objects.exists()


def test_cba_lines_and_years_are_bounded(gg_area, author):
    line = {"year": 1, "description": "Worker", "amount": 1000, "borne_by": "Council"}
    with pytest.raises(ValidationError) as exc:
        services.cba_save(
            area=gg_area, actor=author, costs=[line] * (bounds.MAX_CBA_LINES + 1), benefits=[]
        )
    assert "at most 100 cost lines" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.cba_save(
            area=gg_area, actor=author, costs=[line, {**line, "year": 61}], benefits=[]
        )
    assert "Cost line 2, year: Use a year from 0 to 60." in exc.value.messages
    assert not CostBenefitAnalysis.objects.exists()
    assert not CostLine.objects.exists()
