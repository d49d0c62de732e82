"""The standard programme exists after `migrate`, so that the first thing a new installation can
do is import its history (``manage.py import_records FILE --round round-1``)."""

from django.db import migrations

from programmes.reference import standard_programme_seed


def seed(apps, schema_editor):
    standard_programme_seed(apps.get_model("programmes", "Programme"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_organisation_name_key")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
