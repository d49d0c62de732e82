"""The site search's substring matches can use a trigram index on PostgreSQL for every column
it searches (core/trigram.py): areas, organisations, applications and people. With sequential
scans switched off, the plan of each kind's real query names the column's index; an index on
another expression than the query's (say LOWER instead of UPPER) would not be chosen."""

import pytest
from django.db import connection

from accounts import search as people_search
from applications import search as application_search
from programmes import search as area_search

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"
    ),
]


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def test_people_search_can_use_an_index_on_every_column(programme_manager):
    plan = _plan(people_search._people(user=programme_manager, query="smith"))
    for index in (
        "accounts_user_first_name_trgm",
        "accounts_user_last_name_trgm",
        "accounts_user_email_trgm",
        "accounts_user_username_trgm",
    ):
        assert index in plan, plan


def test_application_search_can_use_an_index_on_every_column():
    plan = _plan(application_search._matching("keyham"))
    for index in (
        "applications_app_area_name_trgm",
        "applications_app_la_trgm",
        "programmes_org_name_trgm",
        "programmes_area_reference_trgm",
    ):
        assert index in plan, plan


def test_area_search_can_use_its_indexes(programme_manager):
    plan = _plan(area_search._areas(user=programme_manager, query="keyham"))
    assert "programmes_area_name_trgm" in plan, plan
