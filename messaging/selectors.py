"""Reading an area's messages: the thread, the staff notes, what is unread, and which threads
wait for the person's reply (for the "My work" page)."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts import permissions as account_perms
from accounts.models import AreaAssignment
from core.area_figures import figures_of
from programmes.permissions import areas_visible_to

from . import permissions as perms
from .models import Kind, Message, ThreadRead


def thread_messages(*, area) -> QuerySet[Message]:
    """What the lead organisation and staff both see, oldest first."""
    return Message.objects.filter(area=area, kind=Kind.MESSAGE).select_related("author")


def staff_notes(*, area, user) -> QuerySet[Message]:
    """The staff notes, oldest first; nothing at all for anyone who may not read them."""
    if not perms.can_read_notes(user, area)[0]:
        return Message.objects.none()
    return Message.objects.filter(area=area, kind=Kind.NOTE).select_related("author")


def last_read_at(*, area, user):
    row = ThreadRead.objects.filter(area=area, user=user).first()
    return row.read_at if row else None


def unread_count(*, area, user) -> int:
    """Messages (and, for staff, notes) by other people since the person last opened the thread.
    A lead organisation user's count never includes staff notes."""
    return thread_counts(area=area, user=user)["unread"]


def thread_counts(*, area, user) -> dict:
    """{"unread": unread_count's number, "notes": how many staff notes (0 for anyone who may not
    read them)}: from the area page's figures when the area came with them (`area_figures`),
    otherwise in one query."""
    reads_notes = perms.can_read_notes(user, area)[0]
    figures = figures_of(area, "messaging")
    if figures is None:
        messages = Message.objects.filter(area=area)
        figures = messages.aggregate(
            unread_all=Count("pk", filter=_unread(user, area)),
            unread_messages=Count("pk", filter=_unread(user, area) & Q(kind=Kind.MESSAGE)),
            notes=Count("pk", filter=Q(kind=Kind.NOTE)),
        )
    return {
        "unread": figures["unread_all"] if reads_notes else figures["unread_messages"],
        "notes": figures["notes"] if reads_notes else 0,
    }


def _unread(user, area) -> Q:
    """Messages of `area` (an area or an OuterRef to one) by others since `user` last read."""
    reads = ThreadRead.objects.filter(area=area, user=user)
    return ~Q(author=user) & (
        ~Exists(reads) | Q(created_at__gt=Subquery(reads.values("read_at")[:1]))
    )


def area_figures(user) -> dict:
    """The messages panel's figures, as correlated subqueries on the area (`core.area_figures`):
    unread by `user` with and without the staff notes, and the staff notes."""

    def count(condition):
        rows = (
            Message.objects.filter(condition, area=OuterRef("pk"))
            .order_by()
            .values("area")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    unread = _unread(user, OuterRef("area"))
    return {
        "unread_all": count(unread),
        "unread_messages": count(unread & Q(kind=Kind.MESSAGE)),
        "notes": count(Q(kind=Kind.NOTE)),
    }


def _last_message(field: str):
    return Subquery(
        Message.objects.filter(area=OuterRef("pk"), kind=Kind.MESSAGE)
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )


def threads_awaiting_reply_for(user) -> QuerySet:
    """Areas whose latest message came from the other side and has not been answered: for a lead
    organisation user, their areas where staff wrote last; for the area's relationship manager,
    programme managers and admins, areas where the lead organisation wrote last. Each area is
    annotated with `last_message_at` and `last_message_by_id`, longest waiting first. Funder
    and finance officers answer nothing here (an empty queryset)."""
    from programmes.models import Area

    if account_perms.is_lead_organisation_user(user):
        areas, waiting_on_lead = areas_visible_to(user), False
    elif account_perms.is_manager_or_admin(user):
        areas, waiting_on_lead = Area.objects.all(), True
    elif account_perms.is_relationship_manager(user):
        mine = AreaAssignment.objects.filter(user=user, ended_on__isnull=True).values("area_id")
        areas, waiting_on_lead = Area.objects.filter(pk__in=mine), True
    else:
        return Area.objects.none()
    # Only areas with a message can be waiting (the others' last message is NULL): starting from
    # them spares the database the three subqueries for every area of the programme.
    with_messages = Message.objects.filter(kind=Kind.MESSAGE).values("area_id")
    return (
        areas.filter(pk__in=with_messages)
        .annotate(
            last_message_from_lead=_last_message("from_lead"),
            last_message_at=_last_message("created_at"),
            last_message_by_id=_last_message("author_id"),
        )
        .filter(last_message_from_lead=waiting_on_lead)
        .select_related("lead_organisation")
        .order_by("last_message_at")
    )
