"""Trigram indexes for the site search's people (issue 25): each word of the query is looked for
in the first name, last name, email address and username, as substrings (core/trigram.py).
PostgreSQL only."""

from django.db import migrations

from core.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_user_session_generation")]

    operations = [
        trigram_indexes(
            [
                ("accounts_user", "first_name", "accounts_user_first_name_trgm"),
                ("accounts_user", "last_name", "accounts_user_last_name_trgm"),
                ("accounts_user", "email", "accounts_user_email_trgm"),
                ("accounts_user", "username", "accounts_user_username_trgm"),
            ]
        )
    ]
