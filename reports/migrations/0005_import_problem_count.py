"""Failed imports keep their problem count, and at most the first 100 problems (a file of a
million bad lines had kept every one, making a 67 MB page)."""

from django.db import migrations, models

# reports.imports.reading.LISTED_PROBLEMS when this was written (a migration keeps its own copy).
LISTED_PROBLEMS = 100


def count_and_trim(apps, schema_editor):
    ImportJob = apps.get_model("reports", "ImportJob")
    for pk in ImportJob.objects.exclude(problems=[]).values_list("pk", flat=True).iterator():
        job = ImportJob.objects.only("pk", "problems").get(pk=pk)
        ImportJob.objects.filter(pk=pk).update(
            problem_count=len(job.problems), problems=job.problems[:LISTED_PROBLEMS]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="problem_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_and_trim, migrations.RunPython.noop),
    ]
