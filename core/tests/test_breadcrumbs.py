import pytest
from django.template import Context, Template

from accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_area_breadcrumb_starts_from_areas_for_staff_and_my_areas_for_leads(area):
    tpl = Template('{% load core_tags %}{% area_breadcrumbs area "Edit" "Plan" "/plan/" %}')
    staff = tpl.render(Context({"area": area, "user": UserFactory(programme_manager=True)}))
    assert ">Areas</a>" in staff and f">{area.reference}</a>" in staff
    assert '<a href="/plan/">Plan</a>' in staff
    assert 'aria-current="page">Edit</li>' in staff
    lead = tpl.render(Context({"area": area, "user": UserFactory()}))
    assert ">My areas</a>" in lead


@pytest.mark.django_db
def test_area_breadcrumb_without_a_page_marks_the_area_current(area):
    html = Template("{% load core_tags %}{% area_breadcrumbs area %}").render(
        Context({"area": area, "user": UserFactory(programme_manager=True)})
    )
    assert f'aria-current="page">{area.reference}</li>' in html
