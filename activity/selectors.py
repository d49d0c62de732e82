from django.db.models import QuerySet

from accounts.permissions import is_programme_staff

from .models import ActivityEntry, Notification, Visibility


def area_timeline(*, area, user) -> QuerySet[ActivityEntry]:
    """The area's activity, newest first; lead organisation users see only entries meant for them
    (decisions and payments), staff see everything."""
    qs = ActivityEntry.objects.filter(area=area).select_related("actor")
    if not is_programme_staff(user):
        qs = qs.filter(visibility=Visibility.AREA)
    return qs


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("entry", "entry__area")


def unread_notification_count(*, user) -> int:
    """How many of the user's notifications are unread, for the menu's badge."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
