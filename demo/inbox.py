"""Demo notifications as people would have left them: what arrived more than a month ago has
been read, and a few people have chosen how they hear about some kinds (the relationship manager
gets support news in a daily digest, the programme manager no emails about reports and imports).
My work itself needs no rows of its own: it reads what the other steps made."""

import datetime

from django.utils import timezone

from activity.kinds import Delivery
from activity.models import Notification
from activity.services import notification_preferences_set

READ_AFTER_DAYS = 30

CHOICES = {
    "rm": {"support": Delivery.DIGEST, "delivery": Delivery.DIGEST},
    "pm": {"reports": Delivery.OFF},
    "finance": {"plans": Delivery.OFF, "support": Delivery.OFF},
}


def load(ctx=None):
    if ctx is None or not ctx.created:
        return ctx
    long_ago = timezone.now() - datetime.timedelta(days=READ_AFTER_DAYS)
    Notification.objects.filter(read_at__isnull=True, entry__occurred_at__lt=long_ago).update(
        read_at=timezone.now()
    )
    for username, choices in CHOICES.items():
        user = ctx.users.get(username)
        if user is not None:
            notification_preferences_set(user=user, choices=choices)
    return ctx
