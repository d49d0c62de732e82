"""Existing bookings named their adviser in free text: each distinct name (ignoring case and
spaces at the ends) becomes an adviser on the list, and each booking points at it. Bookings dated
on or before today become delivered, later ones planned."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Adviser = apps.get_model("support", "Adviser")
    AdviserDay = apps.get_model("support", "AdviserDay")
    today = timezone.localdate()
    by_key = {a.name.strip().lower(): a for a in Adviser.objects.all()}
    for booking in AdviserDay.objects.all().order_by("pk"):
        name = " ".join((booking.adviser_name or "").split()) or "Unknown adviser"
        adviser = by_key.get(name.lower())
        if adviser is None:
            adviser = by_key[name.lower()] = Adviser.objects.create(name=name)
        booking.adviser = adviser
        if booking.date <= today:
            booking.status = "delivered"
            booking.delivered_at = booking.created_at
        else:
            booking.status = "planned"
        booking.save(update_fields=["adviser", "status", "delivered_at"])


def backwards(apps, schema_editor):
    AdviserDay = apps.get_model("support", "AdviserDay")
    for booking in AdviserDay.objects.select_related("adviser"):
        booking.adviser_name = booking.adviser.name
        booking.save(update_fields=["adviser_name"])


class Migration(migrations.Migration):
    dependencies = [("support", "0002_adviser_list_and_booking_status")]

    operations = [migrations.RunPython(forwards, backwards)]
