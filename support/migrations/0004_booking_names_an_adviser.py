import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("support", "0003_advisers_from_booked_names")]

    operations = [
        migrations.RemoveField(model_name="adviserday", name="adviser_name"),
        migrations.AlterField(
            model_name="adviserday",
            name="adviser",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bookings",
                to="support.adviser",
            ),
        ),
    ]
