"""Trigram indexes for the site search's applications (issue 25): the neighbourhood and district
an application names, searched as substrings (core/trigram.py). PostgreSQL only."""

from django.db import migrations

from core.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_single_line_text")]

    operations = [
        trigram_indexes(
            [
                ("applications_application", "area_name", "applications_app_area_name_trgm"),
                ("applications_application", "local_authority", "applications_app_la_trgm"),
            ]
        )
    ]
