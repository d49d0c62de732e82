"""Seed the themes named in the programme's guidance; admins can add more later."""

from django.db import migrations

from programmes.reference import themes_seed


def seed(apps, schema_editor):
    themes_seed(apps.get_model("programmes", "Theme"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
