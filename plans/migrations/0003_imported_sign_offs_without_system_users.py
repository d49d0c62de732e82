"""Sign-offs written by earlier records imports (credited to the import's system users
``records-import`` and ``records-import-funder``) become imported history: marked imported, with no
user. Their source file was not kept, so it stays empty."""

from django.db import migrations

IMPORT_USERS = ["records-import", "records-import-funder"]


def mark_imported(apps, schema_editor):
    SignOff = apps.get_model("plans", "SignOff")
    SignOff.objects.filter(user__username__in=IMPORT_USERS).update(user=None, imported=True)


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_signoff_imported_history")]
    operations = [migrations.RunPython(mark_imported, migrations.RunPython.noop)]
